/** The page's one message line under the header: the outcome of the last save, rollback or refusal. */
import Button from '@atlaskit/button/new';
import type { ReactNode } from 'react';
import type { ApiError } from '../../src/settings/api';
import { Notice } from './notice';
import { problemText } from './problem-text';

export interface Banner {
  readonly appearance: 'success' | 'error' | 'warning' | 'information';
  readonly title: string;
  readonly body: string;
  readonly details?: string[];
  readonly actions?: ReactNode;
}

export function errorBanner(title: string, error: ApiError): Banner {
  const details = [
    ...(error.failures ?? []).map(
      (f) => `“${f.name}”: expects ${f.expect}, got ${f.actual}${f.detail ? ` (${f.detail})` : ''}`,
    ),
    ...(error.problems ?? []).map(problemText),
    ...(error.weakenings ?? []).map((w) => w.message),
  ];
  return { appearance: 'error', title, body: error.message, details };
}

export function BannerView({ banner, onDismiss }: { banner: Banner; onDismiss: () => void }) {
  return (
    <div className="banner" role={banner.appearance === 'error' ? 'alert' : 'status'}>
      <Notice appearance={banner.appearance} title={banner.title}>
        <p>{banner.body}</p>
        {banner.details?.length ? (
          <ul>
            {banner.details.map((d, i) => (
              <li key={i}>{d}</li>
            ))}
          </ul>
        ) : null}
        <div className="toolbar">
          {banner.actions}
          <Button appearance="subtle" onClick={onDismiss}>
            Dismiss
          </Button>
        </div>
      </Notice>
    </div>
  );
}

/** Typed calls to the resolver through whichever backend this build has. */
import type { ApiResult } from '../../src/settings/api';
import type { SettingsBackend } from './backend/types';

export type Call = <T>(key: string, payload?: Record<string, unknown>) => Promise<ApiResult<T>>;

export function caller(backend: SettingsBackend): Call {
  return async <T>(key: string, payload?: Record<string, unknown>) => {
    try {
      return await backend.invoke<ApiResult<T>>(key, payload);
    } catch (error) {
      return {
        ok: false,
        error: {
          code: 'storage',
          message: `Pipeline Guard could not reach its backend (${(error as Error).message}). Try again in a moment.`,
        },
      };
    }
  };
}

export const EXAMPLE_PIPELINE = `image: node:20.11

pipelines:
  branches:
    '**':
      - step:
          name: Build and test
          script:
            - npm ci
            - npm test
      - step:
          name: PROD deploy
          deployment: production
          oidc: true
          script:
            - aws sts get-caller-identity
            - ./deploy.sh
`;

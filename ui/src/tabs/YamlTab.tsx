/** The same draft as YAML text: policy as code, with import and export. Comments and key order are kept. */
import Button from '@atlaskit/button/new';
import TextArea from '@atlaskit/textarea';
import { useRef } from 'react';
import { parsePolicyText } from '../../../src/policy/text';
import { parseYaml } from '../../../src/yaml/document';
import { downloadText } from '../download';
import { FieldErrors } from '../fields';

/** `onText` and `onImport` are absent in the read-only view: then nothing here can change the draft. */
export function YamlTab({
  text,
  onText,
  onImport,
}: {
  text: string;
  onText?: (next: string) => void;
  onImport?: (text: string, fileName: string) => void;
}) {
  const fileInput = useRef<HTMLInputElement>(null);
  let syntax: string | undefined;
  try {
    parseYaml(text);
  } catch (error) {
    syntax = (error as Error).message;
  }
  const result = syntax ? undefined : parsePolicyText(text);
  const problems =
    result && !result.ok
      ? result.problems.map((p) => `${p.line ? `line ${p.line}: ` : ''}${p.path}: ${p.message}`)
      : [];

  return (
    <div className="stack">
      <p className="lead">
        The policy as YAML. Edits here and in the Environments tab are the same draft; save from either. Comments and
        the order of keys are kept when you save.
      </p>
      <div className="toolbar">
        <Button onClick={() => downloadText('pipeline-guard-policy.yaml', text, 'application/yaml')}>
          Export YAML
        </Button>
        {onImport ? (
          <>
            <Button onClick={() => fileInput.current?.click()}>Import file…</Button>
            <input
              ref={fileInput}
              type="file"
              accept=".yaml,.yml,.json,text/yaml,application/json"
              className="offscreen"
              aria-label="Policy file to import"
              tabIndex={-1}
              onChange={async (event) => {
                const file = event.target.files?.[0];
                if (file) onImport(await file.text(), file.name);
                event.target.value = '';
              }}
            />
          </>
        ) : null}
      </div>
      <label className="field-label" htmlFor="policy-yaml">
        Policy YAML
      </label>
      <TextArea
        id="policy-yaml"
        value={text}
        isMonospaced
        minimumRows={24}
        resize="vertical"
        isReadOnly={!onText}
        isInvalid={Boolean(syntax) || problems.length > 0}
        aria-describedby={syntax || problems.length ? 'policy-yaml-error' : undefined}
        onChange={(event) => onText?.(event.target.value)}
      />
      <FieldErrors id="policy-yaml" messages={syntax ? [`Not valid YAML: ${syntax}`] : problems} />
    </div>
  );
}

/** The same draft as YAML text: policy as code, with import and export. */
import Button from '@atlaskit/button/new';
import TextArea from '@atlaskit/textarea';
import { useRef, useState } from 'react';
import { parsePolicyText } from '../../../src/policy/text';
import { parseYaml } from '../../../src/yaml/document';
import { toYamlText } from '../draft';
import { downloadText } from '../download';
import { FieldErrors, useEditor } from '../fields';

export function YamlTab({ onSyntaxError }: { onSyntaxError: (message: string | undefined) => void }) {
  const editor = useEditor();
  const [text, setText] = useState(() => toYamlText(editor.draft));
  const [syntax, setSyntax] = useState<string | undefined>();
  const fileInput = useRef<HTMLInputElement>(null);

  const update = (next: string) => {
    setText(next);
    let value: unknown;
    try {
      value = parseYaml(next).value;
    } catch (error) {
      const message = (error as Error).message;
      setSyntax(message);
      onSyntaxError(message);
      return;
    }
    setSyntax(undefined);
    onSyntaxError(undefined);
    editor.set([], value ?? {});
  };

  const result = syntax ? undefined : parsePolicyText(text);
  const problems = result && !result.ok ? result.problems.map((p) => `${p.line ? `line ${p.line}: ` : ''}${p.path}: ${p.message}`) : [];

  return (
    <div className="stack">
      <p className="lead">The policy as YAML. Edits here and in the Environments tab are the same draft; save from either.</p>
      <div className="toolbar">
        <Button onClick={() => downloadText('pipeline-guard-policy.yaml', text, 'application/yaml')}>Export YAML</Button>
        {editor.readOnly ? null : <Button onClick={() => fileInput.current?.click()}>Import file…</Button>}
        <input
          ref={fileInput}
          type="file"
          accept=".yaml,.yml,.json,text/yaml,application/json"
          className="offscreen"
          aria-label="Policy file to import"
          tabIndex={-1}
          onChange={async (event) => {
            const file = event.target.files?.[0];
            if (file) update(await file.text());
            event.target.value = '';
          }}
        />
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
        isReadOnly={editor.readOnly}
        isInvalid={Boolean(syntax) || problems.length > 0}
        aria-describedby={syntax || problems.length ? 'policy-yaml-error' : undefined}
        onChange={(event) => update(event.target.value)}
      />
      <FieldErrors id="policy-yaml" messages={syntax ? [`Not valid YAML: ${syntax}`] : problems} />
    </div>
  );
}

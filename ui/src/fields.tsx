/**
 * Form fields bound to a path in the policy draft. Each shows the schema's problems for its own
 * path inline, as the admin types, and ties them to the input for screen readers.
 */
import Textfield from '@atlaskit/textfield';
import TextArea from '@atlaskit/textarea';
import { Checkbox } from '@atlaskit/checkbox';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { formatPath, type Path } from '../../src/primitives/path';
import type { PolicyProblem } from '../../src/policy/load';
import type { PolicyWarning } from '../../src/policy/warnings';
import { getAt, samePath, startsWith, type Json } from './draft';

export interface EditorState {
  readonly draft: Json;
  readonly problems: readonly PolicyProblem[];
  /** What `pipeline-guard policy check` would warn about, shown at the field before Save. */
  readonly warnings: readonly PolicyWarning[];
  readonly readOnly: boolean;
  set(path: Path, value: unknown): void;
}

export const EditorContext = createContext<EditorState | undefined>(undefined);

export function useEditor(): EditorState {
  const editor = useContext(EditorContext);
  if (!editor) throw new Error('field outside the policy editor');
  return editor;
}

export const fieldId = (path: Path) => `f-${formatPath(path).replace(/[^A-Za-z0-9_-]+/g, '-')}`;

/** Problems on the field itself, and for a list field on its items (named by line). */
function problemsOf(problems: readonly { segments: Path; message: string }[], path: Path, list: boolean): string[] {
  const messages: string[] = [];
  for (const problem of problems) {
    if (samePath(problem.segments, path)) messages.push(problem.message);
    else if (
      list &&
      startsWith(problem.segments, path) &&
      problem.segments.length === path.length + 1 &&
      typeof problem.segments[path.length] === 'number'
    ) {
      messages.push(`line ${(problem.segments[path.length] as number) + 1}: ${problem.message}`);
    }
  }
  return messages;
}

export function FieldErrors({ id, messages }: { id: string; messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <ul className="field-errors" id={`${id}-error`} role="alert">
      {messages.map((message, i) => (
        <li key={i}>{message}</li>
      ))}
    </ul>
  );
}

export function FieldWarnings({ id, messages }: { id: string; messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <ul className="field-warnings" id={`${id}-warning`} data-testid="field-warning">
      {messages.map((message, i) => (
        <li key={i}>
          <span className="offscreen">Warning: </span>
          {message}
        </li>
      ))}
    </ul>
  );
}

/** Warnings about a group of fields (an environment's runners, say), shown under its heading. */
export function GroupWarnings({ path }: { path: Path }) {
  const editor = useEditor();
  return <FieldWarnings id={`${fieldId(path)}-group`} messages={problemsOf(editor.warnings, path, false)} />;
}

interface FieldFrameProps {
  readonly id: string;
  readonly label: string;
  readonly help?: ReactNode;
  readonly errors: string[];
  readonly warnings?: string[];
  readonly children: ReactNode;
}

/** A field's label, help, errors and warnings around its control, each tied to it by id. */
export function FieldFrame({ id, label, help, errors, warnings = [], children }: FieldFrameProps) {
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children}
      {help ? (
        <div className="field-help" id={`${id}-help`}>
          {help}
        </div>
      ) : null}
      <FieldErrors id={id} messages={errors} />
      <FieldWarnings id={id} messages={warnings} />
    </div>
  );
}

/** What every field reads from the editor: its draft value and its own problems, under a stable id. */
function useField(path: Path) {
  const editor = useEditor();
  return {
    editor,
    id: fieldId(path),
    value: getAt(editor.draft, path),
    errors: problemsOf(editor.problems, path, false),
    warnings: problemsOf(editor.warnings, path, true),
  };
}

type SchemaLimits = typeof import('./schema-limits');
let schemaLimits: SchemaLimits | undefined;
let loadingLimits: Promise<SchemaLimits> | undefined;

/**
 * The longest text the policy schema accepts at a path, once the schema has loaded (it brings zod,
 * which the first view does without): a `maxLength` taken from the schema itself.
 */
export function usePolicyMaxLength(path: Path, separator = 1): number | undefined {
  const [limits, setLimits] = useState(schemaLimits);
  useEffect(() => {
    if (limits) return;
    let current = true;
    void (loadingLimits ??= import('./schema-limits')).then((loaded) => {
      schemaLimits = loaded;
      if (current) setLimits(loaded);
    });
    return () => {
      current = false;
    };
  }, [limits]);
  return limits?.policyMaxLength(path, separator);
}

const describedBy = (id: string, help: unknown, errors: string[], warnings: string[] = []) =>
  [help ? `${id}-help` : '', errors.length ? `${id}-error` : '', warnings.length ? `${id}-warning` : '']
    .filter(Boolean)
    .join(' ') || undefined;

export function TextField({
  path,
  label,
  help,
  monospace,
  numeric,
}: {
  path: Path;
  label: string;
  help?: ReactNode;
  monospace?: boolean;
  numeric?: boolean;
}) {
  const { editor, id, value, errors, warnings } = useField(path);
  const maxLength = usePolicyMaxLength(path);
  return (
    <FieldFrame id={id} label={label} help={help} errors={errors} warnings={warnings}>
      <Textfield
        id={id}
        value={typeof value === 'string' ? value : value === undefined ? '' : String(value)}
        maxLength={maxLength}
        isInvalid={errors.length > 0}
        isReadOnly={editor.readOnly}
        isMonospaced={monospace}
        aria-invalid={errors.length > 0}
        aria-describedby={describedBy(id, help, errors, warnings)}
        inputMode={numeric ? 'numeric' : undefined}
        onChange={(event) => {
          const text = (event.target as HTMLInputElement).value;
          // A number field keeps text that is not a number, so the schema can say what is wrong.
          editor.set(path, text === '' ? undefined : numeric && /^\d+$/.test(text) ? Number(text) : text);
        }}
      />
    </FieldFrame>
  );
}

/** A list of strings edited as one item per line. */
export function ListField({
  path,
  label,
  help,
  required,
}: {
  path: Path;
  label: string;
  help?: ReactNode;
  required?: boolean;
}) {
  const { editor, id, value, warnings } = useField(path);
  const items = Array.isArray(value)
    ? value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)))
    : [];
  // Local text keeps the admin's blank lines and cursor while the draft holds the clean list.
  const [text, setText] = useState(items.join('\n'));
  const joined = items.join('\n');
  useEffect(() => {
    if (
      text
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .join('\n') !== joined
    )
      setText(joined);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [joined]);
  const errors = problemsOf(editor.problems, path, true);
  const maxLength = usePolicyMaxLength(path);
  return (
    <FieldFrame id={id} label={label} help={help ?? 'One per line.'} errors={errors} warnings={warnings}>
      <TextArea
        id={id}
        value={text}
        maxLength={maxLength}
        minimumRows={Math.min(8, Math.max(2, text.split('\n').length))}
        resize="vertical"
        isMonospaced
        isInvalid={errors.length > 0}
        isReadOnly={editor.readOnly}
        aria-invalid={errors.length > 0}
        aria-describedby={describedBy(id, true, errors, warnings)}
        onChange={(event) => {
          const next = event.target.value;
          setText(next);
          const list = next
            .split('\n')
            .map((line) => line.trim())
            .filter(Boolean);
          editor.set(path, list.length === 0 && !required ? undefined : list);
        }}
      />
    </FieldFrame>
  );
}

export function CheckField({
  path,
  label,
  help,
  onCheck,
}: {
  path: Path;
  label: string;
  help?: ReactNode;
  onCheck?: (checked: boolean) => void;
}) {
  const { editor, id, errors, warnings } = useField(path);
  return (
    <div className="field field-check">
      <Checkbox
        id={id}
        label={label}
        isChecked={getAt(editor.draft, path) === true}
        isDisabled={editor.readOnly}
        aria-describedby={describedBy(id, help, errors, warnings)}
        onChange={(event) =>
          onCheck ? onCheck(event.target.checked) : editor.set(path, event.target.checked ? true : undefined)
        }
      />
      {help ? (
        <div className="field-help" id={`${id}-help`}>
          {help}
        </div>
      ) : null}
      <FieldErrors id={id} messages={errors} />
      <FieldWarnings id={id} messages={warnings} />
    </div>
  );
}

/**
 * `emptyLabel` adds an option for "not set". `defaultOption` instead names which option applies when
 * the field is not set, so the list never offers the same value twice ("enforce (default)" and "enforce").
 */
export function SelectField({
  path,
  label,
  options,
  help,
  emptyLabel,
  defaultOption,
}: {
  path: Path;
  label: string;
  options: readonly string[];
  help?: ReactNode;
  emptyLabel?: string;
  defaultOption?: string;
}) {
  const { editor, id, value, errors, warnings } = useField(path);
  const shown = typeof value === 'string' ? value : (defaultOption ?? '');
  return (
    <FieldFrame id={id} label={label} help={help} errors={errors} warnings={warnings}>
      <select
        id={id}
        className="native-select"
        value={shown}
        disabled={editor.readOnly}
        aria-invalid={errors.length > 0}
        aria-describedby={describedBy(id, help, errors, warnings)}
        onChange={(event) => {
          const next = event.target.value;
          // Choosing the default of an unset field leaves it unset rather than writing it out.
          if (value === undefined && next === defaultOption) return;
          editor.set(path, next === '' ? undefined : next);
        }}
      >
        {emptyLabel !== undefined ? <option value="">{emptyLabel}</option> : null}
        {options.map((option) => (
          <option key={option} value={option}>
            {option === defaultOption ? `${option} (default)` : option}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

/**
 * The scope of an environment, edited with pickers: projects and repositories come from Bitbucket's
 * lists (fetched as the user), and anything else can be typed, since repository entries are slug globs
 * such as `payments-*`. Each entry says what it stands for in this workspace, so a typo shows at once.
 */
import Button from '@atlaskit/button/new';
import { useId, useState, type ReactNode } from 'react';
import { compileGlob, REF_GLOB } from '../../src/primitives/glob';
import type { Path } from '../../src/primitives/path';
import { describeScope, scopeIncludes, type Scope } from '../../src/policy/scope';
import type { BitbucketProject, BitbucketRepository } from '../../src/settings/bitbucket-rest';
import { useBitbucketListings } from './bitbucket';
import { getAt, samePath, startsWith } from './draft';
import { FieldErrors, fieldId, useEditor, usePolicyMaxLength } from './fields';
import { Notice } from './notice';
import './scopes.css';

interface Suggestion {
  readonly value: string;
  readonly label: string;
}

interface Note {
  readonly text: string;
  readonly warning?: boolean;
}

function matchingSlugs(pattern: string, repositories: readonly BitbucketRepository[]): string[] | undefined {
  try {
    const matches = compileGlob(pattern, REF_GLOB);
    return repositories.filter((r) => matches(r.slug)).map((r) => r.slug);
  } catch {
    // Not a valid glob: the schema's own message shows under the field.
    return undefined;
  }
}

export function slugGlobNote(
  pattern: string,
  repositories: readonly BitbucketRepository[] | undefined,
): Note | undefined {
  if (!repositories) return undefined;
  const slugs = matchingSlugs(pattern, repositories);
  if (slugs === undefined) return undefined;
  if (slugs.length === 0) return { text: 'matches no repository of this workspace', warning: true };
  if (slugs.length === 1 && slugs[0] === pattern) return { text: 'repository' };
  return { text: `matches ${slugs.length}: ${slugs.slice(0, 4).join(', ')}${slugs.length > 4 ? ', …' : ''}` };
}

/** The schema's messages for the list at `path` and for its items, each item message led by the item. */
function pickerErrors(problems: ReturnType<typeof useEditor>['problems'], path: Path, items: string[]): string[] {
  const errors: string[] = [];
  for (const problem of problems) {
    if (samePath(problem.segments, path)) errors.push(problem.message);
    else if (
      startsWith(problem.segments, path) &&
      problem.segments.length === path.length + 1 &&
      typeof problem.segments[path.length] === 'number'
    ) {
      const index = problem.segments[path.length] as number;
      errors.push(`${items[index] ?? `item ${index + 1}`}: ${problem.message}`);
    }
  }
  return errors;
}

/** A list of strings picked from suggestions or typed, one entry per chip. */
export function PickerField({
  path,
  label,
  owner,
  help,
  suggestions,
  noteFor,
}: {
  path: Path;
  label: string;
  /** Whose field it is (an environment's name), so that every control has a name of its own on the page. */
  owner?: string;
  help: ReactNode;
  suggestions: readonly Suggestion[];
  noteFor?: (item: string) => Note | undefined;
}) {
  const editor = useEditor();
  const id = fieldId(path);
  const listId = `${id}-options${useId().replace(/:/g, '')}`;
  const value = getAt(editor.draft, path);
  const items = Array.isArray(value)
    ? value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)))
    : [];
  const [text, setText] = useState('');
  const name = owner ? `${label} of ${owner}` : label;
  const errors = pickerErrors(editor.problems, path, items);
  // One entry is typed at a time: the limit is an entry's.
  const maxLength = usePolicyMaxLength([...path, 0]);

  const add = () => {
    const entry = text.trim();
    if (!entry) return;
    if (!items.includes(entry)) editor.set(path, [...items, entry]);
    setText('');
  };
  const remove = (item: string) => {
    const rest = items.filter((i) => i !== item);
    editor.set(path, rest.length ? rest : undefined);
  };

  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {items.length ? (
        <Chips items={items} name={name} noteFor={noteFor} onRemove={remove} />
      ) : (
        <p className="hint">{editor.readOnly ? 'none' : ''}</p>
      )}
      {editor.readOnly ? null : (
        <PickerRow
          id={id}
          listId={listId}
          name={name}
          text={text}
          onText={setText}
          onAdd={add}
          maxLength={maxLength}
          invalid={errors.length > 0}
          suggestions={suggestions}
          chosen={items}
        />
      )}
      <div className="field-help" id={`${id}-help`}>
        {help}
      </div>
      <FieldErrors id={id} messages={errors} />
    </div>
  );
}

/** The input an entry is typed or picked in, with its Add button. */
function PickerRow({
  id,
  listId,
  name,
  text,
  onText,
  onAdd,
  maxLength,
  invalid,
  suggestions,
  chosen,
}: {
  id: string;
  listId: string;
  name: string;
  text: string;
  onText: (text: string) => void;
  onAdd: () => void;
  maxLength?: number;
  invalid: boolean;
  suggestions: readonly Suggestion[];
  chosen: string[];
}) {
  return (
    <div className="picker-row">
      <input
        id={id}
        className="picker-input"
        list={listId}
        value={text}
        maxLength={maxLength}
        autoComplete="off"
        aria-invalid={invalid}
        aria-describedby={`${id}-help${invalid ? ` ${id}-error` : ''}`}
        onChange={(event) => onText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            onAdd();
          }
        }}
      />
      <Button onClick={onAdd} isDisabled={!text.trim()} aria-label={`Add to ${name}`}>
        Add
      </Button>
      <SuggestionList id={listId} suggestions={suggestions} chosen={chosen} />
    </div>
  );
}

/** The chosen entries, each with its note and (when editable) a button that takes it out. */
function Chips({
  items,
  name,
  noteFor,
  onRemove,
}: {
  items: string[];
  name: string;
  noteFor?: (item: string) => Note | undefined;
  onRemove: (item: string) => void;
}) {
  const editor = useEditor();
  return (
    <ul className="chips" aria-label={`${name}: chosen`}>
      {items.map((item) => {
        const note = noteFor?.(item);
        return (
          <li key={item} className="chip">
            <code>{item}</code>
            {note ? (
              <span className={note.warning ? 'chip-note chip-note-warning' : 'chip-note'}>{note.text}</span>
            ) : null}
            {editor.readOnly ? null : (
              <button
                type="button"
                className="chip-remove"
                aria-label={`Remove ${item} from ${name}`}
                onClick={() => onRemove(item)}
              >
                ×
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** The input's suggestions, less the entries already chosen. */
function SuggestionList({
  id,
  suggestions,
  chosen,
}: {
  id: string;
  suggestions: readonly Suggestion[];
  chosen: string[];
}) {
  return (
    <datalist id={id}>
      {suggestions
        .filter((s) => !chosen.includes(s.value))
        .map((s) => (
          <option key={s.value} value={s.value}>
            {s.label}
          </option>
        ))}
    </datalist>
  );
}

/** What a project key stands for in this workspace, or a warning when it is none of its projects. */
function projectNote(projects: readonly BitbucketProject[] | undefined, key: string): Note | undefined {
  if (!projects) return undefined;
  const name = new Map(projects.map((p) => [p.key, p.name])).get(key);
  if (name) return { text: name };
  const sameButCase = projects.find((p) => p.key.toUpperCase() === key.toUpperCase());
  return {
    text: sameButCase
      ? `keys are compared exactly: did you mean ${sameButCase.key}?`
      : 'not a project of this workspace',
    warning: true,
  };
}

/** Which repositories the scope serves, counted among those Bitbucket listed (when they loaded). */
function ScopeSummary({ scope, repos }: { scope: Scope | undefined; repos: BitbucketRepository[] | undefined }) {
  const inScope =
    scope && repos
      ? repos.filter((r) =>
          scopeIncludes(scope, { uuid: r.uuid, slug: r.slug, fullName: r.fullName, projectKey: r.projectKey }),
        )
      : undefined;
  return (
    <p className="scope-summary hint" data-testid="scope-summary">
      Serves {describeScope(scope)}
      {inScope
        ? `: ${inScope.length} of the ${repos!.length} repositories listed${
            inScope.length
              ? ` (${inScope
                  .slice(0, 6)
                  .map((r) => r.slug)
                  .join(', ')}${inScope.length > 6 ? ', …' : ''})`
              : ''
          }.`
        : '.'}
    </p>
  );
}

/** The scope part of an environment card. */
export function ScopeFields({ base, owner }: { base: Path; owner: string }) {
  const editor = useEditor();
  const { projects, repositories } = useBitbucketListings();
  const scope = getAt(editor.draft, [...base, 'scope']) as Scope | undefined;
  const repos = repositories.items;
  const repoSuggestions = (repos ?? []).map((r) => ({
    value: r.slug,
    label: `${r.fullName}${r.projectKey ? ` (${r.projectKey})` : ''}`,
  }));
  const listError = projects.error ?? repositories.error;

  return (
    <fieldset className="group" data-testid="scope-fields">
      <legend>Which repositories (scope)</legend>
      <p className="hint">
        Without a scope the environment serves every repository. With one, it serves the repositories of the listed
        projects and those whose slug matches a listed pattern, except the excluded ones; a step of any other repository
        that asks for it is blocked (rule repository-scope). Pick from the lists or type a slug pattern such as{' '}
        <code>payments-*</code>.
      </p>
      {listError ? (
        <Notice appearance="warning" title="Bitbucket’s lists could not load">
          <p>{listError} You can still type project keys and slug patterns.</p>
        </Notice>
      ) : null}
      <div className="grid grid-3">
        <PickerField
          owner={owner}
          path={[...base, 'scope', 'projects']}
          label="Projects"
          suggestions={(projects.items ?? []).map((p) => ({ value: p.key, label: p.name }))}
          noteFor={(key) => projectNote(projects.items, key)}
          help="Bitbucket project keys, for example PAY."
        />
        <PickerField
          owner={owner}
          path={[...base, 'scope', 'repositories']}
          label="Repositories"
          suggestions={repoSuggestions}
          noteFor={(item) => slugGlobNote(item, repos)}
          help="Slugs or slug patterns, for example payments-*."
        />
        <PickerField
          owner={owner}
          path={[...base, 'scope', 'exclude']}
          label="Except repositories"
          suggestions={repoSuggestions}
          noteFor={(item) => slugGlobNote(item, repos)}
          help="Slugs or slug patterns taken out again, for example payments-sandbox."
        />
      </div>
      <ScopeSummary scope={scope} repos={repos} />
    </fieldset>
  );
}

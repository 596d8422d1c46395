/**
 * The policy the page edits: the enforced view, the draft and the revision it is based on, the
 * draft's YAML text, and the editor tools (zod and the YAML document), which load only after the
 * visible tab's own chunk so the first actionable control never waits for them.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { PolicyView } from '../../src/settings/api';
import type { PolicySourceView } from '../../src/settings/api';
import type { Call } from './api';
import { setAt } from './draft';
import { loadEditorTools, type EditorTools } from './editor-tools-loader';
import type { EditorState } from './fields';

interface DraftState {
  readonly draft: unknown;
  /**
   * The YAML text the admin last wrote, imported or loaded (undefined: none, plain YAML of the
   * draft). Form edits change only the draft; the text shown and saved is this text synced to the
   * draft, so comments and key order survive.
   */
  readonly text?: string;
  /** Set while the YAML text does not parse; the draft then keeps its last good value. */
  readonly syntaxError?: string;
}

/** The revision a draft was loaded from: a save names it, and a refused save merges from it. */
export interface BaseRevision {
  readonly revision: number;
  readonly policy: unknown;
}

/** Until zod has loaded, nothing is known to be wrong or right. */
const NOT_CHECKED = { problems: [], valid: false, warnings: [] } as const;

const baseOf = (view: PolicyView): BaseRevision => ({ revision: view.revision, policy: view.policy });

function useEditorTools(ready: Promise<unknown> | undefined) {
  const [tools, setTools] = useState<EditorTools>();
  useEffect(() => {
    if (!ready) return;
    let live = true;
    // The visible tab first: its chunk and the editor tools would otherwise share the network.
    void ready
      .catch(() => undefined)
      .then(loadEditorTools)
      .then((loaded) => live && setTools(loaded));
    return () => {
      live = false;
    };
  }, [ready]);
  return tools;
}

export function usePolicyDraft(call: Call, visibleTabLoaded: Promise<unknown>) {
  const [view, setView] = useState<PolicyView>();
  const [loadError, setLoadError] = useState<string>();
  /** Where the policy comes from: under a repository source the policy is read-only here (grants are not). */
  const [source, setSource] = useState<PolicySourceView>();
  const [state, setState] = useState<DraftState>({ draft: undefined });
  const [base, setBase] = useState<BaseRevision>({ revision: 0, policy: undefined });
  /** Bumped whenever the draft is replaced from outside the editors, so they reset their local text. */
  const [draftVersion, setDraftVersion] = useState(0);
  const tools = useEditorTools(view ? visibleTabLoaded : undefined);
  const { draft, text: baseText, syntaxError } = state;

  const replaceDraft = useCallback((next: unknown, text?: string) => {
    setState({ draft: next, text });
    setDraftVersion((v) => v + 1);
  }, []);

  const fetchView = useCallback(async () => {
    void call<PolicySourceView>('getPolicySource').then((loaded) => setSource(loaded.ok ? loaded : undefined));
    const result = await call<PolicyView>('getPolicy');
    if (!result.ok) {
      setLoadError(result.error.message);
      return undefined;
    }
    setView(result);
    return result;
  }, [call]);

  const load = useCallback(async () => {
    const loaded = await fetchView();
    if (!loaded) return;
    setBase(baseOf(loaded));
    replaceDraft(loaded.policy, loaded.policyText);
  }, [fetchView, replaceDraft]);

  useEffect(() => {
    void load();
  }, [load]);

  /** Puts the draft on top of `onto`: the admin's merged edits over that revision's own text. */
  const rebase = useCallback(
    (onto: PolicyView, merged: unknown) => {
      setBase(baseOf(onto));
      replaceDraft(merged, onto.policyText);
    },
    [replaceDraft],
  );

  /** Back to what is enforced now, which becomes the draft's base. */
  const discard = useCallback(() => {
    if (!view) return;
    setBase(baseOf(view));
    replaceDraft(view.policy, view.policyText);
  }, [view, replaceDraft]);

  const setYamlText = useCallback(
    (text: string) => {
      // Synchronously when loaded, so a controlled text area keeps its cursor.
      if (tools) setState((current) => tools.parsePolicyDraft(text, current.draft));
      else void loadEditorTools().then((loaded) => setState((current) => loaded.parsePolicyDraft(text, current.draft)));
    },
    [tools],
  );

  const setDraft = useCallback((next: unknown) => {
    setState((current) => ({ ...current, draft: next }));
    setDraftVersion((v) => v + 1);
  }, []);

  const checked = useMemo(() => (tools ? tools.inspect(draft) : NOT_CHECKED), [tools, draft]);
  const yamlText = useMemo(() => {
    if (!tools || draft === undefined) return undefined;
    return syntaxError ? baseText : tools.syncYamlText(baseText, draft);
  }, [tools, draft, baseText, syntaxError]);
  const dirty =
    draft !== undefined &&
    (JSON.stringify(draft) !== JSON.stringify(view?.policy) || (baseText ?? null) !== (view?.policyText ?? null));
  const fromRepository = source?.source.kind === 'repository' || source?.damaged === true;
  const readOnly = !view?.canEdit || fromRepository;
  const draftUsable = dirty && checked.valid && !syntaxError;

  const editor: EditorState = useMemo(
    () => ({
      draft,
      problems: checked.problems,
      warnings: checked.warnings,
      readOnly,
      set: (path, value) => setState((current) => ({ ...current, draft: setAt(current.draft, path, value) })),
    }),
    [draft, checked.problems, checked.warnings, readOnly],
  );

  return {
    view,
    source,
    fromRepository,
    loadError,
    draft,
    baseText,
    syntaxError,
    base,
    tools,
    checked,
    yamlText,
    dirty,
    readOnly,
    draftUsable,
    draftVersion,
    editor,
    replaceDraft,
    fetchView,
    load,
    rebase,
    discard,
    setYamlText,
    setDraft,
  };
}

export type PolicyDraft = ReturnType<typeof usePolicyDraft>;

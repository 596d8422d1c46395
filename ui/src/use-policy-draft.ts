/**
 * The policy the page edits: the enforced view, the draft and the revision it is based on, the
 * draft's YAML text, and the editor tools (zod and the YAML document), which load only after the
 * visible tab has shown, so the first actionable control never waits for them.
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
    // The visible tab first: the tools' ~200 KB would otherwise be fetched and parsed while it renders.
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

/** The enforced policy and where it comes from, as last fetched. */
function usePolicyView(call: Call) {
  const [view, setView] = useState<PolicyView>();
  const [loadError, setLoadError] = useState<string>();
  /** Where the policy comes from: under a repository source the policy is read-only here (grants are not). */
  const [source, setSource] = useState<PolicySourceView>();

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
  return { view, loadError, source, fetchView };
}

/** The draft and its text, replaced from outside or edited as YAML or through the forms. */
function useDraftState(tools: EditorTools | undefined) {
  const [state, setState] = useState<DraftState>({ draft: undefined });
  /** Bumped whenever the draft is replaced from outside the editors, so they reset their local text. */
  const [draftVersion, setDraftVersion] = useState(0);

  const replaceDraft = useCallback((next: unknown, text?: string) => {
    setState({ draft: next, text });
    setDraftVersion((v) => v + 1);
  }, []);

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
  return { state, setState, draftVersion, replaceDraft, setYamlText, setDraft };
}

/** The draft's problems and YAML text, whether it differs from the enforced policy, and the form editor's state. */
function useDraftChecks(
  tools: EditorTools | undefined,
  { draft, text: baseText, syntaxError }: DraftState,
  setState: (update: (current: DraftState) => DraftState) => void,
  view: PolicyView | undefined,
  source: PolicySourceView | undefined,
) {
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
  return { checked, yamlText, dirty, fromRepository, readOnly, draftUsable, editor };
}

export function usePolicyDraft(call: Call, visibleTabShown: Promise<unknown>) {
  const { view, loadError, source, fetchView } = usePolicyView(call);
  const [base, setBase] = useState<BaseRevision>({ revision: 0, policy: undefined });
  const tools = useEditorTools(view ? visibleTabShown : undefined);
  const { state, setState, draftVersion, replaceDraft, setYamlText, setDraft } = useDraftState(tools);
  const { draft, text: baseText, syntaxError } = state;

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

  const checks = useDraftChecks(tools, state, setState, view, source);

  return {
    view,
    source,
    fromRepository: checks.fromRepository,
    loadError,
    draft,
    baseText,
    syntaxError,
    base,
    tools,
    checked: checks.checked,
    yamlText: checks.yamlText,
    dirty: checks.dirty,
    readOnly: checks.readOnly,
    draftUsable: checks.draftUsable,
    draftVersion,
    editor: checks.editor,
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

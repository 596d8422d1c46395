/** Loads editor-tools.ts once; the first view never waits for it. */
export type EditorTools = typeof import('./editor-tools');

let loading: Promise<EditorTools> | undefined;
export const loadEditorTools = (): Promise<EditorTools> => (loading ??= import('./editor-tools'));

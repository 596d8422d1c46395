/**
 * How the page reaches its resolver: @forge/bridge in Bitbucket, or the console's HTTP stand-in. The constant is
 * replaced at build time, so the console build carries no bridge code.
 */
import { postJson } from '../backend/post';

declare const __PR_BACKEND__: 'forge' | 'http';

export type ViewKind = 'panel' | 'file';

export interface PullRequestBackend {
  /** Which module the page is shown in: the pull-request panel or the file viewer. */
  kind(): Promise<ViewKind>;
  invoke<T>(key: string, payload?: Record<string, unknown>): Promise<T>;
}

function httpBackend(): PullRequestBackend {
  const kind: ViewKind = new URLSearchParams(window.location.search).get('view') === 'file' ? 'file' : 'panel';
  return {
    kind: async () => kind,
    invoke: (key, payload) => postJson(`/__dev/pr/invoke/${kind}/${encodeURIComponent(key)}`, payload ?? {}),
  };
}

async function forgeBackend(): Promise<PullRequestBackend> {
  const { invoke, view } = await import('@forge/bridge');
  return {
    async kind() {
      const context = await view.getContext();
      return (context.extension as { type?: string } | undefined)?.type === 'bitbucket:repoCodeFileViewer'
        ? 'file'
        : 'panel';
    },
    invoke: async <T>(key: string, payload?: Record<string, unknown>) => (await invoke<T>(key, payload)) as T,
  };
}

export const createBackend = async (): Promise<PullRequestBackend> =>
  __PR_BACKEND__ === 'http' ? httpBackend() : forgeBackend();

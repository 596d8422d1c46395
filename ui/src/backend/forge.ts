/** The only module that imports @forge/bridge, which throws when evaluated outside Atlassian. */
import type { SettingsBackend } from './types';

export async function createForgeBackend(): Promise<SettingsBackend> {
  const { invoke, view } = await import('@forge/bridge');
  return {
    kind: 'forge',
    async getContext() {
      const context = await view.getContext();
      return { workspaceId: context.workspaceId, accountId: context.accountId };
    },
    // The response is only wrapped in { body, metadata } when metadata is requested, which this never does.
    invoke: async <T>(key: string, payload?: Record<string, unknown>) => (await invoke<T>(key, payload)) as T,
  };
}

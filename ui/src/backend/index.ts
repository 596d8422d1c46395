import type { SettingsBackend } from './types';

/**
 * The build-time constant is replaced before bundling, so the branch not taken is dropped: the
 * console build has no bridge code, and the Forge build loads the bridge from its own chunk.
 */
export const createBackend = async (): Promise<SettingsBackend> =>
  __SETTINGS_BACKEND__ === 'http'
    ? (await import('./http')).createHttpBackend('/__dev')
    : (await import('./forge')).createForgeBackend();

/**
 * KVS keys shared by the provider and the settings resolvers. Forge KVS keys may not contain
 * braces, and one store serves one installation (one workspace), so the keys need no workspace id.
 */
export const POLICY_KEY = 'policy:current';

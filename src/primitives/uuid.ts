/**
 * Bitbucket writes UUIDs in braces (`{2fc883c6-…}`) in requests, answers and tokens' claims, and
 * without them in KVS keys (which may not hold braces), events and trust conditions. Every
 * comparison and key goes through this one spelling.
 */

/**
 * The UUID without its enclosing braces, trimmed and in lower case. Text that is no UUID passes through the same way.
 */
export const bareUuid = (uuid: string): string =>
  uuid
    .trim()
    .replace(/^\{(.*)\}$/, '$1')
    .toLowerCase();

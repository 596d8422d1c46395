/**
 * The local console's stand-in for Bitbucket's `GET /2.0/users/{accountId}`: a few made-up people,
 * answered the way Bitbucket answers (an account object, or 404 for an unknown id).
 */
import type { FetchUser } from '../src/settings/people';

export const CONSOLE_PEOPLE: Readonly<Record<string, string>> = {
  'console-admin': 'Ada Admin',
  'console-member': 'Max Member',
  'console-admin-2': 'Bea Second-Admin',
  // Who starts the simulator's runs (src/simulate/simulate.ts), so the decision log's runs have a name too.
  '{c0ffee00-1234-4abc-9def-0123456789ab}': 'Sam Simulator',
};

export const consoleUserFetch: FetchUser = async (accountId) => {
  const name = CONSOLE_PEOPLE[accountId];
  return name
    ? { ok: true, status: 200, json: async () => ({ type: 'user', account_id: accountId, display_name: name }) }
    : {
        ok: false,
        status: 404,
        json: async () => ({ type: 'error', error: { message: `${accountId} is not a user` } }),
      };
};

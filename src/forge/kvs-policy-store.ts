/** The only provider module that touches Forge storage. */
import { kvsGet } from './kvs-calls';
import type { PolicyStore } from '../provider/handler';
import { POLICY_KEY } from '../storage/keys';

export const kvsPolicyStore: PolicyStore = {
  read: () => kvsGet(POLICY_KEY),
};

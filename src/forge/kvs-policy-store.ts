/** The only provider module that touches Forge storage. */
import { kvs } from './kvs-client';
import type { PolicyStore } from '../provider/handler';
import { POLICY_KEY } from '../storage/keys';

export const kvsPolicyStore: PolicyStore = {
  read: () => kvs.get(POLICY_KEY),
};

/**
 * Run samples into Forge KVS: the pointer and the configuration in one transaction, which Forge
 * counts as one write, so the provider's run costs one policy read, the decision write and this.
 */
import { kvs } from './kvs-client';
import { checkKey, checkValue } from '../storage/kv';
import { SAMPLE_TTL_SECONDS, type SampleSink } from '../storage/sample-writer';

const ttl = { ttl: { value: SAMPLE_TTL_SECONDS, unit: 'SECONDS' as const } };

export const kvsSampleSink: SampleSink = {
  async write({ pointerKey, pointer, config }) {
    checkKey(pointerKey);
    checkValue(pointer);
    const transaction = kvs.transact().set(pointerKey, pointer, undefined, ttl);
    if (config) transaction.set(config.key, config.value, undefined, ttl);
    await transaction.execute();
  },
};

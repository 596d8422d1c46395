/**
 * Run samples into Forge KVS: the pointer and the configuration in one transaction, which Forge
 * counts as one write, so the provider's run costs one policy read, the decision write and this.
 */
import { kvsTransactSets } from './kvs-calls';
import { checkKey, checkValue } from '../storage/kv';
import { SAMPLE_TTL_SECONDS, type SampleSink } from '../storage/sample-writer';

const ttl = { ttl: { value: SAMPLE_TTL_SECONDS, unit: 'SECONDS' as const } };

export const kvsSampleSink: SampleSink = {
  async write({ pointerKey, pointer, config }) {
    checkKey(pointerKey);
    checkValue(pointer);
    const pointerSet = { key: pointerKey, value: pointer, options: ttl };
    await kvsTransactSets(config ? [pointerSet, { ...config, options: ttl }] : [pointerSet]);
  },
};

/** The two ways Forge's runtime may be set up for KVS: through its proxy, or with a direct KVS endpoint. */
export const KVS_RUNTIMES: Array<[string, Record<string, unknown> | undefined]> = [
  ['no KVS endpoint in the runtime (the proxy)', undefined],
  [
    'a direct KVS endpoint',
    {
      proxy: { token: 'tok' },
      kvs: { url: 'https://kvs.example', host: 'kvs.example' },
      tracing: { traceId: 't1', spanId: 's1' },
    },
  ],
];

import { forgeBuild } from './forge-build';
import path from 'path';
import { configFor, referencePolicyInput, request, step, T } from '../test/adversarial/harness';
(async () => {
  const [h] = await forgeBuild([{ name: 'h', source: path.join(__dirname, '../src/provider/handler.ts') }]);
  const { createProvider } = require(h.file);
  const record = JSON.stringify({ revision: 1, policy: referencePolicyInput(), savedAt: '2026-11-25T10:00:00.000Z', savedBy: '{bench}' });
  const provider = createProvider({ store: { read: async () => JSON.parse(record) }, decisions: { append: async () => {} }, log: () => {} });
  const items = Array.from({ length: 99 }, (_, i) => step(`Build ${i}`, { oidc: i % 3 === 0, script: ['make build', 'aws sts get-caller-identity'], caches: ['node'], artifacts: ['dist/**'] }));
  const t = T.branch('main');
  const req = request(t, configFor(t, items));
  for (let i = 0; i < 3000; i++) await provider(structuredClone(req));
  console.log(h.file);
})();

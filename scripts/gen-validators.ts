/**
 * Writes the provider's generated validators (see scripts/validators.ts). Run after any change to
 * a zod schema the provider validates: `npm run gen:validators`.
 */
import { writeFileSync } from 'fs';
import path from 'path';
import { generate, outputFileOf, TARGETS } from './validators';

async function main() {
  for (const target of TARGETS) {
    const file = outputFileOf(target);
    writeFileSync(path.resolve(__dirname, '..', file), await generate(target));
    console.log(`wrote ${file} (from ${target.exportName})`);
  }
}

main().catch((error) => {
  console.error(`gen:validators: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});

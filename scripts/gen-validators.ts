/**
 * Writes the provider's generated validators (see scripts/validators.ts). Run after any change to
 * a zod schema the provider validates: `npm run gen:validators`.
 */
import { writeFileSync } from 'fs';
import path from 'path';
import { generate, outputFilesOf, TARGETS } from './validators';

async function main() {
  for (const target of TARGETS) {
    const files = outputFilesOf(target);
    const { code, declaration } = await generate(target);
    writeFileSync(path.resolve(__dirname, '..', files.code), code);
    writeFileSync(path.resolve(__dirname, '..', files.declaration), declaration);
    console.log(
      `wrote ${files.code} and ${path.basename(files.declaration)} (from ${target.exportName} in ${target.source})`,
    );
  }
}

main().catch((error) => {
  console.error(`gen:validators: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});

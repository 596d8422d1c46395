/**
 * The policy tests file of a policy repository (`pipeline-guard.tests.yaml` by default): the page's
 * policy tests in YAML, one entry per case, in the very shape the page stores them (name, yaml,
 * target, expect, repository), so a case moves between the two unchanged.
 *
 *   version: 1
 *   tests:
 *     - name: PROD deploy from a feature branch is blocked
 *       target: { kind: branch, name: feature/x }
 *       expect: blocked
 *       yaml: |
 *         pipelines: ...
 */
import * as z from 'zod';
import { problemsFromZod } from '../policy/load';
import { MAX_POLICY_TESTS, PolicyTestInputSchema, type PolicyTestInput } from '../storage/policy-tests';
import { parseYaml, YamlInputError } from '../yaml/document';

export const TestsFileSchema = z.strictObject({
  version: z.literal(1).optional(),
  tests: z.array(PolicyTestInputSchema).max(MAX_POLICY_TESTS, `at most ${MAX_POLICY_TESTS} tests`),
});

export type TestsFileResult = { ok: true; tests: PolicyTestInput[] } | { ok: false; problems: string[] };

export function parseTestsFile(text: string): TestsFileResult {
  let parsed;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    if (error instanceof YamlInputError) return { ok: false, problems: [`not valid YAML: ${error.message}`] };
    throw error;
  }
  const result = TestsFileSchema.safeParse(parsed.value);
  if (!result.success) {
    const problems = problemsFromZod(result.error).map((p) => {
      const line = parsed.positionOf(p.segments)?.line;
      return `${line ? `line ${line}: ` : ''}${p.path}: ${p.message}`;
    });
    return { ok: false, problems };
  }
  const names = new Set<string>();
  const duplicates = result.data.tests.filter((test) => names.size === names.add(test.name.toLowerCase()).size);
  if (duplicates.length)
    return { ok: false, problems: duplicates.map((test) => `tests: "${test.name}" is named twice`) };
  return { ok: true, tests: result.data.tests };
}

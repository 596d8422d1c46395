/** Policy from YAML or JSON text (CLI and settings page), with line numbers on every problem. */
import { parseYaml, YamlInputError } from '../yaml/document';
import { validatePolicy, type PolicyResult } from './load';

export function parsePolicyText(text: string): PolicyResult {
  let parsed;
  try {
    // JSON is a subset of YAML, so one parser serves both formats and keeps positions for both.
    parsed = parseYaml(text);
  } catch (error) {
    const position = error instanceof YamlInputError ? error.position : undefined;
    const message =
      error instanceof YamlInputError && position
        ? error.message.replace(/^line \d+, column \d+: /, '')
        : (error as Error).message;
    return {
      ok: false,
      problems: [{ path: '(file)', segments: [], message: `not valid YAML or JSON: ${message}`, line: position?.line }],
    };
  }
  const result = validatePolicy(parsed.value);
  if (result.ok) return result;
  return { ok: false, problems: result.problems.map((p) => ({ ...p, line: parsed.positionOf(p.segments)?.line })) };
}

/**
 * The grant form checked in the page with the server's own check (validateGrant, the zod GrantSchema
 * of src/policy/grants.ts), so the form never says "Ready" for a grant the server would refuse.
 * Problems are put into words per field: the entry a list problem is about is quoted, never named by
 * a machine path such as refs[0].
 */
import { validateGrant } from '../../src/policy/grants';
import { messageInWords } from './problem-text';

/** The fields of the form that take typed text or choices, each with its own problems. */
export type GrantFormField = 'id' | 'reason' | 'repository' | 'refs' | 'environments' | 'rules' | 'creators';

export type GrantFieldProblems = Partial<Record<GrantFormField, string[]>>;

const FORM_FIELDS: readonly string[] = ['id', 'reason', 'repository', 'refs', 'environments', 'rules', 'creators'];

/** The grant the page would send: the server adds who granted it and when. */
export type GrantRequest = {
  readonly id: string;
  readonly reason: string;
  readonly repository: string;
  readonly refs: readonly string[];
  readonly environments: readonly string[];
  readonly rules: readonly string[];
  readonly expires: string;
  readonly creators?: readonly string[];
};

/**
 * Entries typed comma- or space-separated. A comma inside braces belongs to a glob's alternatives
 * (`release/{1.x,2.x}`), so it does not split.
 */
export function splitEntries(text: string): string[] {
  const entries: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '{') depth++;
    else if (char === '}') depth = Math.max(0, depth - 1);
    if (depth === 0 && /[\s,]/.test(char)) {
      entries.push(current);
      current = '';
    } else current += char;
  }
  entries.push(current);
  return entries.map((entry) => entry.trim()).filter(Boolean);
}

function entryText(request: GrantRequest, field: string, index: unknown): string {
  const list = (request as Record<string, unknown>)[field];
  const entry = Array.isArray(list) && typeof index === 'number' ? list[index] : undefined;
  return typeof entry === 'string' ? `“${entry}”: ` : '';
}

/**
 * What the server would refuse in this grant, by field. `existing` are the ids already taken: an id
 * names one grant for good, so the server refuses a second grant under it.
 */
export function grantFieldProblems(request: GrantRequest, now: Date, existing: readonly string[]): GrantFieldProblems {
  const problems: GrantFieldProblems = {};
  const add = (field: GrantFormField, message: string) => {
    const messages = (problems[field] ??= []);
    if (!messages.includes(message)) messages.push(message);
  };
  const result = validateGrant(request, now);
  if (!result.ok)
    for (const problem of result.problems) {
      const [, field, index] = problem.segments;
      if (typeof field === 'string' && FORM_FIELDS.includes(field))
        add(field as GrantFormField, entryText(request, field, index) + messageInWords(problem.message));
    }
  if (existing.includes(request.id))
    add('id', `a grant named ${request.id} already exists; an id names one grant for good, so pick another`);
  return problems;
}

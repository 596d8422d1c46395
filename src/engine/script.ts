import type { Path } from '../primitives/path';
import type { JsonObject, StepSite } from './types';

export interface ScriptCommand {
  readonly text: string;
  /** Where the command stands in the file as written (lines Pipeline Guard put first are not counted). */
  readonly segments: Path;
  readonly key: 'script' | 'after-script';
  /** Index in the working copy's list, for rewriting it. */
  readonly index: number;
  /** 1-based position in the file as written, for messages. */
  readonly lineNumber: number;
}

export interface ScriptPipe {
  readonly pipe: string;
  readonly variables: JsonObject;
  readonly segments: Path;
}

const shiftOf = (site: StepSite, key: 'script' | 'after-script') => (key === 'script' ? site.scriptShift : 0);

// Paths are built only when a rule reports the item; most items are never reported.
class Command implements ScriptCommand {
  constructor(
    readonly text: string,
    private readonly stepSegments: Path,
    readonly key: 'script' | 'after-script',
    readonly index: number,
    readonly lineNumber: number,
  ) {}

  get segments(): Path {
    return [...this.stepSegments, 'step', this.key, this.lineNumber - 1];
  }
}

class Pipe implements ScriptPipe {
  constructor(
    readonly pipe: string,
    readonly variables: JsonObject,
    private readonly stepSegments: Path,
    private readonly key: 'script' | 'after-script',
    private readonly position: number,
  ) {}

  get segments(): Path {
    return [...this.stepSegments, 'step', this.key, this.position];
  }
}

// Lists rather than generators: the rules walk every step on every run, and a generator's
// per-item resumption cost more than the lists it saves (bench: oidc-role, deny-*).

/** Script and after-script commands of a step, skipping the first `skip` script lines (Pipeline Guard's setup). */
export function commandsOf(site: StepSite, skip = 0): ScriptCommand[] {
  const commands: ScriptCommand[] = [];
  for (const key of ['script', 'after-script'] as const) {
    const lines = site.step[key];
    if (!Array.isArray(lines)) continue;
    const shift = shiftOf(site, key);
    for (let index = key === 'script' ? skip : 0; index < lines.length; index++) {
      const line = lines[index];
      if (typeof line === 'string') commands.push(new Command(line, site.segments, key, index, index - shift + 1));
    }
  }
  return commands;
}

export function pipesOf(site: StepSite): ScriptPipe[] {
  const pipes: ScriptPipe[] = [];
  for (const key of ['script', 'after-script'] as const) {
    const lines = site.step[key];
    if (!Array.isArray(lines)) continue;
    const shift = shiftOf(site, key);
    for (let index = 0; index < lines.length; index++) {
      const line = lines[index] as { pipe?: unknown; variables?: unknown };
      if (line && typeof line === 'object' && typeof line.pipe === 'string') {
        const variables =
          line.variables && typeof line.variables === 'object' && !Array.isArray(line.variables)
            ? (line.variables as JsonObject)
            : {};
        pipes.push(new Pipe(line.pipe, variables, site.segments, key, index - shift));
      }
    }
  }
  return pipes;
}

/** Shortens a quoted input so that a message stays readable on the pipeline result screen. */
export function excerpt(text: string, max = 80): string {
  const single = text.replace(/\s+/g, ' ').trim();
  return single.length > max ? `${single.slice(0, max - 1)}…` : single;
}

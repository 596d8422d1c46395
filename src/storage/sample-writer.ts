/**
 * The provider's side of run samples (sample-store.ts reads them): per repository and definition
 * (selector), the latest run request it was given, and its pipeline configuration stored once per
 * distinct content.
 *
 *   sample:run:<hash of repository and selector>   the pointer: request (no configuration, no variable
 *                                                  values), ref, selector, repository, digest
 *   sample:config:<digest>                         the configuration, keyed by the SHA-256 of its JSON
 *
 * Both go in one write (a KVS transaction in Forge, src/forge/kvs-sample-sink.ts) and live 90 days,
 * like the decision log. Writing the configuration under its digest every time needs no read to
 * dedupe: the same configuration lands on the same key, so it is stored once, and its lifetime is
 * renewed with every run that uses it.
 */
import { refKey } from '../engine/labels';
import { refOf } from '../engine/ref';
import type { ProviderRequest } from '../engine/request';
import type { RunReport } from '../engine/run';
import { sampleRequestOf, type SampleRequest } from '../engine/sample';
import { AUDIT_TTL_SECONDS } from './entities';
import { MAX_VALUE_BYTES } from './kv';

export const SAMPLE_PREFIX = 'sample:';
export const SAMPLE_RUN_PREFIX = 'sample:run:';
export const SAMPLE_CONFIG_PREFIX = 'sample:config:';
export const SAMPLE_TTL_SECONDS = AUDIT_TTL_SECONDS;
/** Room left under the value limit for the record's own fields. */
const CONFIG_OVERHEAD_BYTES = 64;

export interface SampleRepository {
  readonly fullName: string;
  readonly slug: string;
  readonly project?: string;
}

export interface SamplePointer {
  readonly v: 1;
  readonly at: number;
  readonly request: SampleRequest;
  /** `branch:main`, `tag:v1`, `none`. */
  readonly ref: string;
  /** `branches:feature/*`, `default`, `custom:deploy`. */
  readonly selector: string;
  /** The configuration's digest; absent when it was skipped. */
  readonly digest?: string;
  /** Set when the configuration was not stored: over the storage value limit. */
  readonly skipped?: 'too-large';
  readonly bytes?: number;
  /** The repository as the provider resolved it (scoped policies only). */
  readonly repository?: SampleRepository;
}

export interface SampleConfig {
  readonly v: 1;
  readonly configuration: unknown;
}

export interface SampleWrite {
  readonly pointerKey: string;
  readonly pointer: SamplePointer;
  /** Absent when the configuration is skipped: only the pointer, marked, is written. */
  readonly config?: { readonly key: string; readonly value: SampleConfig };
}

export interface SampleSink {
  /** Exactly one storage write: the provider's hot path allows one more than the decision log's. */
  write(sample: SampleWrite): Promise<void>;
}

// node:crypto takes about 3.5 ms to load, a seventh of the provider's cold start budget, and only a sampled run
// needs it; process.getBuiltinModule (Node 20.16, 22.3) loads it then, where an import would load it with the bundle.
const sha256 = (text: string) =>
  process.getBuiltinModule('node:crypto').createHash('sha256').update(text).digest('hex');

export const sampleConfigKey = (digest: string) => `${SAMPLE_CONFIG_PREFIX}${digest}`;

export function selectorText(target: ProviderRequest['target']): string {
  const selector = target.selector;
  if (!selector) return 'default';
  return selector.pattern !== undefined ? `${selector.type}:${selector.pattern}` : selector.type;
}

/** One pointer per repository and definition; hashed, since both come from the request and may hold any character. */
export function samplePointerKey(repository: string, target: ProviderRequest['target']): string {
  return `${SAMPLE_RUN_PREFIX}${sha256(JSON.stringify([repository, target.selector ?? null])).slice(0, 40)}`;
}

export function sampleWriteOf(request: ProviderRequest, report: RunReport, at: Date): SampleWrite {
  const json = JSON.stringify(request.pipelines_configuration);
  const bytes = Buffer.byteLength(json, 'utf8');
  const identity = report.repository;
  const base = {
    v: 1 as const,
    at: Number.isNaN(at.getTime()) ? Date.now() : at.getTime(),
    request: sampleRequestOf(request),
    ref: refKey(report.ref ?? refOf(request.target)),
    selector: selectorText(request.target).slice(0, 1_100),
    ...(identity
      ? {
          repository: {
            fullName: identity.fullName,
            slug: identity.slug,
            ...(identity.projectKey ? { project: identity.projectKey } : {}),
          },
        }
      : {}),
  };
  const pointerKey = samplePointerKey(request.repository, request.target);
  if (bytes + CONFIG_OVERHEAD_BYTES > MAX_VALUE_BYTES)
    return { pointerKey, pointer: { ...base, skipped: 'too-large', bytes } };
  const digest = sha256(json);
  return {
    pointerKey,
    pointer: { ...base, digest },
    config: { key: sampleConfigKey(digest), value: { v: 1, configuration: request.pipelines_configuration } },
  };
}

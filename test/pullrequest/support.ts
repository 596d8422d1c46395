/** Fixture files of the pull-request tests, and the example policy compiled once. */
import { readFileSync } from 'fs';
import path from 'path';
import { compilePolicy } from '../../src/engine/compiled-policy';
import { parsePolicyText } from '../../src/policy/text';
import { resolvePipelineFile, type FileReader, type ImportLocation } from '../../src/pullrequest/imports';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/pullrequest');
export const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

const parsed = parsePolicyText(readFileSync(path.resolve(__dirname, '../../examples/policy.yaml'), 'utf8'));
if (!parsed.ok) throw new Error('the example policy does not load');
export const EXAMPLE_POLICY = parsed.policy;
export const POLICY = compilePolicy(parsed.policy, 3);

/** The shared-pipelines repository of the import fixtures: ci/standard.yml on main, the pipeline file at tag v2. */
export const SHARED_FILES: Record<string, string> = {
  'shared-pipelines@v2:bitbucket-pipelines.yml': fixture('shared-pipelines.yml'),
  'shared-pipelines@main:ci/standard.yml': fixture('shared-standard.yml'),
};

export const keyOf = (location: ImportLocation) =>
  location.repository ? `${location.repository}@${location.ref}:${location.path}` : location.path;
export const sharedReader: FileReader = async (location) => SHARED_FILES[keyOf(location)];
export const noImports: FileReader = async (location) => {
  throw new Error(`unexpected read of ${keyOf(location)}`);
};

export const resolved = (name: string, read: FileReader = noImports) => resolvePipelineFile(fixture(name), read);

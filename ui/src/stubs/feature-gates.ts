/**
 * Stand-in for @atlaskit/feature-gate-js-client (Statsig's client, ~110 KB) in the page's bundle.
 * Atlaskit asks it for a flag only when no `booleanResolver` is installed; setup.ts installs one
 * that answers "off", so the real client would never be asked. Every gate is off and every
 * experiment takes its default, which is what the resolver says too.
 */
const FeatureGates = {
  checkGate: (_name: string): boolean => false,
  getExperimentValue: <T>(_experiment: string, _parameter: string, defaultValue: T): T => defaultValue,
};

export default FeatureGates;

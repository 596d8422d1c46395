import { cloneJson, jsonEqual } from '../engine/clone';
import { formatPath } from '../primitives/path';
import type { JsonObject, Transform } from '../engine/types';

export const securityScan: Transform = {
  id: 'security-scan',
  description:
    "Puts the policy's security scan steps first in every pipeline that runs (after a custom pipeline's `variables`).",
  apply(context) {
    const scans = context.policy.scanSteps;
    const mode = context.policy.modeOf('security-scan');
    if (scans.length === 0 || mode === 'off') return;
    for (const definition of context.definitions) {
      const first = definition.items[0] as JsonObject | undefined;
      const at = first && typeof first === 'object' && 'variables' in first ? 1 : 0;
      const present = scans.every((scan, i) => {
        const item = definition.items[at + i] as JsonObject | undefined;
        return item !== undefined && typeof item === 'object' && jsonEqual(item.step, scan);
      });
      if (present) continue;
      if (mode === 'warn') {
        // Warn mode is a dry run: the pipeline runs without the scan, and the record says so.
        context.report({
          rule: 'security-scan',
          severity: 'low',
          segments: definition.segments,
          message:
            `the security scan (${scans.map((scan) => scan.name).join(', ')}) ` +
            'was not added because security-scan is in warn mode.',
          fix: 'Nothing to change in the pipeline; a workspace admin can enforce security-scan to add the scan.',
        });
        continue;
      }
      definition.items.splice(at, 0, ...scans.map((scan) => ({ step: cloneJson(scan) })));
      context.configChanges.push(
        `${scans.length === 1 ? 'security scan step' : `${scans.length} security scan steps`} ` +
          `put first in ${formatPath(definition.segments)}`,
      );
    }
  },
};

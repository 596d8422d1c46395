import { isPlainObject } from '../engine/clone';
import { compileGlob, NAME_GLOB } from '../primitives/glob';
import { imageForms, imageName } from '../engine/image';
import type { Path } from '../primitives/path';
import { pipesOf } from '../engine/script';
import type { ChainContext, StepSite, Transform } from '../engine/types';

export function deniedBy(patterns: readonly string[], reference: string): string | undefined {
  const forms = imageForms(reference);
  return patterns.find((pattern) => forms.some((form) => compileGlob(pattern, NAME_GLOB)(form)));
}

function check(context: ChainContext, reference: string, segments: Path, where: string, site?: StepSite): void {
  const pattern = deniedBy(context.policy.policy.deny.images, reference);
  if (!pattern) return;
  const implicit =
    imageForms(reference)[0] !== reference.trim() ? ` (no tag, so it counts as ${imageForms(reference)[0]})` : '';
  context.report({
    rule: 'deny-image',
    severity: 'medium',
    site,
    segments,
    message:
      `${where ? `${where} uses` : 'uses'} image "${reference}"${implicit}, ` +
      `which the workspace policy denies (pattern "${pattern}").`,
    fix:
      'Pin the image to a specific version tag or digest that the policy allows, ' +
      'e.g. node:22.11.0 instead of node or node:latest.',
  });
}

export const denyImage: Transform = {
  id: 'deny-image',
  description:
    'Blocks images the policy denies (an image without a tag counts as `:latest`), wherever a pipeline names one.',
  apply(context) {
    if (context.policy.modeOf('deny-image') === 'off' || context.policy.policy.deny.images.length === 0) return;
    const globalImage = imageName(context.config.image);
    if (globalImage !== undefined) check(context, globalImage, ['image'], 'the global `image`');

    const definitions = isPlainObject(context.config.definitions) ? context.config.definitions : undefined;
    const services = definitions && isPlainObject(definitions.services) ? definitions.services : {};
    for (const [name, service] of Object.entries(services)) {
      const image = isPlainObject(service) ? imageName(service.image) : undefined;
      if (image !== undefined) check(context, image, ['definitions', 'services', name, 'image'], `service "${name}"`);
    }

    for (const site of context.steps) {
      if (site.injected) continue;
      const image = imageName(site.step.image);
      if (image !== undefined) check(context, image, [...site.segments, 'step', 'image'], '', site);
      for (const pipe of pipesOf(site))
        if (pipe.pipe.startsWith('docker://'))
          check(context, pipe.pipe.slice('docker://'.length), [...pipe.segments, 'pipe'], `pipe ${pipe.pipe}`, site);
    }
  },
};

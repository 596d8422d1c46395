/** Image references as the deny rules compare them: an untagged, undigested image means `:latest`. */

export function imageName(image: unknown): string | undefined {
  if (typeof image === 'string') return image;
  if (image && typeof image === 'object' && typeof (image as { name?: unknown }).name === 'string')
    return (image as { name: string }).name;
  return undefined;
}

/** `node` → `node:latest`; `registry:5000/app` → `registry:5000/app:latest`; digests are kept as they are. */
export function withImplicitTag(reference: string): string {
  if (reference.includes('@')) return reference;
  const lastSegment = reference.slice(reference.lastIndexOf('/') + 1);
  return lastSegment.includes(':') ? reference : `${reference}:latest`;
}

/** The forms a deny pattern is tried against: as written, and without Docker Hub's implicit prefixes. */
export function imageForms(reference: string): string[] {
  const tagged = withImplicitTag(reference.trim());
  const short = tagged
    .replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '')
    .replace(/^library\//, '');
  return short === tagged ? [tagged] : [tagged, short];
}

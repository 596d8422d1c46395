/**
 * Every property path of the published Bitbucket Pipelines schema, following `$ref`, `allOf`,
 * `anyOf`, `oneOf`, `items`, `properties`, `additionalProperties` and `patternProperties`. Lists
 * are `[]`, free-named keys (branch globs, custom pipeline names, service names) are `*`. A `$ref`
 * already being expanded on the current path ends the path. Each path also gets a `field`: the
 * schema component that defines the property and the property's path inside it (`step.oidc`,
 * `image_aws_auth.aws.oidc-role`), which is what a classification can name once for every place
 * the component is used.
 */
type Schema = Record<string, unknown>;

export interface SchemaPath {
  /** Where the property sits in a pipelines file, e.g. `pipelines.branches.*[].step.oidc`. */
  readonly path: string;
  /** `component.relative.path` of the definition that declares it. */
  readonly field: string;
}

export function schemaPropertyPaths(root: Schema): SchemaPath[] {
  const found = new Map<string, SchemaPath>();
  const resolve = (ref: string): Schema =>
    ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<any>((node, key) => node?.[key], root) as Schema;
  const visit = (node: unknown, path: string, component: string, relative: string, stack: readonly string[]) => {
    if (!node || typeof node !== 'object') return;
    const schema = node as Schema;
    if (typeof schema.$ref === 'string') {
      if (!stack.includes(schema.$ref))
        visit(resolve(schema.$ref), path, schema.$ref.split('/').pop()!, '', [...stack, schema.$ref]);
    }
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const)
      if (Array.isArray(schema[key]))
        for (const sub of schema[key] as unknown[]) visit(sub, path, component, relative, stack);
    if (schema.items) visit(schema.items, `${path}[]`, component, `${relative}[]`, stack);
    const add = (name: string, sub: unknown) => {
      const childPath = path ? `${path}.${name}` : name;
      const childRelative = relative ? `${relative}.${name}` : name;
      found.set(childPath, { path: childPath, field: `${component}.${childRelative}` });
      visit(sub, childPath, component, childRelative, stack);
    };
    if (schema.properties && typeof schema.properties === 'object')
      for (const [name, sub] of Object.entries(schema.properties as Schema)) add(name, sub);
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object')
      add('*', schema.additionalProperties);
    if (schema.patternProperties && typeof schema.patternProperties === 'object')
      for (const sub of Object.values(schema.patternProperties as Schema)) add('*', sub);
  };
  const start = typeof root.$ref === 'string' ? root.$ref.split('/').pop()! : 'root';
  visit(root, '', start, '', []);
  return [...found.values()].sort((a, b) => a.path.localeCompare(b.path));
}

import { z } from 'zod';
import { CATALOG } from './catalog/index.js';
import { JobSpecSchema } from './spec.schema.js';

/** JSON Schema of one operator's params (for generated inspector forms and docs). */
export function paramsJsonSchema(kind: string): Record<string, unknown> | undefined {
  const def = CATALOG.find((d) => d.kind === kind);
  return def ? (z.toJSONSchema(def.params, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>) : undefined;
}

/** JSON Schema of the whole job spec, with each node's params as a `oneOf` by kind. */
export function jobSpecJsonSchema(): Record<string, unknown> {
  const base = z.toJSONSchema(JobSpecSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, any>;
  const node = base.properties?.nodes?.items;
  if (node) {
    node.oneOf = CATALOG.map((d) => ({
      properties: { kind: { const: d.kind }, params: paramsJsonSchema(d.kind) },
      required: ['kind'],
    }));
  }
  return base;
}

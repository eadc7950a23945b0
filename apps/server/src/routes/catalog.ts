import express, { type Router } from 'express';
import { CATALOG, paramsJsonSchema } from '@riffle/shared';

/** One operator as `GET /api/catalog` describes it. */
export interface CatalogEntry {
  kind: string;
  label: string;
  category: string;
  description: string;
  inputs: Array<{ name: string; label?: string }>;
  outputs: Array<{ name: string; label?: string }>;
  defaults: Record<string, unknown>;
  /** JSON Schema of `params` (input form: defaults optional). */
  paramsSchema: Record<string, unknown>;
}

/** `GET /api/catalog` → `{ operators: CatalogEntry[] }`, in palette order. */
export function catalogRouter(): Router {
  // The catalog is static; build the JSON Schemas once.
  const operators: CatalogEntry[] = CATALOG.map((d) => ({
    kind: d.kind,
    label: d.label,
    category: d.category,
    description: d.description,
    inputs: d.inputs,
    outputs: d.outputs,
    defaults: d.defaults,
    paramsSchema: paramsJsonSchema(d.kind) ?? {},
  }));
  const r = express.Router();
  r.get('/', (_req, res) => {
    res.json({ operators });
  });
  return r;
}

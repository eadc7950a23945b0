import type { Field } from '@riffle/shared';
import type { ParamPath } from '../store/graph-types';

/** What every generated field needs besides its own model. */
export interface FormContext {
  nodeId: string;
  /** Messages per dotted params path. */
  errors: ReadonlyMap<string, string[]>;
  /** The fields flowing into the node: suggestions for field names and expressions. */
  inputFields: readonly Field[];
  onChange(path: ParamPath, value: unknown): void;
}

/** Params whose value names an input field: they get the field names as suggestions. */
export const FIELD_PARAMS = new Set(['key', 'field', 'timestamp']);

export const inputId = (ctx: FormContext, key: string) => `param-${ctx.nodeId}-${key}`;

import type { JobSpecInput, Partitioning } from '@riffle/shared';

export interface XY {
  x: number;
  y: number;
}

/** A node as the editor holds it: the spec node plus its canvas position. */
export interface EditorNode {
  id: string;
  kind: string;
  params: Record<string, unknown>;
  position: XY;
  label?: string;
  parallelism?: number;
}

/** An edge as the editor holds it; `id` is editor-only (React Flow needs one). */
export interface EditorEdge {
  id: string;
  from: string;
  to: string;
  fromPort?: string;
  toPort?: string;
  partitioning?: Partitioning;
}

/** The document being edited. Everything in here is undoable; view state lives elsewhere. */
export interface EditorGraph {
  name: string;
  description?: string;
  config?: JobSpecInput['config'];
  nodes: EditorNode[];
  edges: EditorEdge[];
  /** Editor-only spec data other than positions, kept so that import → export is lossless. */
  uiExtra?: Record<string, unknown>;
}

/** A path below a node's `params`, e.g. `['aggregate', 0, 'as']`. */
export type ParamPath = ReadonlyArray<string | number>;

export const EMPTY_GRAPH: EditorGraph = { name: 'untitled-pipeline', nodes: [], edges: [] };

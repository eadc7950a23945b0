import { getOperator } from '@riffle/shared';
import type { Connection as FlowConnection, EdgeChange, NodeChange } from '@xyflow/react';
import type { GraphChange } from './changes';
import type { EditorStore } from './editor-store';
import type { Connection } from './graph-slice';
import type { EditorNode } from './graph-types';
import type { Size } from './view-slice';

/** Translates React Flow's node changes into editor change objects, sizes and selection. */
export function applyFlowNodeChanges(store: EditorStore, changes: readonly NodeChange[]): void {
  const graphChanges: GraphChange[] = [];
  const sizes: Array<{ id: string; size: Size }> = [];
  const selected: Array<{ id: string; selected: boolean }> = [];
  for (const c of changes) {
    if (c.type === 'position' && c.position) graphChanges.push({ type: 'node/move', id: c.id, position: c.position, dragging: c.dragging ?? false });
    else if (c.type === 'dimensions' && c.dimensions) sizes.push({ id: c.id, size: c.dimensions });
    else if (c.type === 'select') selected.push({ id: c.id, selected: c.selected });
    else if (c.type === 'remove') graphChanges.push({ type: 'node/remove', id: c.id });
  }
  const s = store.getState();
  if (sizes.length > 0) s.setMeasured(sizes);
  if (selected.length > 0) s.toggleSelected('nodes', selected);
  if (graphChanges.length > 0) s.apply(graphChanges);
}

export function applyFlowEdgeChanges(store: EditorStore, changes: readonly EdgeChange[]): void {
  const removed: string[] = [];
  const selected: Array<{ id: string; selected: boolean }> = [];
  for (const c of changes) {
    if (c.type === 'select') selected.push({ id: c.id, selected: c.selected });
    else if (c.type === 'remove') removed.push(c.id);
  }
  const s = store.getState();
  if (selected.length > 0) s.toggleSelected('edges', selected);
  if (removed.length > 0) s.removeEdges(removed);
}

/**
 * Maps a drawn connection to spec ports. Handle ids are port names; the spec only names a port
 * when it is not implied (a side output, or an input of a multi-input operator).
 */
export function connectionToPorts(nodes: readonly EditorNode[], c: FlowConnection): Connection {
  const fromDef = getOperator(nodes.find((n) => n.id === c.source)?.kind ?? '');
  const toDef = getOperator(nodes.find((n) => n.id === c.target)?.kind ?? '');
  const out: Connection = { from: c.source, to: c.target };
  if (c.sourceHandle && fromDef && c.sourceHandle !== fromDef.outputs[0]?.name) out.fromPort = c.sourceHandle;
  if (c.targetHandle && toDef && toDef.inputs.length > 1) out.toPort = c.targetHandle;
  return out;
}

/** The handle ids an edge attaches to (React Flow needs them once a node has several). */
export function edgeHandles(nodes: readonly EditorNode[], e: Connection): { sourceHandle?: string; targetHandle?: string } {
  const fromDef = getOperator(nodes.find((n) => n.id === e.from)?.kind ?? '');
  const toDef = getOperator(nodes.find((n) => n.id === e.to)?.kind ?? '');
  const sourceHandle = e.fromPort ?? fromDef?.outputs[0]?.name;
  const targetHandle = e.toPort ?? toDef?.inputs[0]?.name;
  return { ...(sourceHandle ? { sourceHandle } : {}), ...(targetHandle ? { targetHandle } : {}) };
}

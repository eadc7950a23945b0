import { Background, Controls, MiniMap, ReactFlow, useReactFlow, type Connection, type Edge, type EdgeChange, type Node, type NodeChange } from '@xyflow/react';
import { getOperator } from '@riffle/shared';
import { useCallback, useEffect, type DragEvent } from 'react';
import { useEditor } from '../hooks/useEditor';
import { useEditorStore } from '../hooks/useEditorStore';
import { useFlowEdges } from '../hooks/useFlowEdges';
import { useFlowNodes, type OperatorNodeData } from '../hooks/useFlowNodes';
import { DND_TYPE, NODE_HEIGHT, NODE_WIDTH } from '../lib/layout';
import { applyFlowEdgeChanges, applyFlowNodeChanges, connectionToPorts } from '../store/flow-adapter';
import { OperatorNode } from './OperatorNode';

const NODE_TYPES = { operator: OperatorNode };
const DELETE_KEYS = ['Delete', 'Backspace'];
const FIT = { padding: 0.08, maxZoom: 1.1 };
// Shift-click adds to the selection too (and Shift-drag on the pane draws a selection box).
const MULTI_SELECT_KEYS = ['Shift', 'Meta', 'Control'];
const CATEGORY_COLOR: Record<string, string> = { source: '#16a34a', transform: '#2563eb', keys: '#9333ea', window: '#ea580c', join: '#0891b2', sink: '#64748b' };
const miniMapColor = (n: Node) => CATEGORY_COLOR[getOperator((n.data as OperatorNodeData).node.kind)?.category ?? ''] ?? '#9ca3af';

/** The React Flow canvas; it also receives operators dropped from the palette. */
export function Canvas() {
  const store = useEditorStore();
  const nodes = useFlowNodes();
  const edges = useFlowEdges();
  const loadCount = useEditor((s) => s.loadCount);
  const fitRequest = useEditor((s) => s.fitRequest);
  const theme = useEditor((s) => s.theme);
  const { screenToFlowPosition, fitView } = useReactFlow();

  useEffect(() => {
    // React Flow queues a fitView asked for while there are no nodes and runs it when the next
    // node appears, which would make the first operator dropped on a new canvas jump away.
    if (loadCount > 0 && store.getState().graph.nodes.length > 0) void fitView(FIT);
  }, [loadCount, fitView, store]);
  useEffect(() => {
    if (fitRequest > 0) void fitView({ ...FIT, duration: 250 });
  }, [fitRequest, fitView]);

  const onNodesChange = useCallback((c: NodeChange[]) => applyFlowNodeChanges(store, c), [store]);
  const onEdgesChange = useCallback((c: EdgeChange[]) => applyFlowEdgeChanges(store, c), [store]);
  const onConnect = useCallback((c: Connection) => store.getState().connect(connectionToPorts(store.getState().graph.nodes, c)), [store]);
  // React Flow deletes edges and nodes in two separate change calls; as two batches they would
  // be two undo steps. Apply them as one here and tell React Flow not to delete on its own.
  const onBeforeDelete = useCallback(
    async ({ nodes: n, edges: e }: { nodes: Node[]; edges: Edge[] }) => {
      store.getState().deleteElements(n.map((x) => x.id), e.map((x) => x.id));
      return false;
    },
    [store],
  );
  const isValidConnection = useCallback((c: Connection | { source: string; target: string }) => c.source !== c.target, []);

  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(DND_TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  }, []);
  const onDrop = useCallback(
    (e: DragEvent) => {
      const kind = e.dataTransfer.getData(DND_TYPE);
      if (!kind) return;
      e.preventDefault();
      const p = screenToFlowPosition({ x: e.clientX, y: e.clientY });
      store.getState().addNode(kind, { x: p.x - NODE_WIDTH / 2, y: p.y - NODE_HEIGHT / 2 });
    },
    [store, screenToFlowPosition],
  );

  return (
    <div className="canvas" data-testid="canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        deleteKeyCode={DELETE_KEYS}
        onBeforeDelete={onBeforeDelete}
        multiSelectionKeyCode={MULTI_SELECT_KEYS}
        colorMode={theme}
        fitView
        fitViewOptions={FIT}
        minZoom={0.2}
        maxZoom={2}
      >
        <Background gap={20} size={1} color="var(--grid)" />
        <Controls showInteractive={false} />
        <MiniMap pannable zoomable style={{ width: 150, height: 96 }} nodeColor={miniMapColor} nodeStrokeWidth={0} nodeBorderRadius={4} ariaLabel="Mini map" />
      </ReactFlow>
    </div>
  );
}

import { Background, Controls, ReactFlow, useReactFlow, type ColorMode, type NodeChange } from '@xyflow/react';
import { useCallback, useEffect, useMemo } from 'react';
import { useEditorStore } from '../hooks/useEditorStore';
import { useFlowNodes } from '../hooks/useFlowNodes';
import { OperatorNode } from '../components/OperatorNode';
import { applyFlowNodeChanges } from '../store/flow-adapter';
import { useConsole } from './useConsole';
import { useConsoleStore } from './useConsoleStore';
import { useRateEdges } from './useRateEdges';

const NODE_TYPES = { operator: OperatorNode };
const FIT = { padding: 0.1, maxZoom: 1 };

/** The running graph, read-only: the builder's node components with live figures; a click opens a node's detail. */
export function JobGraph({ colorMode }: { colorMode: ColorMode }) {
  const store = useEditorStore();
  const consoleStore = useConsoleStore();
  const inspected = useConsole((s) => s.inspected);
  const flowNodes = useFlowNodes();
  const edges = useRateEdges();
  const { fitView } = useReactFlow();
  const detailOpen = inspected !== undefined;
  useEffect(() => {
    // The detail drawer narrows the canvas; fit again once the layout has settled.
    const t = setTimeout(() => void fitView(FIT), 60);
    return () => clearTimeout(t);
  }, [detailOpen, fitView]);
  const nodes = useMemo(() => flowNodes.map((n) => (n.id === inspected ? { ...n, selected: true } : n)), [flowNodes, inspected]);
  // Only sizes: edges need measured nodes; nothing else on this canvas may change the graph.
  const onNodesChange = useCallback((c: NodeChange[]) => applyFlowNodeChanges(store, c.filter((x) => x.type === 'dimensions')), [store]);
  return (
    <div className="job-graph" data-testid="job-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onNodeClick={(_, n) => consoleStore.getState().inspect(n.id)}
        onPaneClick={() => consoleStore.getState().inspect(undefined)}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        deleteKeyCode={null}
        colorMode={colorMode}
        fitView
        fitViewOptions={FIT}
        minZoom={0.2}
        maxZoom={1.5}
      >
        <Background gap={20} size={1} color="var(--grid)" />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

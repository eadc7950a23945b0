import { getOperator, type PortDef } from '@riffle/shared';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo, useMemo } from 'react';
import type { OperatorFlowNode } from '../hooks/useFlowNodes';
import { useNodeProblems } from '../hooks/useNodeProblems';
import { useNodeRate } from '../hooks/useNodeRate';
import { useNodeDrops } from '../hooks/useNodeDrops';
import { useNodeLoad } from '../hooks/useNodeLoad';
import { useNodeState } from '../hooks/useNodeState';
import { useNodeWatermarkLag } from '../hooks/useNodeWatermarkLag';
import { formatDuration } from '../console/lib/format';
import { useParallelism } from '../hooks/useParallelism';
import { formatRate } from '../lib/metrics';
import { summarize } from '../lib/summary';
import { CategoryIcon } from './Icon';
import { NodeFields } from './NodeFields';

const GENERIC_IN: PortDef[] = [{ name: 'in' }];
const GENERIC_OUT: PortDef[] = [{ name: 'out' }];

function handleTestId(nodeId: string, dir: 'in' | 'out', ports: PortDef[], i: number): string {
  const single = dir === 'in' ? ports.length === 1 : i === 0;
  return single ? `handle-${nodeId}-${dir}` : `handle-${nodeId}-${dir}-${ports[i]!.name}`;
}

function Handles({ nodeId, dir, ports }: { nodeId: string; dir: 'in' | 'out'; ports: PortDef[] }) {
  return ports.map((p, i) => (
    <Handle
      key={p.name}
      id={p.name}
      type={dir === 'in' ? 'target' : 'source'}
      position={dir === 'in' ? Position.Left : Position.Right}
      style={{ top: `${((i + 1) / (ports.length + 1)) * 100}%` }}
      title={p.label ?? p.name}
      data-testid={handleTestId(nodeId, dir, ports, i)}
    />
  ));
}

/** A pipeline step on the canvas: icon, label, kind, params summary, output fields, problems badge and live rate. */
function OperatorNodeView({ id, data, selected }: NodeProps<OperatorFlowNode>) {
  const { node } = data;
  const def = getOperator(node.kind);
  const summary = useMemo(() => summarize(node.kind, node.params), [node.kind, node.params]);
  const { count: problemCount, first: firstProblem } = useNodeProblems(id);
  const rate = useNodeRate(id);
  const parallelism = useParallelism(id);
  const load = useNodeLoad(id);
  const state = useNodeState(id);
  const wmLag = useNodeWatermarkLag(id);
  const drops = useNodeDrops(id);
  const classes = ['op-node', `cat-${def?.category ?? 'unknown'}`, selected ? 'is-selected' : '', problemCount > 0 ? 'has-problems' : '', load ? `load-${load.level}` : ''];
  return (
    <div className={classes.join(' ')} data-testid={`node-${id}`}>
      <Handles nodeId={id} dir="in" ports={def ? def.inputs : GENERIC_IN} />
      <div className="op-node__head">
        <CategoryIcon category={def?.category} />
        <span className="op-node__title">
          <span className="op-node__label">{node.label ?? node.id}</span>
          <span className="op-node__kind" title={def?.label}>
            {def?.label ?? node.kind}
          </span>
        </span>
        <span className="op-node__parallelism" title={`parallelism ${parallelism}: ${parallelism} parallel subtask${parallelism === 1 ? '' : 's'}`} data-testid={`node-parallelism-${id}`}>
          ×{parallelism}
        </span>
        {problemCount > 0 && (
          <span className="op-node__badge" title={firstProblem} data-testid={`node-problems-${id}`}>
            {problemCount}
          </span>
        )}
      </div>
      {summary && (
        <div className="op-node__summary" title={summary}>
          {summary}
        </div>
      )}
      <NodeFields nodeId={id} sink={def?.category === 'sink'} />
      {rate !== undefined && (
        <div className="op-node__rate" data-testid={`node-rate-${id}`}>
          {formatRate(rate)} rec/s
          {load && (
            <span className="op-node__load" data-testid={`node-load-${id}`} data-level={load.level} title="share of the last second spent working / waiting for downstream (back-pressure)">
              {' '}· busy {Math.round(load.busy * 100)}% · bp {Math.round(load.backPressured * 100)}%
            </span>
          )}
          {wmLag !== undefined && (
            <span className="op-node__wm" data-testid={`node-wm-lag-${id}`} title="event-time watermark lag: how far the watermark trails the wall clock">
              {' '}· wm −{formatDuration(wmLag)}
            </span>
          )}
          {state && (
            <span className="op-node__state" data-testid={`node-state-${id}`} title="keyed state: distinct keys and approximate heap size">
              {' '}
              {state}
            </span>
          )}
          {drops && (
            <span className="op-node__drops" data-testid={`node-drops-${id}`} title="records dead-lettered, and records dropped by the onError: skip policy">
              {' '}
              {drops}
            </span>
          )}
        </div>
      )}
      <Handles nodeId={id} dir="out" ports={def ? def.outputs : GENERIC_OUT} />
    </div>
  );
}

export const OperatorNode = memo(OperatorNodeView);

import { useState } from 'react';
import { useEditor } from '../hooks/useEditor';
import { CheckpointsPanel } from './CheckpointsPanel';
import { PreviewTable } from './PreviewTable';
import { ProblemsPanel } from './ProblemsPanel';
import { ThroughputChart } from './ThroughputChart';

type Tab = 'overview' | 'checkpoints';

/** Problems, throughput and preview side by side; the job's checkpoints in a second tab. */
export function BottomPanel() {
  const jobId = useEditor((s) => s.job.id);
  const status = useEditor((s) => s.job.status);
  const [tab, setTab] = useState<Tab>('overview');
  const shown: Tab = jobId ? tab : 'overview';
  return (
    <div className="bottom-panel">
      {jobId && (
        <div className="bottom-tabs" role="tablist">
          <button type="button" role="tab" aria-selected={shown === 'overview'} onClick={() => setTab('overview')} data-testid="tab-overview">
            Overview
          </button>
          <button type="button" role="tab" aria-selected={shown === 'checkpoints'} onClick={() => setTab('checkpoints')} data-testid="tab-checkpoints">
            Checkpoints
          </button>
        </div>
      )}
      {shown === 'overview' ? (
        <div className="bottom-panel__grid">
          <ProblemsPanel />
          <ThroughputChart />
          <PreviewTable />
        </div>
      ) : (
        <CheckpointsPanel jobId={jobId!} running={status === 'running' || status === 'checkpointing'} />
      )}
    </div>
  );
}

import { ReactFlowProvider } from '@xyflow/react';
import { CheckpointsPanel } from '../components/CheckpointsPanel';
import { useEditor } from '../hooks/useEditor';
import { EditorStoreContext } from '../hooks/store-context';
import { ConnectionBanner } from './ConnectionBanner';
import { ConsoleStoreContext } from './console-context';
import { Dashboards } from './Dashboards';
import { ErrorsPanel } from './ErrorsPanel';
import { JobGraph } from './JobGraph';
import { JobHeader } from './JobHeader';
import { NodeDetail } from './NodeDetail';
import { useConsole } from './useConsole';
import { useJobPage } from './useJobPage';
import type { Theme } from '../store/view-slice';

function JobPageBody({ jobId, theme }: { jobId: string; theme: Theme }) {
  const inspected = useConsole((s) => s.inspected);
  const status = useEditor((s) => s.job.status);
  return (
    <div className="console-page">
      <JobHeader jobId={jobId} />
      <ConnectionBanner />
      <div className={`job-layout ${inspected ? 'has-detail' : ''}`}>
        <main className="job-main">
          <JobGraph colorMode={theme} />
          <Dashboards jobId={jobId} />
          <div className="job-checkpoints">
            <CheckpointsPanel jobId={jobId} running={status === 'running' || status === 'checkpointing'} chart={false} />
          </div>
          <ErrorsPanel nodeId={inspected} />
        </main>
        {inspected && <NodeDetail key={inspected} nodeId={inspected} jobId={jobId} />}
      </div>
    </div>
  );
}

/** `/jobs/:id`: one job, live. Its stores replace the builder's for everything below. */
export function JobPage({ jobId }: { jobId: string }) {
  // The theme is the app's (the builder store keeps it), not the page store's.
  const theme = useEditor((s) => s.theme);
  const { editor, consoleStore } = useJobPage(jobId);
  return (
    <EditorStoreContext value={editor}>
      <ConsoleStoreContext value={consoleStore}>
        <ReactFlowProvider>
          <JobPageBody jobId={jobId} theme={theme} />
        </ReactFlowProvider>
      </ConsoleStoreContext>
    </EditorStoreContext>
  );
}

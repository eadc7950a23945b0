import { PreviewTable } from './PreviewTable';
import { ProblemsPanel } from './ProblemsPanel';
import { ThroughputChart } from './ThroughputChart';

/** Problems, throughput and preview side by side, all visible at once. */
export function BottomPanel() {
  return (
    <div className="bottom-panel">
      <ProblemsPanel />
      <ThroughputChart />
      <PreviewTable />
    </div>
  );
}

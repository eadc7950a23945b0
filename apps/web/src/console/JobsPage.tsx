import { useCallback, useState } from 'react';
import { Link } from 'wouter';
import { fetchJobs } from '../api/console-api';
import { stopJob } from '../api/jobs-api';
import { formatRate } from '../lib/metrics';
import { isActive } from '../store/job-slice';
import { ConsoleHeader } from './ConsoleHeader';
import { TableHead } from './TableHead';
import { LastCheckpoint } from './LastCheckpoint';
import { formatDuration, uptime } from './lib/format';
import { useNow } from './useNow';
import { usePolling } from './usePolling';

const COLUMNS = ['Name', 'Status', 'Uptime', '#In rec/s', '#Out rec/s', '#Dead letters', 'Last checkpoint', ''];

/** Every job the server knows, newest first, refreshed every 2 s. */
export function JobsPage() {
  const load = useCallback(() => fetchJobs(), []);
  const { data, error } = usePolling(load, 2000);
  const now = useNow();
  const [stopping, setStopping] = useState<Record<string, string>>({});
  const stop = (id: string) => {
    setStopping((s) => ({ ...s, [id]: 'stopping…' }));
    stopJob(id).catch((e: Error) => setStopping((s) => ({ ...s, [id]: `could not stop: ${e.message}` })));
  };
  const jobs = data?.jobs;
  return (
    <div className="console-page">
      <ConsoleHeader>
        <h1 className="console-title">Jobs</h1>
      </ConsoleHeader>
      <main className="console-main">
        {error && (
          <div className="console-banner is-offline" role="alert">
            {error}
          </div>
        )}
        {jobs && jobs.length === 0 && <p className="muted empty">No jobs yet. Build a pipeline and press Run.</p>}
        {jobs && jobs.length > 0 && (
          <table className="console-table" data-testid="jobs-table">
            <TableHead columns={COLUMNS} />
            <tbody>
              {jobs.map((j) => {
                const up = uptime(j, now);
                return (
                  <tr key={j.id} data-testid={`job-row-${j.id}`}>
                    <td>
                      <Link href={`/jobs/${j.id}`} className="job-link">
                        {j.name}
                      </Link>
                      <div className="mono muted small">
                        {j.id}
                        {j.target === 'flink' && (
                          <span data-testid={`job-row-target-${j.id}`} title="runs on the Flink cluster">
                            {' · on Flink'}
                          </span>
                        )}
                      </div>
                    </td>
                    <td>
                      <span className={`status-pill status-${j.status}`} data-testid={`job-row-status-${j.id}`} title={j.error?.message}>
                        {j.status}
                      </span>
                    </td>
                    <td className="mono">{up === undefined ? '—' : formatDuration(up)}</td>
                    <td className="num mono">{j.metrics && isActive(j.status) ? formatRate(j.metrics.recordsInPerSec) : '—'}</td>
                    <td className="num mono">{j.metrics && isActive(j.status) ? formatRate(j.metrics.recordsOutPerSec) : '—'}</td>
                    <td className="num mono">{j.metrics?.deadLetters ?? 0}</td>
                    <td>
                      <LastCheckpoint checkpoint={j.lastCheckpoint} now={now} />
                    </td>
                    <td className="actions">
                      <Link href={`/jobs/${j.id}`} className="button-link" data-testid={`job-open-${j.id}`}>
                        Open
                      </Link>
                      {isActive(j.status) && (
                        <button type="button" onClick={() => stop(j.id)} disabled={stopping[j.id] === 'stopping…' || j.status === 'stopping'} data-testid={`job-stop-${j.id}`}>
                          ■ Stop
                        </button>
                      )}
                      {stopping[j.id]?.startsWith('could') && <span className="job-error">{stopping[j.id]}</span>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </main>
    </div>
  );
}

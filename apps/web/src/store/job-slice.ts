import { TERMINAL_STATUSES, type JobMetrics, type JobStatus, type PreviewUpdate, type StatusUpdate, type SubscribeAck } from '@riffle/shared';
import type { StateCreator } from 'zustand/vanilla';
import type { EditorState } from './editor-store';
import type { Problem } from './validation';

/** How much metrics history the chart keeps (the server's ring buffer holds the same). */
export const HISTORY_MS = 15 * 60_000;

export type RunStatus = JobStatus | 'idle' | 'submitting';

export interface JobState {
  id?: string;
  status: RunStatus;
  /** What went wrong: the job's error, or why it could not be started. */
  error?: string;
  history: readonly JobMetrics[];
  /** Latest records per `sink.collect` node, oldest first (as the server sends them). */
  previews: Readonly<Record<string, readonly unknown[]>>;
  /** Problems from the server's 400 answer to the last Run. */
  serverErrors: readonly Problem[];
}

export interface JobSlice {
  job: JobState;
  jobSubmitting(): void;
  jobRejected(error: string, problems?: readonly Problem[]): void;
  jobCreated(id: string): void;
  jobSnapshot(ack: Extract<SubscribeAck, { ok: true }>): void;
  jobMetrics(m: JobMetrics): void;
  jobStatus(s: StatusUpdate): void;
  jobPreview(p: PreviewUpdate): void;
}

export const IDLE_JOB: JobState = { status: 'idle', history: [], previews: {}, serverErrors: [] };

export function isActive(status: RunStatus): boolean {
  return status !== 'idle' && !TERMINAL_STATUSES.has(status as JobStatus);
}

function trim(history: readonly JobMetrics[]): readonly JobMetrics[] {
  const last = history[history.length - 1];
  if (!last) return history;
  const from = history.findIndex((m) => m.ts >= last.ts - HISTORY_MS);
  return from > 0 ? history.slice(from) : history;
}

export const createJobSlice: StateCreator<EditorState, [], [], JobSlice> = (set, get) => {
  /** Applies an update only when it is about the current job. */
  const update = (jobId: string, f: (job: JobState) => Partial<JobState>) => {
    const { job } = get();
    if (job.id === jobId) set({ job: { ...job, ...f(job) } });
  };
  return {
    job: IDLE_JOB,
    jobSubmitting: () => set({ job: { ...IDLE_JOB, status: 'submitting' } }),
    jobRejected: (error, problems = []) => set({ job: { ...IDLE_JOB, error, serverErrors: problems } }),
    jobCreated: (id) => set({ job: { ...IDLE_JOB, id, status: 'created' } }),
    jobSnapshot: ({ job, history, previews }) =>
      update(job.id, () => {
        const next: Partial<JobState> = { status: job.status, history: trim(history), previews };
        next.error = job.error?.message;
        return next;
      }),
    jobMetrics: (m) =>
      update(m.jobId, (job) => {
        const last = job.history[job.history.length - 1];
        if (last && m.ts <= last.ts) return {};
        return { history: trim([...job.history, m]) };
      }),
    // A restart begins a new run: the old run's preview records no longer describe the job.
    jobStatus: (s) => update(s.jobId, () => ({ status: s.status, error: s.error?.message, ...(s.status === 'restarting' ? { previews: {} } : {}) })),
    jobPreview: (p) => update(p.jobId, (job) => ({ previews: { ...job.previews, [p.nodeId]: p.records } })),
  };
};

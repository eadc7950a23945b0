import { useCallback } from 'react';
import { fetchDeadLetters, fetchFailures } from '../api/console-api';
import { usePolling } from './usePolling';

/** Every 3 s: the job's last failures and its dead-letter sample (small bounded lists). */
export function useJobErrors(jobId: string) {
  const loadFailures = useCallback(() => fetchFailures(jobId), [jobId]);
  const loadDead = useCallback(() => fetchDeadLetters(jobId), [jobId]);
  const failures = usePolling(loadFailures, 3000);
  const dead = usePolling(loadDead, 3000);
  return { failures: failures.data?.failures, deadLetters: dead.data?.deadLetters, total: dead.data?.total ?? 0, error: failures.error ?? dead.error };
}

import { useEffect, useState } from 'react';
import type { Fetched } from '../api/console-api';

/**
 * Calls `load` now and every `ms` while mounted, keeping the last good answer next to the last
 * error (a failed poll does not blank what the page already shows). `load` must be stable.
 */
export function usePolling<T>(load: () => Promise<Fetched<T>>, ms: number): { data?: T; error?: string } {
  const [state, setState] = useState<{ data?: T; error?: string }>({});
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      const r = await load();
      if (!alive) return;
      setState((s) => (r.ok ? { data: r.data } : { ...s, error: r.error }));
      timer = setTimeout(() => void tick(), ms);
    };
    void tick();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [load, ms]);
  return state;
}

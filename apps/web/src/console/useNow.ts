import { useEffect, useState } from 'react';

/** The wall clock, re-read every `ms` (uptimes and "offline for" counters tick without data). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

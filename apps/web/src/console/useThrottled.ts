import { useEffect, useRef, useState } from 'react';

/** A redraw may use at most about this share of the main thread. */
const MAX_BUSY_SHARE = 0.25;

/**
 * `value`, passed on at most once per `ms` (the first change at once, later ones after the wait),
 * and less often when the redraws it causes are slow: the wait grows to keep them under a quarter
 * of the main thread. The charts read the metrics history through this, so socket messages only
 * update the store, and a starved machine redraws less often instead of freezing the page under
 * a queue of full redraws.
 */
export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const latest = useRef(value);
  latest.current = value;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const lastAt = useRef(0);
  const gap = useRef(ms);
  useEffect(() => {
    // Runs after the commit of `shown`: how long that redraw took sets the next gap.
    if (lastAt.current > 0) gap.current = Math.max(ms, (performance.now() - lastAt.current) / MAX_BUSY_SHARE);
  }, [shown, ms]);
  useEffect(() => {
    if (Object.is(value, shown) || timer.current !== undefined) return;
    const wait = Math.max(0, lastAt.current + gap.current - performance.now());
    timer.current = setTimeout(() => {
      timer.current = undefined;
      lastAt.current = performance.now();
      setShown(latest.current);
    }, wait);
  }, [value, shown]);
  useEffect(() => () => clearTimeout(timer.current), []);
  return shown;
}

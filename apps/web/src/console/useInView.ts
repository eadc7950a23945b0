import { useEffect, useRef, useState, type RefObject } from 'react';

/**
 * Whether an element is on screen (or near it). Charts scrolled out of view skip their 1 Hz
 * redraws: recharts work is most of the job page's CPU, and the data stays in the store meanwhile.
 */
export function useInView<T extends Element>(margin = '200px'): [RefObject<T | null>, boolean] {
  const ref = useRef<T>(null);
  const [inView, setInView] = useState(true);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver((entries) => setInView(entries.some((e) => e.isIntersecting)), { rootMargin: margin });
    io.observe(el);
    return () => io.disconnect();
  }, [margin]);
  return [ref, inView];
}

import { lazy, Suspense } from 'react';
import { useLocation } from 'wouter';
import { useTheme } from '../hooks/useTheme';
import { Builder } from './Builder';

// The console is its own chunk: opening the builder does not load it.
const ConsoleRoutes = lazy(() => import('../console/ConsoleRoutes').then((m) => ({ default: m.ConsoleRoutes })));

/** `/jobs…` is the operations console; everything else is the builder (deep links survive a reload: the server answers index.html). */
export function App() {
  useTheme();
  const [location] = useLocation();
  if (location !== '/jobs' && !location.startsWith('/jobs/')) return <Builder />;
  return (
    <Suspense fallback={<p className="muted empty">Loading the console…</p>}>
      <ConsoleRoutes />
    </Suspense>
  );
}

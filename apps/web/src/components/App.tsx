import { useLocation } from 'wouter';
import { ConsoleRoutes } from '../console/ConsoleRoutes';
import { useTheme } from '../hooks/useTheme';
import { Builder } from './Builder';

/** `/jobs…` is the operations console; everything else is the builder (deep links survive a reload: the server answers index.html). */
export function App() {
  useTheme();
  const [location] = useLocation();
  return location === '/jobs' || location.startsWith('/jobs/') ? <ConsoleRoutes /> : <Builder />;
}

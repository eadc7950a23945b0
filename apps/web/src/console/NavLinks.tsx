import { Link, useLocation } from 'wouter';

/** Builder / Jobs: the app's two places, in every header. */
export function NavLinks() {
  const [location] = useLocation();
  const onJobs = location === '/jobs' || location.startsWith('/jobs/');
  return (
    <nav className="nav-links" aria-label="Main">
      <Link href="/" className={onJobs ? '' : 'is-active'} data-testid="nav-builder">
        Builder
      </Link>
      <Link href="/jobs" className={onJobs ? 'is-active' : ''} data-testid="nav-jobs">
        Jobs
      </Link>
    </nav>
  );
}

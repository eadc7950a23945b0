import { formatDuration } from './lib/format';
import { useConsole } from './useConsole';
import { useNow } from './useNow';

/** Says when live updates stopped and why; the page keeps showing what it had meanwhile. */
export function ConnectionBanner() {
  const c = useConsole((s) => s.connection);
  const now = useNow();
  if (c.state === 'live') return null;
  if (c.state === 'connecting')
    return (
      <div className="console-banner" data-testid="connection-banner" data-state={c.state} role="status">
        Connecting to the server…
      </div>
    );
  if (c.state === 'gone')
    return (
      <div className="console-banner is-offline" data-testid="connection-banner" data-state={c.state} role="alert">
        {c.reason}. It may have been removed; see the jobs list.
      </div>
    );
  return (
    <div className="console-banner is-offline" data-testid="connection-banner" data-state={c.state} role="alert">
      Live updates paused for {formatDuration(now - c.since)}: {c.reason ?? 'the connection dropped'}. Reconnecting
      {c.attempt > 0 ? ` (attempt ${c.attempt})` : ''}… The figures below are as of the moment it dropped.
    </div>
  );
}

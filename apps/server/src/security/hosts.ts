/**
 * Which `Host` and `Origin` values the server answers. A browser tricked by DNS rebinding sends
 * the attacker's name in `Host` while reaching our address, so the name is checked even on
 * loopback; an `Origin` from another site is refused unless configured (CORS_ORIGINS).
 */
export interface HostPolicyOptions {
  /** The interface the server binds (HOST); added to the allowed names unless it is a wildcard. */
  host: string;
  /** Extra names (ALLOWED_HOSTS): `name` (our port or none) or `name:port` (exactly that). */
  allowedHosts?: readonly string[];
  /** Origins allowed to call the API from another site (CORS_ORIGINS), e.g. `https://app.example`. */
  corsOrigins?: readonly string[];
}

export interface HostPolicy {
  hostAllowed(hostHeader: string | undefined): boolean;
  /** True for no `Origin` (not a browser), the same origin as `Host`, or a configured origin. */
  originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean;
  /** A configured cross-site origin (so CORS headers are sent for it). */
  corsAllowed(origin: string | undefined): boolean;
}

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', '']);

/** `Host` header → `{ name, port }`, names lower-cased, IPv6 in brackets; undefined if malformed. */
export function parseHost(value: string): { name: string; port?: number } | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!m) return undefined;
  return { name: m[1]!.toLowerCase(), ...(m[2] === undefined ? {} : { port: Number(m[2]) }) };
}

function bracket(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** `port` is read per request: with `port: 0` it is known only once the server listens. */
export function hostPolicy(opts: HostPolicyOptions, port: () => number): HostPolicy {
  const names = new Set(LOOPBACK);
  if (!WILDCARDS.has(opts.host)) names.add(bracket(opts.host.toLowerCase()));
  const exact = new Set<string>();
  for (const entry of opts.allowedHosts ?? []) {
    const p = parseHost(entry);
    if (!p) throw new Error(`ALLOWED_HOSTS entry "${entry}" is not a host name, optionally with :port`);
    if (p.port === undefined) names.add(p.name);
    else exact.add(`${p.name}:${p.port}`);
  }
  const origins = new Set<string>();
  for (const o of opts.corsOrigins ?? []) {
    let url: URL;
    try {
      url = new URL(o);
    } catch {
      throw new Error(`CORS_ORIGINS entry "${o}" is not an origin like https://app.example`);
    }
    if (url.origin === 'null' || url.origin !== o.replace(/\/$/, '')) throw new Error(`CORS_ORIGINS entry "${o}" must be a bare origin like https://app.example`);
    origins.add(url.origin);
  }

  const hostAllowed = (value: string | undefined): boolean => {
    const h = value === undefined ? undefined : parseHost(value);
    if (!h) return false;
    if (h.port !== undefined && exact.has(`${h.name}:${h.port}`)) return true;
    // No port: the default one, as a reverse proxy or a server on port 80 sends it.
    return names.has(h.name) && (h.port === undefined || h.port === port());
  };
  const corsAllowed = (origin: string | undefined) => origin !== undefined && origins.has(origin);
  const originAllowed = (origin: string | undefined, hostHeader: string | undefined): boolean => {
    if (origin === undefined) return true;
    if (corsAllowed(origin)) return true;
    try {
      return hostHeader !== undefined && new URL(origin).host === hostHeader.toLowerCase();
    } catch {
      return false;
    }
  };
  return { hostAllowed, originAllowed, corsAllowed };
}

/** A comma- or space-separated environment list. */
export function listFromEnv(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter((s) => s !== '');
}

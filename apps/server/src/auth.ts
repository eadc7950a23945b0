import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RequestHandler } from 'express';
import type { Socket } from 'socket.io';
import { writeFileAtomic } from './atomic-write.js';
import { HttpError } from './http-errors.js';

/** How the control plane is protected: a bearer token, or open (local use, explicitly asked for). */
export type Access = { mode: 'open' } | { mode: 'token'; token: string };

export const TOKEN_FILE = 'token';
const TOKEN_RE = /^[A-Za-z0-9._~-]{16,256}$/;

export interface AccessOptions {
  /** A fixed token (RIFFLE_TOKEN); otherwise one is generated once and kept in DATA_DIR. */
  token?: string;
  /** No token at all (RIFFLE_OPEN=1 / --open). */
  open?: boolean;
}

/**
 * Decides the access mode. Without a configured token the server generates a random one on first
 * start and keeps it in `DATA_DIR/token` (mode 0600), like a notebook server, so the URL the user
 * bookmarked keeps working across restarts.
 */
export async function resolveAccess(dataDir: string, opts: AccessOptions = {}): Promise<Access> {
  if (opts.open) return { mode: 'open' };
  if (opts.token !== undefined) {
    if (!TOKEN_RE.test(opts.token)) throw new Error('RIFFLE_TOKEN must be 16 to 256 characters of letters, digits and ._~-');
    return { mode: 'token', token: opts.token };
  }
  const file = join(dataDir, TOKEN_FILE);
  const existing = await readFile(file, 'utf8').then((t) => t.trim(), () => undefined);
  if (existing && TOKEN_RE.test(existing)) return { mode: 'token', token: existing };
  const token = randomBytes(24).toString('hex');
  await mkdir(dataDir, { recursive: true });
  await writeFileAtomic(file, `${token}\n`, 0o600);
  return { mode: 'token', token };
}

/** Constant-time comparison (over digests, so lengths do not leak either). */
export function tokenMatches(given: unknown, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

const HOW_TO = 'open the URL the server printed at start (it ends in ?token=…), or send the header Authorization: Bearer <token>';

/** Express middleware: 401 unless the request carries the token in its Authorization header. */
export function requireToken(access: Access): RequestHandler {
  return (req, _res, next) => {
    if (access.mode === 'open' || tokenMatches(bearer(req.headers.authorization), access.token)) return next();
    next(new HttpError('unauthorized', `missing or wrong access token: ${HOW_TO}`, { status: 401 }));
  };
}

/** socket.io middleware: refuses the connection unless `auth.token` is right. */
export function socketAuth(access: Access): (socket: Socket, next: (err?: Error) => void) => void {
  return (socket, next) => {
    if (access.mode === 'open' || tokenMatches((socket.handshake.auth as { token?: unknown } | undefined)?.token, access.token)) return next();
    next(Object.assign(new Error('unauthorized'), { data: { message: `missing or wrong access token: ${HOW_TO}` } }));
  };
}

/** The URL to print: with the token, ready to open. */
export function urlWithToken(url: string, access: Access): string {
  return access.mode === 'open' ? url : `${url}?token=${encodeURIComponent(access.token)}`;
}

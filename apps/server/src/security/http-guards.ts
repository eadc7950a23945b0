import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { HttpError } from '../http-errors.js';
import type { HostPolicy } from './hosts.js';

/**
 * Security headers for the API and the web app. The CSP fits the built app (scripts and styles
 * from our origin, the socket to our origin); no HSTS and no upgrade-insecure-requests, since TLS
 * is the reverse proxy's job and the server itself speaks plain HTTP on a local port.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'frame-ancestors': ["'none'"],
        'form-action': ["'self'"],
        'object-src': ["'none'"],
        'upgrade-insecure-requests': null,
      },
    },
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
  });
}

/** 403 unless `Host` names this server (DNS rebinding guard). Runs before everything else. */
export function hostCheck(policy: HostPolicy): RequestHandler {
  return (req, _res, next) => {
    if (policy.hostAllowed(req.headers.host)) return next();
    next(new HttpError('host_not_allowed', 'this server does not answer to that Host name; open it as http://127.0.0.1:<port>/ or add the name to ALLOWED_HOSTS', { status: 403 }));
  };
}

/**
 * CORS for configured origins only; without CORS_ORIGINS no CORS header is ever sent. A request
 * that carries a foreign `Origin` is refused outright (a browser on another site must not drive
 * the API, even in open mode).
 */
export function corsPolicy(policy: HostPolicy): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (!policy.originAllowed(origin, req.headers.host))
      return next(new HttpError('origin_not_allowed', `requests from ${origin} are not allowed; add it to CORS_ORIGINS to call the API from that site`, { status: 403 }));
    if (!policy.corsAllowed(origin)) return next();
    res.vary('Origin');
    res.setHeader('Access-Control-Allow-Origin', origin!);
    if (req.method !== 'OPTIONS') return next();
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
}

export interface RateLimitOptions {
  /** Requests per window and client; default 60. */
  limit?: number;
  /** Default 60 000 ms. */
  windowMs?: number;
}

/**
 * Mutating requests (POST, PUT, DELETE) per client address: 429 with `Retry-After` past the limit. Reads are
 * not limited. Behind a proxy every client shares the proxy's address (no `trust proxy`).
 */
export function postRateLimit(opts: RateLimitOptions = {}): RequestHandler {
  return rateLimit({
    windowMs: opts.windowMs ?? 60_000,
    limit: opts.limit ?? 60,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skip: (req) => req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS',
    handler: (_req, _res, next, options) =>
      next(new HttpError('rate_limited', `more than ${options.limit} changes per ${Math.round(options.windowMs / 1000)} s from this client; wait for the time in the Retry-After header and try again`, { status: 429, retryable: true })),
  });
}

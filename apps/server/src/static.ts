import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type RequestHandler } from 'express';

/** `apps/web/dist`, found from this file (`apps/server/{src,dist}/`), not from the cwd. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Riffle</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto">
<h1>Riffle</h1>
<p>The server is running, but the web app is not built yet. Run <code>npm run build</code> in the
repository, then reload this page. The API is available under <code>/api</code>.</p>
</body></html>
`;

/**
 * Serves the built web app with an SPA fallback: any other GET outside `/api` and `/socket.io`
 * answers `index.html`, so client-side routes survive a reload. A path that names a file (has an
 * extension) and does not exist is a plain 404 rather than HTML in place of a script.
 */
export function webApp(webDir: string): RequestHandler[] {
  const index = join(webDir, 'index.html');
  const fallback: RequestHandler = (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || /^\/(api|socket\.io)(\/|$)/.test(req.path)) return next();
    const last = req.path.split('/').pop() ?? '';
    if (last.includes('.')) return next();
    // Checked per request so a web build made while the server runs is picked up.
    if (!existsSync(index)) {
      res.type('html').send(NOT_BUILT);
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  };
  return [express.static(webDir, { index: false }), fallback];
}

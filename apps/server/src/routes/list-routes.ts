import type { Express } from 'express';

export interface RouteInfo {
  method: string;
  path: string;
}

interface Layer {
  rawPath?: unknown;
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every method + path the app answers, walking mounted routers (for the auth coverage test). */
export function listRoutes(app: Express): RouteInfo[] {
  const out: RouteInfo[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      const raw = typeof layer.rawPath === 'string' ? layer.rawPath : '';
      if (layer.route) {
        const path = (prefix + (layer.route.path === '/' ? '' : layer.route.path)) || '/';
        for (const m of Object.keys(layer.route.methods)) out.push({ method: m.toUpperCase(), path });
      } else if (layer.handle?.stack) walk(layer.handle.stack, prefix + (raw === '/' ? '' : raw));
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return out;
}

import type { ServerCapabilities } from '@riffle/shared';
import { request } from './http';

/** What a server without the endpoint (or out of reach) can do: the embedded engine only. */
export const EMBEDDED_ONLY: ServerCapabilities = { targets: ['embedded'] };

/** GET /api/capabilities: the targets jobs can run on (`flink` when a cluster is configured), and whether Flink runs show previews. */
export async function fetchCapabilities(): Promise<ServerCapabilities> {
  const a = await request('GET', '/api/capabilities');
  const body = a?.body as Partial<ServerCapabilities> | undefined;
  const targets = body?.targets;
  if (!a?.res.ok || !Array.isArray(targets)) return EMBEDDED_ONLY;
  return body?.flinkPreview === true ? { targets, flinkPreview: true } : { targets };
}

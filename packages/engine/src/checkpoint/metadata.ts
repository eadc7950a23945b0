import { sha256 } from './durable-fs.js';

export const CHECKPOINT_FORMAT_VERSION = 1;

/** One state file of a snapshot (usually one per task), with its checksum. */
export interface SnapshotFile {
  name: string;
  sha256: string;
  bytes: number;
  nodeId?: string;
  subtask?: number;
  /** Bytes of each chained operator's state inside the file. */
  operators?: Array<{ nodeId: string; bytes: number }>;
}

/** What `_metadata` holds; it is written last, so a snapshot without it does not exist. */
export interface SnapshotMetadata {
  formatVersion: number;
  jobId: string;
  checkpointId: number;
  kind: 'checkpoint' | 'savepoint';
  /** Savepoints only: the folder name, `sp-…`. */
  savepointId?: string;
  createdAt: number;
  files: SnapshotFile[];
  /** Coordinator data: source positions, parallelism per node, spec fingerprint. */
  extra?: Record<string, unknown>;
}

/** Serializes metadata inside an envelope carrying the checksum of its own body. */
export function encodeMetadata(body: SnapshotMetadata): Uint8Array {
  const json = JSON.stringify(body);
  return new TextEncoder().encode(JSON.stringify({ sha256: sha256(new TextEncoder().encode(json)), body: JSON.parse(json) }));
}

/** Parses and verifies `_metadata`; returns the reason when it is not valid. */
export function decodeMetadata(bytes: Uint8Array): { ok: true; body: SnapshotMetadata } | { ok: false; reason: string } {
  let envelope: { sha256?: unknown; body?: unknown };
  try {
    envelope = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return { ok: false, reason: 'not valid JSON (truncated or corrupted)' };
  }
  if (typeof envelope?.sha256 !== 'string' || typeof envelope.body !== 'object' || envelope.body === null)
    return { ok: false, reason: 'missing checksum or body' };
  const actual = sha256(new TextEncoder().encode(JSON.stringify(envelope.body)));
  if (actual !== envelope.sha256) return { ok: false, reason: `checksum mismatch (expected ${envelope.sha256.slice(0, 12)}…, got ${actual.slice(0, 12)}…)` };
  const body = envelope.body as SnapshotMetadata;
  if (body.formatVersion !== CHECKPOINT_FORMAT_VERSION)
    return { ok: false, reason: `snapshot format ${String(body.formatVersion)} is not supported (this Riffle reads ${CHECKPOINT_FORMAT_VERSION})` };
  if (!Number.isInteger(body.checkpointId) || !Array.isArray(body.files)) return { ok: false, reason: 'malformed metadata body' };
  return { ok: true, body };
}

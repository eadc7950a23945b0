import type { FileSourceParams } from '@riffle/shared';
import type { NodeCompiler } from './context.js';
import { fileUri } from './file-path.js';
import { declaredFields, sourceTable } from './source-table.js';
import { sourceColumns } from './source-time.js';

/**
 * `source.file` (NDJSON) → the filesystem connector with the `json` format, bounded as Riffle's.
 * Flink fails the job on a malformed line where Riffle dead-letters it; `ratePerSec` has no
 * Flink SQL counterpart (the file is read as fast as it goes).
 */
export const compileFileSource: NodeCompiler<FileSourceParams> = (c, n) => {
  const fields = declaredFields(c, n);
  const uri = fileUri(c, n);
  if (fields === undefined || uri === undefined) return undefined;
  const defs = sourceColumns(c, n, fields, n.params);
  if (defs === undefined) return undefined;
  if (n.params.ratePerSec !== undefined) c.notes.push(`${n.node.id}: ratePerSec is not applied on Flink (the file is read at full speed)`);
  c.notes.push(`${n.node.id}: a malformed line fails the Flink job (Riffle dead-letters it)`);
  return sourceTable(c, n, defs, { connector: 'filesystem', path: uri, format: 'json' }, fields);
};

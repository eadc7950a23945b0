import type { FetchedRecord, OutgoingMessage } from './client.js';
import type { RecordDecodeError } from './decode.js';

/** Where a malformed record came from, for the DLQ headers. */
export interface RecordOrigin {
  nodeId: string;
  topic: string;
  partition: number;
}

/**
 * The DLQ message of a malformed record, on Kafka Connect's model (`errors.deadletterqueue.*`):
 * the original key, value and headers, byte for byte, plus headers saying what failed where.
 */
export function deadLetterMessage(record: FetchedRecord, origin: RecordOrigin, error: RecordDecodeError): OutgoingMessage {
  const headers: Record<string, Buffer | string> = {};
  for (const [k, v] of Object.entries(record.headers)) if (v !== undefined) headers[k] = v;
  Object.assign(headers, {
    '__riffle.errors.class': error.errorClass,
    '__riffle.errors.message': error.message,
    '__riffle.errors.stage': error.stage,
    '__riffle.errors.node.id': origin.nodeId,
    '__riffle.errors.topic': origin.topic,
    '__riffle.errors.partition': String(origin.partition),
    '__riffle.errors.offset': String(record.offset),
  });
  return { key: record.key, value: record.value, headers };
}

/** What the job's dead-letter output shows of a malformed record (text when it is valid UTF-8). */
export function deadLetterView(record: FetchedRecord, origin: RecordOrigin): Record<string, unknown> {
  return { topic: origin.topic, partition: origin.partition, offset: record.offset, key: displayBytes(record.key), value: displayBytes(record.value) };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as a person should see them: text when they are valid UTF-8, else `{ base64 }`. */
export function displayBytes(b: Buffer | null): string | { base64: string } | null {
  if (b === null) return null;
  try {
    return utf8.decode(b);
  } catch {
    return { base64: b.toString('base64') };
  }
}

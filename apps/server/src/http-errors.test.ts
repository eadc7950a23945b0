import { describe, expect, it } from 'vitest';
import { toHttpError } from './http-errors.js';

describe('toHttpError', () => {
  it('keeps the code and words of an error that says what it is; the status follows its domain', () => {
    const flinkDown = Object.assign(new Error('Flink at http://127.0.0.1:8081 did not answer'), { code: 'flink_unreachable', domain: 'external', retryable: true });
    const e = toHttpError(flinkDown);
    expect(e.status).toBe(502);
    expect(e.body).toMatchObject({ error: 'flink_unreachable', message: 'Flink at http://127.0.0.1:8081 did not answer', domain: 'external', retryable: true });
  });

  it('hides anything else behind a 500 without internals', () => {
    for (const err of [new TypeError("Cannot read properties of undefined (reading 'id')"), Object.assign(new Error('ENOENT: /data/x'), { code: 'ENOENT' }), Object.assign(new Error('boom'), { code: 'x', domain: 'internal' })]) {
      const e = toHttpError(err);
      expect(e.status).toBe(500);
      expect(e.body.error).toBe('internal_error');
      expect(e.body.message).not.toContain(err.message);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { flinkClusterFromEnv } from './flink-jobs.js';

describe('flinkClusterFromEnv', () => {
  const urls = { FLINK_REST_URL: 'http://f:8081', FLINK_SQL_GATEWAY_URL: 'http://f:8083' };

  it('reads the two URLs, and the preview brokers when set', () => {
    expect(flinkClusterFromEnv({ FLINK_REST_URL: 'http://f:8081' })).toBeUndefined();
    expect(flinkClusterFromEnv(urls)).toEqual({ restUrl: 'http://f:8081', sqlGatewayUrl: 'http://f:8083' });
    expect(flinkClusterFromEnv({ ...urls, FLINK_PREVIEW_BROKERS: ' k1:9092, k2:9093 ' })).toEqual({ restUrl: 'http://f:8081', sqlGatewayUrl: 'http://f:8083', previewBrokers: ['k1:9092', 'k2:9093'] });
  });

  it('refuses preview brokers that are not host:port, naming the variable', () => {
    expect(() => flinkClusterFromEnv({ ...urls, FLINK_PREVIEW_BROKERS: 'k1' })).toThrow(/^FLINK_PREVIEW_BROKERS=k1: brokers: "k1" is not host:port/);
  });
});

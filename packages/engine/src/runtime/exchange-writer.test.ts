import { describe, expect, it } from 'vitest';
import { BroadcastPartitioner, RebalancePartitioner } from '../partitioners/index.js';
import type { OutputChannel } from './channel.js';
import { ExchangeWriter } from './exchange-writer.js';
import { WatermarkValve } from './watermark-valve.js';

function recordingChannel() {
  const got: unknown[] = [];
  const ch: OutputChannel = {
    writeRecord: (v) => void got.push(v),
    writeWatermark: (w) => void got.push(`wm${w}`),
    writeEndOfInput: () => void got.push('end'),
    writeBarrier: (id) => void got.push(`barrier${id}`),
    flush() {},
  };
  return { ch, got };
}

describe('exchange writer', () => {
  it('partitions records but sends watermarks and end-of-input to every channel', () => {
    const a = recordingChannel();
    const b = recordingChannel();
    const w = new ExchangeWriter(new RebalancePartitioner(0), [a.ch, b.ch]);
    w.collect({ i: 1 }, 0);
    w.collect({ i: 2 }, 0);
    w.emitWatermark(5);
    w.collect({ i: 3 }, 0);
    w.endOfInput();
    expect(a.got).toEqual([{ i: 1 }, 'wm5', { i: 3 }, 'end']);
    expect(b.got).toEqual([{ i: 2 }, 'wm5', 'end']);
  });

  it('broadcasts records to all channels', () => {
    const a = recordingChannel();
    const b = recordingChannel();
    new ExchangeWriter(new BroadcastPartitioner(), [a.ch, b.ch]).collect({ x: 1 }, 0);
    expect(a.got).toEqual([{ x: 1 }]);
    expect(b.got).toEqual([{ x: 1 }]);
  });
});

describe('watermark valve', () => {
  it('advances to the minimum over channels, never backwards', () => {
    const v = new WatermarkValve(2);
    expect(v.update(0, 10)).toBeUndefined();
    expect(v.update(1, 5)).toBe(5);
    expect(v.update(1, 20)).toBe(10);
    expect(v.update(0, 8)).toBeUndefined();
    expect(v.update(0, Infinity)).toBe(20);
  });
});

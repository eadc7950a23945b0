import { describe, expect, it } from 'vitest';
import { loadLevel } from './useNodeLoad';

describe('loadLevel', () => {
  it('colours by back-pressure first, then by how busy the node is', () => {
    expect(loadLevel(0.6, 0.1)).toBe('backpressured');
    expect(loadLevel(0.2, 0.1)).toBe('busy');
    expect(loadLevel(0, 0.9)).toBe('busy');
    expect(loadLevel(0, 0.3)).toBe('ok');
    expect(loadLevel(undefined, undefined)).toBe('ok');
  });
});

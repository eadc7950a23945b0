import { createHash } from 'node:crypto';

/**
 * The k-th pseudo-random integer in `[0, bound)` of a run, derived from its seed: a failing
 * fault-injection run prints its seed and can be replayed exactly (`RIFFLE_SEED=…`).
 */
export function seededInt(seed: number, k: number, bound: number): number {
  return createHash('sha256').update(`${seed}:${k}`).digest().readUInt32BE(0) % bound;
}

/** The seed of this run: `RIFFLE_SEED` when set (a replay), else a fresh random one. */
export function runSeed(): number {
  return Number(process.env.RIFFLE_SEED ?? Math.floor(Math.random() * 2 ** 31));
}

/** Start of the tumbling window of `size` ms containing `t`; windows are aligned to the epoch. */
export function tumblingWindowStart(t: number, size: number): number {
  // The double modulo keeps timestamps before 1970 in the right window.
  return t - (((t % size) + size) % size);
}

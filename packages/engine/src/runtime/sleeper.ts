/** Timer-based sleeps that `wakeAll` cuts short, so stopping a job never waits for a rate limiter. */
export class Sleeper {
  private readonly waiting = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.waiting.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.waiting.add(entry);
    });
  }

  wakeAll(): void {
    for (const e of this.waiting) {
      clearTimeout(e.timer);
      e.resolve();
    }
    this.waiting.clear();
  }
}

/** Lets timers and I/O callbacks run (a resolved promise would not). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

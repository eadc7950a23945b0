/** A minimal typed event emitter; listeners that throw do not stop the others. */
export class Emitter<Events extends { [K in keyof Events]: (payload: never) => void }> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(event: K, listener: Events[K]): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  protected emit<K extends keyof Events>(event: K, payload: Parameters<Events[K]>[0]): void {
    for (const l of this.listeners.get(event) ?? []) {
      try {
        (l as (p: typeof payload) => void)(payload);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  protected onListenerError(_err: unknown): void {}
}

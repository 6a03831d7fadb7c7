/** A typed event emitter. A listener that throws does not stop the others or the SDK. */
export class Emitter<Events extends object> {
  private listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  on<K extends keyof Events>(type: K, listener: (payload: Events[K]) => void): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  }

  emit<K extends keyof Events>(type: K, payload: Events[K]): void {
    for (const listener of this.listeners.get(type) ?? []) {
      try {
        (listener as (payload: Events[K]) => void)(payload);
      } catch (err) {
        // The app's bug, reported where the app reports uncaught errors, not swallowed.
        setTimeout(() => {
          throw err;
        });
      }
    }
  }
}

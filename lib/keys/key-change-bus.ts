import "server-only";

/** Hears that one key changed, or (null) that changes may have been missed and every cached key is suspect. */
export type KeyChangeListener = (keyId: string | null) => void;

/**
 * Announces that a key changed (created, rescoped, rotated, revoked, expired), so every key cache drops its copy.
 * The local bus reaches this process; RedisKeyChangeBus (lib/keys/redis-key-change-bus.ts) also carries the
 * announcement to every other instance.
 */
export interface KeyChangeBus {
  announce(keyId: string): void;
  onChange(listener: KeyChangeListener): () => void;
  close(): Promise<void>;
}

export class LocalKeyChangeBus implements KeyChangeBus {
  private readonly listeners = new Set<KeyChangeListener>();

  announce(keyId: string): void {
    this.deliver(keyId);
  }

  /** Tell this process's listeners: one key changed, or (null) any key may have. */
  deliver(keyId: string | null): void {
    for (const listener of this.listeners) listener(keyId);
  }

  onChange(listener: KeyChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

import "server-only";
/**
 * Announces that a key changed (created, rescoped, rotated, revoked, expired), so every key cache drops its copy.
 * The local bus reaches this process; a Redis bus (scale-out) also carries the announcement to other instances.
 */
export interface KeyChangeBus {
  announce(keyId: string): void;
  onChange(listener: (keyId: string) => void): () => void;
  close(): Promise<void>;
}

export class LocalKeyChangeBus implements KeyChangeBus {
  private readonly listeners = new Set<(keyId: string) => void>();

  announce(keyId: string): void {
    for (const listener of this.listeners) listener(keyId);
  }

  onChange(listener: (keyId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

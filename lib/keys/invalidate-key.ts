import "server-only";
import { services } from "../services";

/**
 * Call after every committed change to a key: the next request on every instance sees the change, and the
 * webhook event the change queued (lib/webhooks/outbox.ts) is sent right away.
 */
export function invalidateKey(keyId: string): void {
  const s = services();
  s.keyChanges.announce(keyId);
  s.webhooks.kick();
}

import "server-only";
import { services } from "../services";

/** Call after every committed change to a key: the next request on every instance sees the change. */
export function invalidateKey(keyId: string): void {
  services().keyChanges.announce(keyId);
}

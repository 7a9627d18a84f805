import "server-only";
import { db } from "../db";
import { services } from "../services";
import { lastFour } from "./key-format";
import { hashSecret } from "./secret-hash";
import { invalidateKey } from "./invalidate-key";

/**
 * A legacy secret imported as its SHA-256 only, just presented correctly: store it as every other secret is
 * stored, HMAC(pepper, secret), so from its first use on it is checked (and known) one way only.
 * Conditional on the old hash, so concurrent first requests upgrade it once. A failure (storage busy) only
 * postpones the upgrade to the next request: the request itself is already authenticated.
 */
export async function upgradeLegacySecretHash(keyId: string, sha256Hash: string, secret: string): Promise<void> {
  try {
    const { count } = await db().keySecret.updateMany({
      where: { secretHash: sha256Hash, hashKind: "sha256" },
      data: { secretHash: hashSecret(secret), hashKind: "hmac", lastFour: lastFour(secret) },
    });
    if (count > 0) invalidateKey(keyId);
  } catch (err) {
    services().logger.warn({ err, keyId }, `could not upgrade the imported secret hash of ${keyId}; will retry`);
  }
}

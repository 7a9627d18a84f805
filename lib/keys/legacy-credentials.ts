import "server-only";
import { createHash } from "node:crypto";

/**
 * Key pairs imported from the platform's previous one-pair-per-user scheme keep working unchanged, so their
 * shape is the old platform's, not Keyward's: a key id of 8-128 characters of [A-Za-z0-9_.-], and a secret
 * of 8-512 printable ASCII characters. Ids starting with "kw_"/"kwsec_" are reserved for Keyward's own format.
 */
export const LEGACY_KEY_ID_PATTERN = /^[A-Za-z0-9_.-]{8,128}$/;
const LEGACY_SECRET_PATTERN = /^[\x21-\x7e]{8,512}$/;
const RESERVED_PREFIX = /^kw(sec)?_/;

export function isLegacyKeyId(keyId: string): boolean {
  return LEGACY_KEY_ID_PATTERN.test(keyId) && !RESERVED_PREFIX.test(keyId);
}

export function isPlausibleLegacySecret(secret: string): boolean {
  return LEGACY_SECRET_PATTERN.test(secret);
}

/** The SHA-256 hex digest platforms export when they cannot export the plaintext. */
export function sha256Hex(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

import "server-only";
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from "node:crypto";
import { services } from "../services";

// The pepper as a KeyObject, made once: importing a string key on every HMAC was a third of its cost.
const keyObjects = new Map<string, KeyObject>();
function pepperKey(pepper: string): KeyObject {
  let key = keyObjects.get(pepper);
  if (!key) {
    key = createSecretKey(Buffer.from(pepper, "utf8"));
    keyObjects.set(pepper, key);
  }
  return key;
}

/**
 * Secrets carry 256 bits of entropy, so a keyed fast hash is right (a slow KDF would only add latency):
 * HMAC-SHA-256 with a server-side pepper, so a stolen database alone cannot confirm a guessed secret.
 */
export function hashSecret(secret: string, pepper = services().secrets.secretPepper): string {
  return createHmac("sha256", pepperKey(pepper)).update(secret, "utf8").digest("hex");
}

const HEX = /^[0-9a-f]+$/i;

/** Constant-time comparison of two hex digests of equal length. */
export function hashesEqual(a: string, b: string): boolean {
  // Buffer.from(x, "hex") stops at the first non-hex character: insist on clean, equal-length hex first.
  if (a.length !== b.length || !HEX.test(a) || !HEX.test(b)) return false;
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

import "server-only";
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/**
 * Webhook signing secrets. Unlike API secrets they must be usable later (to sign each delivery), so they cannot
 * be stored as a hash: they are stored encrypted with AES-256-GCM under a key derived (HKDF-SHA-256) from the
 * server pepper, and shown in clear once, at creation or rotation. The format is Standard Webhooks': `whsec_`
 * followed by the base64 of 32 random bytes.
 */
const PREFIX = "whsec_";
const VERSION = "v1";

export function generateWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString("base64");
}

function keyFrom(pepper: string): Buffer {
  return Buffer.from(hkdfSync("sha256", pepper, "keyward", "keyward webhook signing secrets v1", 32));
}

export function encryptSecret(secret: string, pepper: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFrom(pepper), iv);
  const data = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return [
    VERSION,
    iv.toString("base64url"),
    cipher.getAuthTag().toString("base64url"),
    data.toString("base64url"),
  ].join(".");
}

/** Throws when the stored value was tampered with or encrypted under another pepper. */
export function decryptSecret(stored: string, pepper: string): string {
  const [version, iv, tag, data] = stored.split(".");
  if (version !== VERSION || !iv || !tag || data === undefined) throw new Error("not an encrypted webhook secret");
  const decipher = createDecipheriv("aes-256-gcm", keyFrom(pepper), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
}

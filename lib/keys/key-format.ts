import "server-only";
import { randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";
import baseX from "base-x";

/**
 * Keyward key pairs.
 *   key id: kw_<env>_<16 base62>                       public; safe to log and show
 *   secret: kwsec_<env>_<43 base62 (32 bytes)><6 base62 CRC32>
 * The CRC32 lets a secret scanner tell a real secret from noise (or a typo) without the database, as
 * GitHub's token format does. It is not a security control: the HMAC of the secret is.
 */
import type { KeyEnvironment } from "./key-vocabulary";

export type { KeyEnvironment } from "./key-vocabulary";

const BASE62 = baseX("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
const SECRET_BODY_LENGTH = 43; // 62^43 > 2^256
const CHECKSUM_LENGTH = 6; // 62^6 > 2^32
const KEY_ID_BODY_LENGTH = 16; // ~95 bits: ids are not secret, but should not be enumerable

export const KEY_ID_PATTERN = /^kw_(live|test)_[0-9A-Za-z]{16}$/;
export const SECRET_PATTERN = /^kwsec_(live|test)_([0-9A-Za-z]{43})([0-9A-Za-z]{6})$/;

function base62Fixed(bytes: Uint8Array, length: number): string {
  const encoded = BASE62.encode(bytes);
  if (encoded.length > length) throw new Error("base62 value longer than its field");
  return encoded.padStart(length, "0");
}

function checksum(body: string): string {
  const value = crc32(Buffer.from(body, "utf8")) >>> 0;
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return base62Fixed(bytes, CHECKSUM_LENGTH);
}

export function generateKeyId(environment: KeyEnvironment): string {
  // Rejection-free: 12 random bytes encode to at most 17 base62 chars; take the last 16 of a padded encoding.
  const body = base62Fixed(randomBytes(12), 17).slice(-KEY_ID_BODY_LENGTH);
  return `kw_${environment}_${body}`;
}

export function generateSecret(environment: KeyEnvironment): string {
  const body = base62Fixed(randomBytes(32), SECRET_BODY_LENGTH);
  const prefix = `kwsec_${environment}_`;
  return `${prefix}${body}${checksum(prefix + body)}`;
}

/** True when the text has a Keyward secret's shape and its checksum matches. */
export function isWellFormedSecret(secret: string): boolean {
  const match = SECRET_PATTERN.exec(secret);
  if (!match) return false;
  const prefix = `kwsec_${match[1]}_`;
  return checksum(prefix + match[2]) === match[3];
}

export function secretEnvironment(secret: string): KeyEnvironment | null {
  const match = SECRET_PATTERN.exec(secret);
  return match ? (match[1] as KeyEnvironment) : null;
}

export function isWellFormedKeyId(keyId: string): boolean {
  return KEY_ID_PATTERN.test(keyId);
}

export function lastFour(secret: string): string {
  return secret.slice(-4);
}

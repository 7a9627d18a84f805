/**
 * One-dimensional array parameters in PostgreSQL's binary array format (what array_send writes and array_recv
 * reads). node-postgres sends a Buffer parameter as binary, so a `$1::text[]` bound to pgBinaryArray("text", …)
 * reaches the server without a text literal: PostgreSQL skips array_in's quote scanning and each element's text
 * input (timestamp_in is the slow one), and Node skips quoting, escaping and formatting timestamps.
 *
 * Layout: int32 dimensions (1, or 0 when empty), int32 has-nulls flag, int32 element type oid, then per dimension
 * int32 length and int32 lower bound (1); then per element int32 byte length (-1 for NULL) and its bytes, big-endian.
 */

/** The element types a log batch sends, spelled as in SQL casts: timestamp(3) is given as epoch milliseconds. */
export type PgArrayElement = "text" | "integer" | "double precision" | "timestamp(3)";

/** pg_type oids: array_recv refuses an array whose element oid is not the parameter's element type. */
const ELEMENT_OID: Record<PgArrayElement, number> = {
  text: 25,
  integer: 23,
  "double precision": 701,
  "timestamp(3)": 1114,
};

/** PostgreSQL's timestamp epoch (2000-01-01) in Unix milliseconds; its binary timestamps count microseconds from it. */
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const TWO_32 = 2 ** 32;

/** Fixed-width elements: their size in bytes, and how one is written (big-endian). */
const FIXED: Record<
  Exclude<PgArrayElement, "text">,
  { bytes: number; write: (buf: Buffer, v: number, at: number) => void }
> = {
  integer: {
    bytes: 4,
    write: (buf, v, at) => {
      // writeInt32BE checks the range only: 1.5 would go as 1, NaN as 0.
      if (!Number.isInteger(v)) throw new RangeError(`an integer element must be whole, got ${v}`);
      buf.writeInt32BE(v, at);
    },
  },
  "double precision": { bytes: 8, write: (buf, v, at) => buf.writeDoubleBE(v, at) },
  "timestamp(3)": {
    bytes: 8,
    write: (buf, ms, at) => {
      if (!Number.isInteger(ms)) throw new RangeError(`a timestamp must be whole epoch milliseconds, got ${ms}`);
      // Microseconds since 2000 as int8 in two 32-bit halves, without BigInt. The product ms × 1000 passes 2^53
      // (and loses exactness) after the year 2285, so the milliseconds are split first and each half multiplied
      // on its own: every step below stays an exact integer for any date a Date can hold.
      const sinceEpoch = ms - PG_EPOCH_MS;
      const highMs = Math.floor(sinceEpoch / TWO_32);
      const lowMicros = (sinceEpoch - highMs * TWO_32) * 1000; // < 2^42
      const carry = Math.floor(lowMicros / TWO_32);
      buf.writeInt32BE(highMs * 1000 + carry, at);
      buf.writeUInt32BE(lowMicros - carry * TWO_32, at + 4);
    },
  },
};
const HEADER_BYTES = 20;

/**
 * The binary array of `items` mapped by `valueOf` (null or undefined is SQL NULL). Text is sent as UTF-8, integers
 * as int4 (a value outside int4 throws), numbers as float8, timestamps (epoch ms, whole) as int8 microseconds.
 */
export function pgBinaryArray<T>(
  type: PgArrayElement,
  items: readonly T[],
  valueOf: (item: T) => unknown = (item) => item,
): Buffer {
  // A first guess at the size; text grows the buffer (doubling) when it needs to.
  let buf = Buffer.allocUnsafe(HEADER_BYTES + items.length * (type === "text" ? 32 : 12));
  let off = HEADER_BYTES;
  let hasNull = 0;
  const reserve = (bytes: number) => {
    if (off + bytes <= buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, off + bytes));
    buf.copy(bigger, 0, 0, off);
    buf = bigger;
  };
  for (let i = 0; i < items.length; i++) {
    const v = valueOf(items[i]!);
    if (v === null || v === undefined) {
      reserve(4);
      buf.writeInt32BE(-1, off);
      off += 4;
      hasNull = 1;
      continue;
    }
    if (type === "text") {
      const text = String(v);
      reserve(4 + text.length * 3); // UTF-8 takes at most 3 bytes per UTF-16 unit
      const bytes = buf.write(text, off + 4, "utf8");
      buf.writeInt32BE(bytes, off);
      off += 4 + bytes;
    } else {
      const fixed = FIXED[type];
      reserve(4 + fixed.bytes);
      buf.writeInt32BE(fixed.bytes, off);
      fixed.write(buf, v as number, off + 4);
      off += 4 + fixed.bytes;
    }
  }
  buf.writeInt32BE(items.length === 0 ? 0 : 1, 0);
  buf.writeInt32BE(hasNull, 4);
  buf.writeInt32BE(ELEMENT_OID[type], 8);
  buf.writeInt32BE(items.length, 12);
  buf.writeInt32BE(1, 16);
  // An empty array is its 12-byte header alone (no dimensions).
  return items.length === 0 ? buf.subarray(0, 12) : buf.subarray(0, off);
}

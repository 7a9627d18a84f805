/**
 * One-dimensional array parameters in PostgreSQL's binary array format (what array_send writes and array_recv
 * reads). node-postgres sends a Buffer parameter as binary, so a `$1::text[]` bound to pgBinaryArray("text", …)
 * reaches the server without a text literal: PostgreSQL skips array_in's quote scanning and each element's text
 * input (timestamp_in is the slow one), and Node skips quoting, escaping and formatting timestamps.
 *
 * Layout: int32 dimensions (1, or 0 when empty), int32 has-nulls flag, int32 element type oid, then per dimension
 * int32 length and int32 lower bound (1); then per element int32 byte length (-1 for NULL) and its bytes, big-endian.
 *
 * The same values, row by row, are the data of a binary COPY (pgBinaryCopy): the log's raw rows go in that way.
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
/**
 * A growing buffer of values in PostgreSQL's binary wire format, each as int32 byte length (-1 for NULL) and its
 * bytes: what an array element and a binary COPY field both are.
 */
class PgBinaryWriter {
  buf: Buffer;
  off = 0;

  constructor(initialBytes: number) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  reserve(bytes: number): void {
    if (this.off + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.off + bytes));
    this.buf.copy(bigger, 0, 0, this.off);
    this.buf = bigger;
  }

  int16(v: number): void {
    this.reserve(2);
    this.buf.writeInt16BE(v, this.off);
    this.off += 2;
  }

  int32(v: number): void {
    this.reserve(4);
    this.buf.writeInt32BE(v, this.off);
    this.off += 4;
  }

  /** One value (null or undefined is SQL NULL); returns whether it was NULL. */
  value(type: PgArrayElement, v: unknown): boolean {
    if (v === null || v === undefined) {
      this.int32(-1);
      return true;
    }
    if (type === "text") {
      const text = String(v);
      this.reserve(4 + text.length * 3); // UTF-8 takes at most 3 bytes per UTF-16 unit
      const bytes =
        text.length <= SHORT_TEXT
          ? writeShort(this.buf, text, this.off + 4)
          : this.buf.write(text, this.off + 4, "utf8");
      this.buf.writeInt32BE(bytes, this.off);
      this.off += 4 + bytes;
    } else {
      const fixed = FIXED[type];
      this.reserve(4 + fixed.bytes);
      this.buf.writeInt32BE(fixed.bytes, this.off);
      fixed.write(this.buf, v as number, this.off + 4);
      this.off += 4 + fixed.bytes;
    }
    return false;
  }

  written(): Buffer {
    return this.buf.subarray(0, this.off);
  }
}

/** Text up to this length is copied byte by byte when it is ASCII: cheaper than a call into Buffer#write. */
const SHORT_TEXT = 64;

/** Writes short text as UTF-8 at `at`; returns its byte length. */
function writeShort(buf: Buffer, text: string, at: number): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return buf.write(text, at, "utf8");
    buf[at + i] = c;
  }
  return text.length;
}

const ARRAY_HEADER_BYTES = 20;

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
  const w = new PgBinaryWriter(ARRAY_HEADER_BYTES + items.length * (type === "text" ? 32 : 12));
  w.off = ARRAY_HEADER_BYTES;
  let hasNull = 0;
  for (let i = 0; i < items.length; i++) if (w.value(type, valueOf(items[i]!))) hasNull = 1;
  const buf = w.written();
  buf.writeInt32BE(items.length === 0 ? 0 : 1, 0);
  buf.writeInt32BE(hasNull, 4);
  buf.writeInt32BE(ELEMENT_OID[type], 8);
  buf.writeInt32BE(items.length, 12);
  buf.writeInt32BE(1, 16);
  // An empty array is its 12-byte header alone (no dimensions).
  return items.length === 0 ? buf.subarray(0, 12) : buf;
}

/** A column of a binary COPY: its type, and how a row gives its value. */
export type PgCopyColumn<T> = { type: PgArrayElement; valueOf: (row: T) => unknown };

/** A binary COPY stream's signature: "PGCOPY\n\377\r\n\0", then int32 flags (0) and int32 header extension length (0). */
const COPY_SIGNATURE = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]);

/**
 * `rows` as the data of `COPY … FROM STDIN (FORMAT binary)` naming `columns` in this order: the signature, then per
 * row int16 field count and each field as a value above, then the int16 -1 trailer. Values are encoded as for
 * pgBinaryArray (same types, same refusals), so the server runs no text input function at all.
 */
export function pgBinaryCopy<T>(columns: readonly PgCopyColumn<T>[], rows: readonly T[]): Buffer {
  const w = new PgBinaryWriter(COPY_SIGNATURE.length + 8 + rows.length * (2 + columns.length * 16) + 2);
  COPY_SIGNATURE.copy(w.buf, 0);
  w.off = COPY_SIGNATURE.length;
  w.int32(0);
  w.int32(0);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    w.int16(columns.length);
    for (let c = 0; c < columns.length; c++) w.value(columns[c]!.type, columns[c]!.valueOf(row));
  }
  w.int16(-1);
  return w.written();
}

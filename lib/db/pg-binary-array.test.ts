import { describe, expect, it } from "vitest";
import { pgBinaryArray, pgBinaryCopy } from "./pg-binary-array";

const int32s = (buf: Buffer, count: number) => Array.from({ length: count }, (_, i) => buf.readInt32BE(i * 4));

describe("pgBinaryArray's layout", () => {
  it("writes one dimension, the null flag, the element oid, the length and lower bound 1, then the elements", () => {
    const buf = pgBinaryArray("text", ["ab", null, "é"]);
    expect(int32s(buf, 5)).toEqual([1, 1, 25, 3, 1]);
    // "ab": length 2; NULL: -1; "é": 2 UTF-8 bytes.
    expect(buf.readInt32BE(20)).toBe(2);
    expect(buf.subarray(24, 26).toString()).toBe("ab");
    expect(buf.readInt32BE(26)).toBe(-1);
    expect(buf.readInt32BE(30)).toBe(2);
    expect(buf.subarray(34).toString()).toBe("é");
    expect(buf.length).toBe(36);
  });

  it("an array without nulls says so, and an empty array has no dimension", () => {
    expect(int32s(pgBinaryArray("integer", [7]), 5)).toEqual([1, 0, 23, 1, 1]);
    const empty = pgBinaryArray("double precision", []);
    expect(empty.length).toBe(12);
    expect(int32s(empty, 3)).toEqual([0, 0, 701]);
  });

  it("a timestamp is int8 microseconds since 2000-01-01, negative before it", () => {
    const at = (ms: number) => pgBinaryArray("timestamp(3)", [ms]).readBigInt64BE(24);
    expect(at(Date.UTC(2000, 0, 1))).toBe(0n);
    expect(at(Date.UTC(2000, 0, 1) + 1)).toBe(1000n);
    expect(at(Date.UTC(2000, 0, 1) - 1)).toBe(-1000n);
    expect(at(Date.UTC(2026, 10, 30))).toBe(BigInt(Date.UTC(2026, 10, 30) - Date.UTC(2000, 0, 1)) * 1000n);
    expect(pgBinaryArray("timestamp(3)", [0]).readInt32BE(8)).toBe(1114);
  });

  it("a timestamp stays exact where milliseconds × 1000 passes 2^53 (after 2285), to the ends of a Date's range", () => {
    const micros = (ms: number) => pgBinaryArray("timestamp(3)", [ms]).readBigInt64BE(24);
    for (const iso of ["2285-06-01T00:00:00.001Z", "4283-01-01T00:00:00.007Z", "9999-12-31T23:59:59.999Z"]) {
      const ms = Date.parse(iso);
      expect(micros(ms), iso).toBe(BigInt(ms - Date.UTC(2000, 0, 1)) * 1000n);
    }
    for (const ms of [8.64e15, -8.64e15, -8.64e15 + 1, 8.64e15 - 7]) {
      expect(micros(ms), String(ms)).toBe(BigInt(ms - Date.UTC(2000, 0, 1)) * 1000n);
    }
  });

  it("refuses what it cannot encode exactly: a fractional timestamp, a fractional or NaN integer, one outside int4", () => {
    expect(() => pgBinaryArray("timestamp(3)", [1.5])).toThrow(/whole epoch milliseconds/);
    expect(() => pgBinaryArray("integer", [1.5])).toThrow(/must be whole/);
    expect(() => pgBinaryArray("integer", [NaN])).toThrow(/must be whole/);
    expect(() => pgBinaryArray("integer", [2 ** 31])).toThrow(RangeError);
  });
});

describe("pgBinaryCopy's layout", () => {
  it("the signature, flags and extension length; per row a field count and each field; the -1 trailer", () => {
    const buf = pgBinaryCopy(
      [
        { type: "text", valueOf: (r: { t: string | null; i: number }) => r.t },
        { type: "integer", valueOf: (r: { t: string | null; i: number }) => r.i },
      ],
      [
        { t: "ab", i: 7 },
        { t: null, i: -1 },
      ],
    );
    expect(buf.subarray(0, 11)).toEqual(Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"));
    expect([buf.readInt32BE(11), buf.readInt32BE(15)]).toEqual([0, 0]);
    let at = 19;
    // Row 1: two fields, "ab" (2 bytes), 7 (int4).
    expect(buf.readInt16BE(at)).toBe(2);
    expect(buf.readInt32BE(at + 2)).toBe(2);
    expect(buf.subarray(at + 6, at + 8).toString()).toBe("ab");
    expect([buf.readInt32BE(at + 8), buf.readInt32BE(at + 12)]).toEqual([4, 7]);
    at += 16;
    // Row 2: NULL (-1, no bytes), -1 (int4).
    expect(buf.readInt16BE(at)).toBe(2);
    expect(buf.readInt32BE(at + 2)).toBe(-1);
    expect([buf.readInt32BE(at + 6), buf.readInt32BE(at + 10)]).toEqual([4, -1]);
    at += 14;
    expect(buf.readInt16BE(at)).toBe(-1);
    expect(buf.length).toBe(at + 2);
  });

  it("text is UTF-8 whatever its length: ASCII, ASCII then not, lone surrogates, long", () => {
    // Lone surrogates go as U+FFFD (EF BF BD), as Buffer#write and every other encoder here write them.
    const texts = ["plain", "abc é", "ab\u0080", "日本", "🔑", "\uD800", "a\uDC00", "x".repeat(100) + "é", ""];
    const buf = pgBinaryCopy([{ type: "text", valueOf: (t: string) => t }], texts);
    let at = 19;
    for (const t of texts) {
      const len = buf.readInt32BE(at + 2);
      expect(buf.subarray(at + 6, at + 6 + len)).toEqual(Buffer.from(t, "utf8"));
      at += 6 + len;
    }
  });

  it("refuses what pgBinaryArray refuses: a fractional timestamp, a fractional integer", () => {
    expect(() => pgBinaryCopy([{ type: "timestamp(3)", valueOf: (v: number) => v }], [1.5])).toThrow(/whole epoch/);
    expect(() => pgBinaryCopy([{ type: "integer", valueOf: (v: number) => v }], [1.5])).toThrow(/must be whole/);
  });
});

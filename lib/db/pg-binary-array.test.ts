import { describe, expect, it } from "vitest";
import { pgBinaryArray } from "./pg-binary-array";

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

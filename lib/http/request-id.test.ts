import { describe, expect, it } from "vitest";
import { newRequestId, requestIdIssuedAt } from "./request-id";

describe("request ids carry the moment they were issued", () => {
  it("reads back the time of every id it issues, across the range of dates a log can hold", () => {
    for (const at of [0, 1, 1_800_000_000_123, Date.now(), Date.UTC(2100, 0, 1), Date.UTC(275_000, 0, 1)]) {
      const id = newRequestId(at);
      expect(id).toMatch(/^req_[0-9a-z]+[0-9a-f]{20}$/);
      expect(requestIdIssuedAt(id)).toBe(at);
    }
  });

  it("gives no time for an id of another shape (hand-made, upper case, padded, another prefix)", () => {
    const issued = newRequestId(1_800_000_000_123);
    for (const other of [
      "req_never_issued",
      `req_test_${"a".repeat(32)}`,
      issued.toUpperCase(),
      ` ${issued}`,
      issued.replace("req_", "rq_"),
      `req_${"z".repeat(12)}${"0".repeat(20)}`,
      // A time past what a date can hold (8.64e15 ms): found nowhere, rather than an error.
      newRequestId(8_640_000_000_000_000),
      `req_2d2mh7dt6o1${"0".repeat(20)}`,
      "",
    ]) {
      expect(requestIdIssuedAt(other)).toBeNull();
    }
  });
});

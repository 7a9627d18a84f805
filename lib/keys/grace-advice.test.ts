import { describe, expect, it } from "vitest";
import { graceAdvice } from "./grace-advice";

const now = new Date("2026-03-10T12:00:00.000Z");

describe("graceAdvice", () => {
  it("calls an old secret nobody used safe to retire", () => {
    expect(graceAdvice({ requests: 0, lastSeenAt: null }, now)).toEqual({ state: "unused" });
  });

  it("waits a full quiet day after the last request on the old secret", () => {
    expect(graceAdvice({ requests: 3, lastSeenAt: "2026-03-10T11:00:00.000Z" }, now)).toEqual({
      state: "in_use",
      lastSeenAt: "2026-03-10T11:00:00.000Z",
      safeAfter: "2026-03-11T11:00:00.000Z",
    });
  });

  it("treats exactly 24 quiet hours as enough", () => {
    expect(graceAdvice({ requests: 3, lastSeenAt: "2026-03-09T12:00:00.000Z" }, now)).toEqual({
      state: "quiet",
      lastSeenAt: "2026-03-09T12:00:00.000Z",
    });
  });
});

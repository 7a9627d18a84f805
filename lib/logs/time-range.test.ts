import { afterEach, beforeEach, describe, expect, it, test, vi } from "vitest";
import { boundTimeRange, PRESET_MS, resolveTimeRange } from "./time-range";
import { RANGE_PRESETS } from "./log-vocabulary";

const NOW = new Date("2026-03-29T01:30:00.000Z"); // a DST change in Europe: ranges are plain milliseconds

describe("resolveTimeRange with a frozen clock", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => vi.useRealTimers());

  it("defaults to the last 24 hours ending now", () => {
    expect(resolveTimeRange({})).toEqual({ from: new Date("2026-03-28T01:30:00.000Z"), to: NOW });
  });

  test.each([
    ["15m", "2026-03-29T01:15:00.000Z"],
    ["1h", "2026-03-29T00:30:00.000Z"],
    ["24h", "2026-03-28T01:30:00.000Z"],
    ["7d", "2026-03-22T01:30:00.000Z"],
    ["30d", "2026-02-27T01:30:00.000Z"],
  ] as const)("preset %s counts back from now to %s", (range, from) => {
    expect(resolveTimeRange({ range })).toEqual({ from: new Date(from), to: NOW });
  });

  it("covers every preset", () => {
    expect(Object.keys(PRESET_MS).sort()).toEqual([...RANGE_PRESETS].sort());
  });

  it("an explicit from wins over a preset; to defaults to now", () => {
    const from = new Date("2026-03-01T00:00:00.000Z");
    expect(resolveTimeRange({ range: "15m", from })).toEqual({ from, to: NOW });
  });

  it("an explicit to anchors the preset", () => {
    const to = new Date("2026-01-01T00:00:00.000Z");
    expect(resolveTimeRange({ range: "1h", to })).toEqual({ from: new Date("2025-12-31T23:00:00.000Z"), to });
  });

  it("explicit from and to are returned as given", () => {
    const from = new Date("2026-03-28T10:00:00.000Z");
    const to = new Date("2026-03-28T10:00:00.001Z");
    expect(resolveTimeRange({ from, to })).toEqual({ from, to });
  });

  it("a fallback preset applies when none is given", () => {
    expect(resolveTimeRange({}, new Date(), "1h")).toEqual({ from: new Date("2026-03-29T00:30:00.000Z"), to: NOW });
  });

  it("an explicit now argument wins over the clock", () => {
    const now = new Date("2030-01-01T00:00:00.000Z");
    expect(resolveTimeRange({ range: "15m" }, now)).toEqual({ from: new Date("2029-12-31T23:45:00.000Z"), to: now });
  });
});

describe("boundTimeRange (the retention window)", () => {
  const now = new Date("2026-06-01T00:00:00.000Z");
  const DAY = 86_400_000;

  it("leaves a range inside the window alone", () => {
    const range = { from: new Date(now.getTime() - 7 * DAY), to: new Date(now.getTime() - DAY) };
    expect(boundTimeRange(range, now, 30)).toEqual({ ...range, clamped: false });
  });

  test.each([
    ["year 0", "0000-01-01T00:00:00.000Z"],
    ["the first instant a Date holds", "-271821-04-20T00:00:00.000Z"],
    ["one millisecond too early", new Date(now.getTime() - 30 * DAY - 1).toISOString()],
  ])("moves a from at %s to the oldest retained instant", (_label, from) => {
    expect(boundTimeRange({ from: new Date(from), to: now }, now, 30)).toEqual({
      from: new Date(now.getTime() - 30 * DAY),
      to: now,
      clamped: true,
    });
  });

  it("moves a to in the future back to now", () => {
    const from = new Date(now.getTime() - DAY);
    expect(boundTimeRange({ from, to: new Date("+275760-09-13T00:00:00.000Z") }, now, 30)).toEqual({
      from,
      to: now,
      clamped: true,
    });
  });

  it("a range wholly in the future collapses to an empty range at now", () => {
    const range = { from: new Date("2100-01-01T00:00:00.000Z"), to: new Date("2200-01-01T00:00:00.000Z") };
    expect(boundTimeRange(range, now, 30)).toEqual({ from: now, to: now, clamped: true });
  });
});

import { describe, expect, it, test } from "vitest";
import {
  bucketStart,
  bucketStarts,
  granularityFor,
  MAX_CHART_POINTS,
  rollupWindow,
  type Granularity,
} from "./granularity";
import { ROLLUP_RESOLUTIONS } from "./log-store";
import { PRESET_MS, resolveTimeRange, type TimeRange } from "./time-range";
import { RANGE_PRESETS } from "./log-vocabulary";

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
// The chart steps the module promises, smallest first (its own list is private on purpose).
const STEPS: Granularity[] = [
  { size: MINUTE, source: "minute" },
  { size: 5 * MINUTE, source: "minute" },
  { size: 15 * MINUTE, source: "minute" },
  { size: HOUR, source: "hour" },
  { size: 3 * HOUR, source: "hour" },
  { size: 6 * HOUR, source: "hour" },
  { size: DAY, source: "hour" },
];
// Frozen clock: a UTC midnight, so presets end on every step's boundary.
const NOW = new Date("2026-06-01T00:00:00.000Z");
const spanRange = (spanMs: number, to = NOW): TimeRange => ({ from: new Date(to.getTime() - spanMs), to });

describe("granularityFor", () => {
  test.each([
    ["15m", { size: MINUTE, source: "minute" }],
    ["1h", { size: MINUTE, source: "minute" }],
    ["24h", { size: 15 * MINUTE, source: "minute" }],
    ["7d", { size: HOUR, source: "hour" }],
    ["30d", { size: 6 * HOUR, source: "hour" }],
  ] as const)("preset %s → %o", (preset, want) => {
    const range = resolveTimeRange({ range: preset }, NOW);
    expect(range.to.getTime() - range.from.getTime()).toBe(PRESET_MS[preset]);
    expect(granularityFor(range)).toEqual(want);
  });

  it("is the smallest step within maxPoints for every preset and for odd spans", () => {
    const spans = [
      ...RANGE_PRESETS.map((p) => PRESET_MS[p]),
      1,
      59_999,
      MINUTE + 1,
      7 * MINUTE + 13_000,
      2 * HOUR + 17 * MINUTE,
      31 * HOUR + 5,
      3 * DAY + 7 * HOUR,
      11 * DAY + 1,
      44 * DAY,
    ];
    for (const span of spans) {
      const g = granularityFor(spanRange(span));
      const i = STEPS.findIndex((s) => s.size === g.size);
      expect(i, `span ${span}`).toBeGreaterThanOrEqual(0);
      expect(g.source, `span ${span}`).toBe(STEPS[i]!.source);
      expect(Math.max(span, MINUTE) / g.size, `span ${span}`).toBeLessThanOrEqual(180);
      if (i > 0) expect(Math.max(span, MINUTE) / STEPS[i - 1]!.size, `span ${span}`).toBeGreaterThan(180);
    }
  });

  // At exactly maxPoints buckets a step still fits; one millisecond more moves to the next step.
  test.each(STEPS.slice(0, -1).map((s, i) => [s.size, STEPS[i + 1]!.size] as const))(
    "boundary: 180 buckets of %i ms stay, one ms more moves to %i ms",
    (size, next) => {
      expect(granularityFor(spanRange(180 * size)).size).toBe(size);
      expect(granularityFor(spanRange(180 * size + 1)).size).toBe(next);
    },
  );

  it("switches to hourly rollups exactly when the step reaches an hour", () => {
    expect(granularityFor(spanRange(180 * 15 * MINUTE)).source).toBe("minute");
    expect(granularityFor(spanRange(180 * 15 * MINUTE + 1)).source).toBe("hour");
  });

  it("every step is a whole number of its source rollup, and hour steps read hour rollups", () => {
    for (const s of STEPS) {
      expect(s.size % ROLLUP_RESOLUTIONS[s.source]).toBe(0);
      expect(s.source).toBe(s.size >= HOUR ? "hour" : "minute");
    }
  });

  it("keeps daily buckets beyond 180 days while they stay within 500 points (more points rather than no chart)", () => {
    expect(granularityFor(spanRange(180 * DAY))).toEqual({ size: DAY, source: "hour" });
    expect(granularityFor(spanRange(MAX_CHART_POINTS * DAY))).toEqual({ size: DAY, source: "hour" });
  });

  test.each([
    ["500 days and a millisecond", MAX_CHART_POINTS * DAY + 1, 7 * DAY],
    ["3 years", 3 * 365 * DAY, 7 * DAY],
    // 739,620 days: 212 weeks per bucket gives 499 buckets.
    ["year 0 to 2026", Date.UTC(2026, 0, 1) - Date.parse("0000-01-01T00:00:00Z"), 212 * 7 * DAY],
  ])("beyond, whole weeks bound the chart to 500 points: %s", (_label, span, size) => {
    const range = spanRange(span);
    expect(granularityFor(range)).toEqual({ size, source: "hour" });
    expect(bucketStarts(range, size).length).toBeLessThanOrEqual(MAX_CHART_POINTS + 1);
  });

  test.each([
    ["zero", 0],
    ["negative", -5 * HOUR],
  ])("%s span counts as one minute", (_, span) => {
    expect(granularityFor(spanRange(span))).toEqual({ size: MINUTE, source: "minute" });
  });

  it("honours a custom maxPoints", () => {
    const day = spanRange(DAY);
    expect(granularityFor(day, 24)).toEqual({ size: HOUR, source: "hour" });
    expect(granularityFor(day, 23)).toEqual({ size: 3 * HOUR, source: "hour" });
    // Asking for more than 500 points gets 500 at most.
    expect(granularityFor(day, 1440)).toEqual({ size: 5 * MINUTE, source: "minute" });
  });
});

describe("bucketStart", () => {
  it("floors to the epoch-aligned (UTC) bucket", () => {
    const t = Date.parse("2026-06-01T12:34:56.789Z");
    expect(bucketStart(t, MINUTE)).toBe(Date.parse("2026-06-01T12:34:00.000Z"));
    expect(bucketStart(t, 5 * MINUTE)).toBe(Date.parse("2026-06-01T12:30:00.000Z"));
    expect(bucketStart(t, 15 * MINUTE)).toBe(Date.parse("2026-06-01T12:30:00.000Z"));
    expect(bucketStart(t, HOUR)).toBe(Date.parse("2026-06-01T12:00:00.000Z"));
    expect(bucketStart(t, 3 * HOUR)).toBe(Date.parse("2026-06-01T12:00:00.000Z"));
    expect(bucketStart(t, 6 * HOUR)).toBe(Date.parse("2026-06-01T12:00:00.000Z"));
    expect(bucketStart(t, DAY)).toBe(Date.parse("2026-06-01T00:00:00.000Z"));
    expect(bucketStart(Date.parse("2026-06-01T05:59:59.999Z"), 6 * HOUR)).toBe(Date.parse("2026-06-01T00:00:00.000Z"));
  });

  it("a timestamp on a boundary is its own bucket start; one ms before belongs to the previous bucket", () => {
    for (const s of STEPS) {
      const boundary = bucketStart(NOW.getTime() + 12_345 * MINUTE, s.size);
      expect(boundary % s.size).toBe(0);
      expect(bucketStart(boundary, s.size)).toBe(boundary);
      expect(bucketStart(boundary - 1, s.size)).toBe(boundary - s.size);
      expect(bucketStart(boundary + s.size - 1, s.size)).toBe(boundary);
    }
  });

  it("floors (not truncates) before the epoch", () => {
    expect(bucketStart(-1, MINUTE)).toBe(-MINUTE);
    expect(bucketStart(0, MINUTE)).toBe(0);
  });
});

describe("bucketStarts", () => {
  function expectCovers(range: TimeRange, size: number, starts: number[]) {
    const from = range.from.getTime();
    const to = range.to.getTime();
    expect(starts.length).toBeGreaterThan(0);
    expect(starts[0]).toBe(bucketStart(from, size));
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBe(size);
    for (const t of starts) {
      expect(t % size).toBe(0);
      expect(t).toBeLessThan(to);
    }
    // [first, last + size) contains [from, to): no gap at either end.
    expect(starts[0]!).toBeLessThanOrEqual(from);
    expect(starts[starts.length - 1]! + size).toBeGreaterThanOrEqual(to);
  }

  it("an aligned hour at one-minute steps: 60 starts, 12:00 to 12:59", () => {
    const range = { from: new Date("2026-06-01T12:00:00Z"), to: new Date("2026-06-01T13:00:00Z") };
    const starts = bucketStarts(range, MINUTE);
    expect(starts).toHaveLength(60);
    expect(new Date(starts[0]!).toISOString()).toBe("2026-06-01T12:00:00.000Z");
    expect(new Date(starts[59]!).toISOString()).toBe("2026-06-01T12:59:00.000Z");
    expectCovers(range, MINUTE, starts);
  });

  it("unaligned from and to: includes the buckets holding both ends, none at or after to", () => {
    const range = { from: new Date("2026-06-01T12:00:30Z"), to: new Date("2026-06-01T12:03:30Z") };
    expect(bucketStarts(range, MINUTE).map((t) => new Date(t).toISOString())).toEqual([
      "2026-06-01T12:00:00.000Z",
      "2026-06-01T12:01:00.000Z",
      "2026-06-01T12:02:00.000Z",
      "2026-06-01T12:03:00.000Z",
    ]);
  });

  it("to exactly on a boundary: that bucket is not included (the range is half-open)", () => {
    const range = { from: new Date("2026-06-01T12:00:30Z"), to: new Date("2026-06-01T12:03:00Z") };
    const starts = bucketStarts(range, MINUTE);
    expect(starts.map((t) => new Date(t).toISOString())).toEqual([
      "2026-06-01T12:00:00.000Z",
      "2026-06-01T12:01:00.000Z",
      "2026-06-01T12:02:00.000Z",
    ]);
    // One ms later, the 12:03 bucket holds part of the range and appears.
    expect(bucketStarts({ ...range, to: new Date(range.to.getTime() + 1) }, MINUTE)).toHaveLength(4);
  });

  it("an empty aligned range has no buckets", () => {
    expect(bucketStarts({ from: NOW, to: NOW }, HOUR)).toEqual([]);
  });

  it("covers every preset, aligned and unaligned, without gaps, at the chosen granularity", () => {
    for (const preset of RANGE_PRESETS) {
      for (const offset of [0, 1, 7 * MINUTE + 30_000, 5 * HOUR + 1]) {
        const range = resolveTimeRange({ range: preset }, new Date(NOW.getTime() + offset));
        const g = granularityFor(range);
        const starts = bucketStarts(range, g.size);
        expectCovers(range, g.size, starts);
        const span = range.to.getTime() - range.from.getTime();
        // Aligned ranges have exactly span/size buckets; an unaligned one adds the partial bucket at the start.
        expect(starts.length).toBe(Math.ceil(span / g.size) + (range.from.getTime() % g.size === 0 ? 0 : 1));
      }
    }
  });
});

describe("rollupWindow", () => {
  it("an aligned range is unchanged", () => {
    for (const preset of RANGE_PRESETS) {
      const range = resolveTimeRange({ range: preset }, NOW);
      expect(rollupWindow(range, granularityFor(range))).toEqual(range);
    }
  });

  test.each([
    [{ size: MINUTE, source: "minute" }, "2026-06-01T12:00:30Z", "2026-06-01T12:03:30Z", "12:00:00", "12:04:00"],
    [{ size: MINUTE, source: "minute" }, "2026-06-01T12:00:30Z", "2026-06-01T12:03:00Z", "12:00:00", "12:03:00"],
    [{ size: MINUTE, source: "minute" }, "2026-06-01T12:00:30Z", "2026-06-01T12:03:00.001Z", "12:00:00", "12:04:00"],
    [{ size: HOUR, source: "hour" }, "2026-06-01T09:59:59.999Z", "2026-06-01T12:00:00.001Z", "09:00:00", "13:00:00"],
    [{ size: HOUR, source: "hour" }, "2026-06-01T10:00:00Z", "2026-06-01T11:59:59.999Z", "10:00:00", "12:00:00"],
  ] as const)("%o: [%s, %s) widens to [%s, %s)", (g, from, to, wantFrom, wantTo) => {
    const range = { from: new Date(from), to: new Date(to) };
    const w = rollupWindow(range, g);
    expect(w.from.toISOString()).toBe(`2026-06-01T${wantFrom}.000Z`);
    expect(w.to.toISOString()).toBe(`2026-06-01T${wantTo}.000Z`);
  });

  it("covers the range with whole source buckets, and matches the chart's buckets", () => {
    for (const preset of RANGE_PRESETS) {
      for (const offset of [1, 7 * MINUTE + 30_000, 5 * HOUR + 1]) {
        const range = resolveTimeRange({ range: preset }, new Date(NOW.getTime() + offset));
        const g = granularityFor(range);
        const w = rollupWindow(range, g);
        const res = ROLLUP_RESOLUTIONS[g.source];
        expect(w.from.getTime() % res).toBe(0);
        expect(w.to.getTime() % res).toBe(0);
        expect(w.from.getTime()).toBeLessThanOrEqual(range.from.getTime());
        expect(w.to.getTime()).toBeGreaterThanOrEqual(range.to.getTime());
        const starts = bucketStarts(range, g.size);
        expect(w.from.getTime()).toBeGreaterThanOrEqual(starts[0]!);
        expect(w.to.getTime()).toBeLessThanOrEqual(starts[starts.length - 1]! + g.size);
      }
    }
  });

  // Rollups are whole minutes or hours: widen to those, never to whole chart buckets.
  it("widens an unaligned range only to the enclosing source (rollup) buckets", () => {
    const range = { from: new Date("2026-05-31T12:07:30Z"), to: new Date("2026-06-01T12:07:30Z") };
    const g = granularityFor(range);
    expect(g).toEqual({ size: 15 * MINUTE, source: "minute" });
    const w = rollupWindow(range, g);
    expect(w.from.toISOString()).toBe("2026-05-31T12:07:00.000Z");
    expect(w.to.toISOString()).toBe("2026-06-01T12:08:00.000Z");
  });
});

import type { TimeRange } from "./time-range";
import { ROLLUP_RESOLUTIONS, type RollupResolution } from "./log-entry";

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** Chart bucket sizes, smallest first; each is a multiple of the rollup it is built from. */
const STEPS = [
  { size: MINUTE, source: "minute" },
  { size: 5 * MINUTE, source: "minute" },
  { size: 15 * MINUTE, source: "minute" },
  { size: HOUR, source: "hour" },
  { size: 3 * HOUR, source: "hour" },
  { size: 6 * HOUR, source: "hour" },
  { size: 24 * HOUR, source: "hour" },
] as const satisfies readonly { size: number; source: RollupResolution }[];

export type Granularity = { size: number; source: RollupResolution };

/** No chart has more points than this, whatever range it is asked for. */
export const MAX_CHART_POINTS = 500;

const WEEK = 7 * 24 * HOUR;

/**
 * The smallest bucket that keeps a chart at or under maxPoints (itself at most MAX_CHART_POINTS); long ranges
 * read hourly rollups. Past that, daily buckets while they stay within MAX_CHART_POINTS (more points rather
 * than no chart), then whole weeks: the point count is bounded for any range.
 */
export function granularityFor(range: TimeRange, maxPoints = 180): Granularity {
  const target = Math.min(Math.max(maxPoints, 1), MAX_CHART_POINTS);
  const span = Math.max(range.to.getTime() - range.from.getTime(), MINUTE);
  for (const step of STEPS) if (span / step.size <= target) return step;
  const day = STEPS[STEPS.length - 1]!;
  if (span / day.size <= MAX_CHART_POINTS) return day;
  return { size: Math.ceil(span / MAX_CHART_POINTS / WEEK) * WEEK, source: "hour" };
}

/** Bucket start for a timestamp (buckets are aligned to the epoch, i.e. UTC). */
export function bucketStart(timestampMs: number, size: number): number {
  return Math.floor(timestampMs / size) * size;
}

/** Every bucket start covering [from, to): charts show zeros instead of gaps. */
export function bucketStarts(range: TimeRange, size: number): number[] {
  const first = bucketStart(range.from.getTime(), size);
  const out: number[] = [];
  // The cap is a backstop: granularityFor never asks for more (alignment adds at most one bucket).
  for (let t = first; t < range.to.getTime() && out.length <= MAX_CHART_POINTS; t += size) out.push(t);
  return out;
}

/**
 * The rollup window to read for a range: rollups are whole source buckets (a minute or an hour), so the range
 * is widened only to the enclosing source buckets, never to whole chart buckets (which would count requests
 * from before `from`).
 */
export function rollupWindow(range: TimeRange, g: Granularity): TimeRange {
  const source = ROLLUP_RESOLUTIONS[g.source];
  return {
    from: new Date(bucketStart(range.from.getTime(), source)),
    to: new Date(bucketStart(range.to.getTime() - 1, source) + source),
  };
}

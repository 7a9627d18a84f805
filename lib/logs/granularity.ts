import type { TimeRange } from "./time-range";
import type { RollupResolution } from "./log-store";

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

/** The smallest bucket that keeps a chart at or under maxPoints; long ranges read hourly rollups. */
export function granularityFor(range: TimeRange, maxPoints = 180): Granularity {
  const span = Math.max(range.to.getTime() - range.from.getTime(), MINUTE);
  for (const step of STEPS) if (span / step.size <= maxPoints) return step;
  return STEPS[STEPS.length - 1]!;
}

/** Bucket start for a timestamp (buckets are aligned to the epoch, i.e. UTC). */
export function bucketStart(timestampMs: number, size: number): number {
  return Math.floor(timestampMs / size) * size;
}

/** Every bucket start covering [from, to): charts show zeros instead of gaps. */
export function bucketStarts(range: TimeRange, size: number): number[] {
  const first = bucketStart(range.from.getTime(), size);
  const out: number[] = [];
  for (let t = first; t < range.to.getTime(); t += size) out.push(t);
  return out;
}

/**
 * The rollup window to read for a range: rollup buckets are whole, so the range is widened to the
 * enclosing source buckets (a chart bucket never shows a partial rollup).
 */
export function rollupWindow(range: TimeRange, g: Granularity): TimeRange {
  return {
    from: new Date(bucketStart(range.from.getTime(), g.size)),
    to: new Date(bucketStart(range.to.getTime() - 1, g.size) + g.size),
  };
}

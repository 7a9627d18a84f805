import { ROLLUP_RESOLUTIONS } from "./log-entry";

const HOUR = ROLLUP_RESOLUTIONS.hour;

/**
 * What the hourly rollups say about one hour of a filtered log: at most `upper` raw rows match the filter in it,
 * and at least `lower` (0 when the rollups only count a superset: an exact status is counted with its class).
 */
export type HourCount = { hour: number; upper: number; lower: number };

/** A time range [from, to) in epoch ms. */
export type Span = { from: number; to: number };

/**
 * The parts of `span` that hold the next `need` rows of a page, read in `order`, by the hourly rollups `counts`:
 * the runs of hours that can hold a row, oldest first (adjacent hours merged); null when no row can match. Hours
 * before `coveredFrom` may have no rollups (retention, or not read): they are one run, never skipped. The runs
 * never reach outside `span`.
 *
 * - `window`: the runs from the newest (desc) that can hold a row back to the hour where at least `need` rows are
 *   certain (`lower`, counted only for hours wholly inside the span); all of them when that is never reached.
 * - `fallback`: every run, when `window` leaves some out. A page read from `window` that comes back with fewer
 *   than `need` rows is read again from `fallback` (the counts promised rows that are not there: say, deleted), so
 *   counts that are too high cost time, never a row.
 */
export function pageWindow(
  counts: readonly HourCount[],
  span: Span,
  coveredFrom: number,
  need: number,
  order: "asc" | "desc",
): { window: Span[]; fallback?: Span[] } | null {
  if (span.from >= span.to) return null; // a cursor at the range's end
  const inSpan = counts.filter((c) => c.hour < span.to && c.hour + HOUR > span.from && c.hour >= coveredFrom);
  const possible = inSpan.filter((c) => c.upper > 0).sort((a, b) => a.hour - b.hour);
  const uncoveredTo = Math.min(coveredFrom, span.to);
  const runs: Span[] = uncoveredTo > span.from ? [{ from: span.from, to: uncoveredTo }] : [];
  for (const c of possible) {
    const from = Math.max(span.from, c.hour);
    const to = Math.min(span.to, c.hour + HOUR);
    const last = runs[runs.length - 1];
    if (last && last.to >= from) last.to = Math.max(last.to, to);
    else runs.push({ from, to });
  }
  if (runs.length === 0) return null;

  const wholeHours = possible
    .filter((c) => c.hour >= span.from && c.hour + HOUR <= span.to && c.lower > 0)
    .sort((a, b) => (order === "desc" ? b.hour - a.hour : a.hour - b.hour));
  let certain = 0;
  for (const c of wholeHours) {
    certain += c.lower;
    if (certain < need) continue;
    // The page ends within this hour: keep the runs up to it, cut at its edge.
    const window =
      order === "desc"
        ? runs.filter((r) => r.to > c.hour).map((r) => ({ from: Math.max(r.from, c.hour), to: r.to }))
        : runs.filter((r) => r.from < c.hour + HOUR).map((r) => ({ from: r.from, to: Math.min(r.to, c.hour + HOUR) }));
    const all =
      window.length === runs.length && window[0]!.from === runs[0]!.from && window.at(-1)!.to === runs.at(-1)!.to;
    return all ? { window: runs } : { window, fallback: runs };
  }
  return { window: runs };
}

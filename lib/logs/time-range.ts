import type { RangePreset } from "./log-vocabulary";

export const PRESET_MS: Record<RangePreset, number> = {
  "15m": 15 * 60_000,
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};

export type TimeRange = { from: Date; to: Date };

/** A preset counts back from now; explicit from/to win; the default is the last 24 hours. */
export function resolveTimeRange(
  input: { range?: RangePreset; from?: Date; to?: Date },
  now: Date = new Date(),
  fallback: RangePreset = "24h",
): TimeRange {
  const to = input.to ?? now;
  if (input.from) return { from: input.from, to };
  const span = PRESET_MS[input.range ?? fallback];
  return { from: new Date(to.getTime() - span), to };
}

export const DAY_MS = 86_400_000;

/** A range moved inside what the log can hold; `clamped` says the caller asked for more than that. */
export type BoundedTimeRange = TimeRange & { clamped: boolean };

/**
 * Keep a range inside the retention window: `from` no earlier than the oldest data the log keeps (raw rows
 * or rollups, whichever lives longer), `to` no later than now (nothing is logged in the future). A range
 * asked from year 0 would otherwise cost a chart point per day since then; dates at the edge of what a
 * JavaScript Date holds would reach the database. `from` never passes `to`.
 */
export function boundTimeRange(range: TimeRange, now: Date, retentionDays: number): BoundedTimeRange {
  const oldest = now.getTime() - retentionDays * DAY_MS;
  const to = Math.min(range.to.getTime(), now.getTime());
  const from = Math.min(Math.max(range.from.getTime(), oldest), to);
  return {
    from: new Date(from),
    to: new Date(to),
    clamped: from !== range.from.getTime() || to !== range.to.getTime(),
  };
}

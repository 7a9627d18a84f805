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

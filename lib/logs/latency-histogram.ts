/**
 * Latency histogram kept in the per-minute rollups (columns h0..h11), so p50/p95 over any range come from
 * rollups, never from raw rows. Bucket i counts latencies <= BOUNDS_MS[i]; the last bucket is open-ended.
 */
export const BOUNDS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, Infinity] as const;
export const BUCKET_COUNT = BOUNDS_MS.length;

export function bucketIndex(latencyMs: number): number {
  for (let i = 0; i < BOUNDS_MS.length; i++) if (latencyMs <= BOUNDS_MS[i]!) return i;
  return BOUNDS_MS.length - 1;
}

/**
 * The q-quantile (0..1) estimated from bucket counts, interpolating linearly inside the bucket. The open last
 * bucket reports the observed maximum.
 */
export function quantileFromHistogram(counts: readonly number[], q: number, maxMs: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] ?? 0;
    if (c > 0 && seen + c >= rank) {
      const lower = i === 0 ? 0 : BOUNDS_MS[i - 1]!;
      const upper = Number.isFinite(BOUNDS_MS[i]!) ? BOUNDS_MS[i]! : Math.max(maxMs, lower);
      const within = (rank - seen) / c;
      return Math.min(lower + (upper - lower) * within, Math.max(maxMs, 0) || upper);
    }
    seen += c;
  }
  return maxMs;
}

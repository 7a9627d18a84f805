import fc from "fast-check";
import { describe, expect, it, test } from "vitest";
import { BOUNDS_MS, BUCKET_COUNT, bucketIndex, quantileFromHistogram } from "./latency-histogram";

const counts = (entries: Record<number, number>) => Array.from({ length: BUCKET_COUNT }, (_, i) => entries[i] ?? 0);

describe("bucketIndex", () => {
  test.each([
    [0, 0],
    [1, 0],
    [1.0001, 1],
    [2, 1],
    [5, 2],
    [9.9, 3],
    [100, 6],
    [2500, 10],
    [2500.1, 11],
    [1e9, 11],
  ])("%s ms -> bucket %s", (ms, index) => {
    expect(bucketIndex(ms)).toBe(index);
  });

  it("every bound falls in its own bucket, and just above it in the next", () => {
    BOUNDS_MS.slice(0, -1).forEach((bound, i) => {
      expect(bucketIndex(bound)).toBe(i);
      expect(bucketIndex(bound + 0.001)).toBe(i + 1);
    });
  });
});

describe("quantileFromHistogram", () => {
  it("is null with no samples", () => {
    expect(quantileFromHistogram(counts({}), 0.5, 0)).toBeNull();
  });

  test.each([
    // 10 samples in (5, 10]: linear inside the bucket.
    [counts({ 3: 10 }), 0.5, 10, 7.5],
    [counts({ 3: 10 }), 0.95, 10, 9.75],
    [counts({ 3: 10 }), 1, 10, 10],
    [counts({ 3: 10 }), 0, 10, 5],
    // Half in (0, 1], half in (1, 2]: p50 is the top of the first bucket.
    [counts({ 0: 2, 1: 2 }), 0.5, 2, 1],
    [counts({ 0: 2, 1: 2 }), 0.75, 2, 1.5],
    // 90 fast, 10 slow: p50 among the fast, p95 among the slow.
    [counts({ 2: 90, 7: 10 }), 0.5, 240, 2 + 3 * (50 / 90)],
    [counts({ 2: 90, 7: 10 }), 0.95, 240, 175],
  ])("%j q=%s max=%s -> %s", (histogram, q, max, expected) => {
    expect(quantileFromHistogram(histogram, q, max)).toBeCloseTo(expected, 9);
  });

  it("the open last bucket reaches the observed maximum", () => {
    expect(quantileFromHistogram(counts({ 11: 4 }), 1, 4000)).toBe(4000);
    expect(quantileFromHistogram(counts({ 11: 4 }), 0.5, 4000)).toBe(3250);
  });

  it("never reports more than the observed maximum", () => {
    expect(quantileFromHistogram(counts({ 6: 1 }), 0.99, 60)).toBe(60);
  });

  it("is monotonic in q, and stays within [0, observed maximum], for any histogram", () => {
    // A histogram and the maximum it was built with: the maximum lies in its highest non-empty bucket.
    const observed = fc
      .array(fc.nat({ max: 1000 }), { minLength: BUCKET_COUNT, maxLength: BUCKET_COUNT })
      .chain((h) => {
        const top = h.findLastIndex((n) => n > 0);
        const lower = top <= 0 ? 0 : BOUNDS_MS[top - 1]!;
        const upper = top < 0 ? 0 : Math.min(BOUNDS_MS[top]!, 1e5);
        return fc.tuple(fc.constant(h), fc.double({ min: lower, max: Math.max(lower, upper), noNaN: true }));
      });
    const quantiles = fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }));
    fc.assert(
      fc.property(observed, quantiles, ([h, max], [a, b]) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const lowValue = quantileFromHistogram(h, low, max);
        const highValue = quantileFromHistogram(h, high, max);
        if (h.every((n) => n === 0)) return lowValue === null && highValue === null;
        return lowValue! <= highValue! && lowValue! >= 0 && highValue! <= max;
      }),
    );
  });
});

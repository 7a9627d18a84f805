import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { pageWindow, type HourCount, type Span } from "./page-window";

const H = 3_600_000;
const T0 = Date.UTC(2026, 5, 1);

/** Rows (by timestamp) the filter selects, and the hourly counts the rollups would hold for them. */
function countsOf(rows: number[], certain: boolean): HourCount[] {
  const byHour = new Map<number, number>();
  for (const t of rows) byHour.set(t - (t % H), (byHour.get(t - (t % H)) ?? 0) + 1);
  return [...byHour].map(([hour, n]) => ({ hour, upper: n, lower: certain ? n : 0 }));
}

/** The first `need` rows within some runs of time, in `order`: what a page reads, with or without bounds. */
function firstRows(rows: number[], runs: Span[], need: number, order: "asc" | "desc") {
  const inside = rows.filter((t) => runs.some((r) => t >= r.from && t < r.to)).sort((a, b) => a - b);
  return (order === "desc" ? inside.reverse() : inside).slice(0, need);
}

describe("pageWindow", () => {
  it("answers 'no rows' only when no hour of the span can hold one", () => {
    const span = { from: T0, to: T0 + 48 * H };
    expect(pageWindow([], span, T0, 51, "desc")).toBeNull();
    expect(pageWindow([{ hour: T0 + 60 * H, upper: 5, lower: 5 }], span, T0, 51, "desc")).toBeNull();
    // Rollups before `coveredFrom` may be gone: that part of the span is read.
    expect(pageWindow([], span, T0 + 10 * H, 51, "desc")).toEqual({ window: [{ from: T0, to: T0 + 10 * H }] });
  });

  it("reads only the hours with rows, from the newest down to the hour where the page is certain to be full", () => {
    const counts = [
      { hour: T0 + 41 * H, upper: 30, lower: 30 },
      { hour: T0 + 40 * H, upper: 30, lower: 30 },
      { hour: T0 + 30 * H, upper: 30, lower: 30 },
      { hour: T0 + 29 * H, upper: 0, lower: 0 },
      { hour: T0 + 2 * H, upper: 9, lower: 9 },
    ];
    const span = { from: T0, to: T0 + 48 * H };
    const all = [
      { from: T0 + 2 * H, to: T0 + 3 * H },
      { from: T0 + 30 * H, to: T0 + 31 * H },
      { from: T0 + 40 * H, to: T0 + 42 * H },
    ];
    expect(pageWindow(counts, span, T0, 61, "desc")).toEqual({ window: all.slice(1), fallback: all });
    expect(pageWindow(counts, span, T0, 31, "asc")).toEqual({ window: all.slice(0, 2), fallback: all });
    // Never certain (an exact status is counted with its class): every run with rows.
    const uncertain = counts.map((c) => ({ ...c, lower: 0 }));
    expect(pageWindow(uncertain, span, T0, 51, "desc")).toEqual({ window: all });
  });

  it("cuts the runs at the span's edges, and keeps the uncovered start as a run of its own", () => {
    const counts = [
      { hour: T0 + 5 * H, upper: 3, lower: 3 },
      { hour: T0 + 10 * H, upper: 100, lower: 100 },
    ];
    const span = { from: T0 + 30 * 60_000, to: T0 + 10 * H + 5 };
    expect(pageWindow(counts, span, T0 + 2 * H, 51, "desc")).toEqual({
      window: [
        { from: T0 + 30 * 60_000, to: T0 + 2 * H },
        { from: T0 + 5 * H, to: T0 + 6 * H },
        { from: T0 + 10 * H, to: T0 + 10 * H + 5 },
      ],
    });
  });

  it("answers 'no rows' for an empty span (a cursor at the range's end), whatever the counts", () => {
    const at = T0 + 72 * H - 19;
    expect(pageWindow([{ hour: T0 + 71 * H, upper: 1, lower: 0 }], { from: at, to: at }, T0, 1, "asc")).toBeNull();
  });

  it("never skips a row a page would show: property over random logs, spans and counts", () => {
    const hours = 72;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: hours * H - 1 }), { maxLength: 300 }),
        fc.integer({ min: 0, max: hours * H }),
        fc.integer({ min: 0, max: hours * H }),
        fc.integer({ min: 0, max: hours }),
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom("asc" as const, "desc" as const),
        fc.boolean(),
        fc.array(fc.integer({ min: 0, max: hours * H - 1 }), { maxLength: 20 }),
        (offsets, a, b, coveredHours, need, order, certain, lost) => {
          const rows = offsets.map((o) => T0 + o);
          const span = { from: T0 + Math.min(a, b), to: T0 + Math.max(a, b) };
          const coveredFrom = T0 + coveredHours * H;
          // Rollups before coveredFrom were purged; `lost` adds counts for rows no longer there (upper and lower
          // are then too high: the fallback must still find every row).
          const counts = countsOf([...rows, ...lost.map((o) => T0 + o)], certain).filter((c) => c.hour >= coveredFrom);
          const want = firstRows(rows, [span], need, order);
          const bounds = pageWindow(counts, span, coveredFrom, need, order);
          if (bounds === null) return want.length === 0;
          // A fallback only when the window leaves runs out.
          if (bounds.fallback) expect(bounds.fallback).not.toEqual(bounds.window);
          for (const runs of [bounds.window, bounds.fallback ?? bounds.window]) {
            if (runs.length === 0 || runs.some((r) => r.from < span.from || r.to > span.to || r.from >= r.to))
              return false;
            if (runs.some((r, i) => i > 0 && r.from <= runs[i - 1]!.to)) return false; // ordered, merged
          }
          const got = firstRows(rows, bounds.window, need, order);
          // With exact counts, the window alone holds the page: the fallback is for miscounts only.
          if (certain && lost.length === 0) expect(got).toEqual(want);
          const read = got.length < need && bounds.fallback ? firstRows(rows, bounds.fallback, need, order) : got;
          expect(read).toEqual(want);
          return true;
        },
      ),
      { numRuns: 20_000 },
    );
  });
});

import { afterAll, describe, expect, it } from "vitest";
import { logEntry } from "@/test/fixtures";
import { openLogDb, type LogDb } from "../db/log-db";
import { storeLogBatch } from "./log-store";
import type { LogEntry } from "./log-entry";
import { bucketIndex } from "./latency-histogram";

/**
 * Several instances writing the log at once on PostgreSQL: each writer has its own pool (as each instance has),
 * all write into the same rollup rows, and no count is lost; replaying every batch (a spool replayed after a
 * crash) changes nothing.
 */
const WRITERS = 4;
const BATCHES = 6;
const PER_BATCH = 250;
const T0 = Date.parse("2026-04-01T10:00:00.000Z");

const writers: LogDb[] = Array.from({ length: WRITERS }, () => openLogDb(process.env.DATABASE_URL!, { poolSize: 2 }));
afterAll(() => Promise.all(writers.map((w) => w.close())));

function batches(route: string): LogEntry[][] {
  const out: LogEntry[][] = [];
  for (let b = 0; b < WRITERS * BATCHES; b++) {
    out.push(
      Array.from({ length: PER_BATCH }, (_, i) =>
        logEntry({
          requestId: `req_conc_${route.length}_${b}_${i}`,
          // Two minutes, one hour, two keys, two status classes: every writer hits the same few rollup rows.
          timestamp: T0 + ((b + i) % 2) * 60_000 + i,
          apiKeyId: `key-${i % 2}`,
          ownerId: "owner-conc",
          route,
          status: i % 5 === 0 ? 500 : 200,
          latencyMs: 1 + ((b * PER_BATCH + i) % 97),
        }),
      ),
    );
  }
  return out;
}

/** Each writer stores its share of the batches, all writers at once. */
async function writeConcurrently(all: LogEntry[][]): Promise<number> {
  const counts = await Promise.all(
    writers.map(async (w, wi) => {
      let n = 0;
      for (let b = wi; b < all.length; b += WRITERS) n += await storeLogBatch(w, all[b]!);
      return n;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

async function rollupTotals(route: string) {
  const k = writers[0]!.kysely;
  return k
    .selectFrom("RequestRollup")
    .select((eb) => [
      "resolution",
      eb.fn.sum<number>("count").as("count"),
      eb.fn.max("latencyMaxMs").as("max"),
      eb.fn.sum<number>("latencySumMs").as("sum"),
      eb.fn.sum<number>("h0").as("h0"),
      eb.fn.sum<number>("h11").as("h11"),
    ])
    .where("route", "=", route)
    .groupBy("resolution")
    .orderBy("resolution")
    .execute();
}

describe("log writes on PostgreSQL", () => {
  it("several writers adding to the same rollup rows at once never lose a count", async () => {
    const route = "/api/v1/concurrent";
    const all = batches(route);
    const entries = all.flat();
    expect(await writeConcurrently(all)).toBe(entries.length);

    const totals = await rollupTotals(route);
    const max = Math.max(...entries.map((e) => e.latencyMs));
    const sum = entries.reduce((s, e) => s + e.latencyMs, 0);
    const h0 = entries.filter((e) => bucketIndex(e.latencyMs) === 0).length;
    const h11 = entries.filter((e) => bucketIndex(e.latencyMs) === 11).length;
    for (const resolution of ["hour", "minute"]) {
      const t = totals.find((r) => r.resolution === resolution)!;
      expect(Number(t.count)).toBe(entries.length);
      expect(Number(t.max)).toBe(max);
      expect(Number(t.sum)).toBeCloseTo(sum, 6);
      expect(Number(t.h0)).toBe(h0);
      expect(Number(t.h11)).toBe(h11);
    }
    const raw = await writers[0]!.kysely
      .selectFrom("RequestLog")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("route", "=", route)
      .executeTakeFirstOrThrow();
    expect(Number(raw.n)).toBe(entries.length);
  });

  it("replaying every batch at once (spools of crashed instances) stores and counts nothing twice", async () => {
    const route = "/api/v1/replayed";
    const all = batches(route);
    expect(await writeConcurrently(all)).toBe(all.flat().length);
    const before = await rollupTotals(route);
    expect(await writeConcurrently(all)).toBe(0);
    expect(await rollupTotals(route)).toEqual(before);
  });
});

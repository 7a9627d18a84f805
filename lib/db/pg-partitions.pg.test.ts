import pg from "pg";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import {
  DEFAULT_PARTITION,
  describeLogPartitioning,
  dropPartitionsBefore,
  ensurePartitions,
  listPartitions,
  partitionName,
  utcDay,
} from "./pg-partitions";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
pool.on("error", () => {}); // the run's database is dropped at the end, idle connections included
afterAll(() => pool.end());

const DAY = 86_400_000;
const D1 = new Date("2026-12-01T00:00:00.000Z");

/** Insert a log row the way the log writer does (a replay of the same entry is skipped). */
async function insertLog(requestId: string, at: Date): Promise<number> {
  const res = await pool.query(
    `INSERT INTO "RequestLog" ("id", "requestId", "timestamp", "method", "route", "path", "status", "statusClass", "latencyMs")
     VALUES ($1, $1, $2, 'GET', '/api/v1/inventory', '/api/v1/inventory', 200, '2xx', 1)
     ON CONFLICT ("timestamp", "id") DO NOTHING`,
    [requestId, at.toISOString().replace("T", " ").replace("Z", "")],
  );
  return res.rowCount ?? 0;
}

/** requestId -> the partition holding it. */
async function placement(): Promise<Record<string, string>> {
  const { rows } = await pool.query<{ requestId: string; part: string }>(
    `SELECT "requestId", tableoid::regclass::text AS part FROM "RequestLog"`,
  );
  return Object.fromEntries(rows.map((r) => [r.requestId, r.part.replace(/"/g, "")]));
}

beforeEach(async () => {
  await dropPartitionsBefore(pool, new Date("3000-01-01T00:00:00Z"));
  await pool.query(`DELETE FROM "RequestLog"`);
});

describe("the request log on PostgreSQL", () => {
  it("is range-partitioned by timestamp, with a DEFAULT partition", async () => {
    expect(await describeLogPartitioning(pool)).toEqual({
      strategy: "r",
      key: ["timestamp"],
      defaultPartition: DEFAULT_PARTITION,
    });
  });

  it("takes a row for a day no partition covers (DEFAULT), and skips a replayed entry", async () => {
    expect(await insertLog("req_a", D1)).toBe(1);
    expect(await insertLog("req_a", D1)).toBe(0);
    expect(await placement()).toEqual({ req_a: DEFAULT_PARTITION });
  });

  it("is read by Prisma as before (the keyset order and the timestamps survive the partitions)", async () => {
    await ensurePartitions(pool, D1, 2);
    await insertLog("req_1", new Date(D1.getTime() + 1));
    await insertLog("req_2", new Date(D1.getTime() + DAY + 5));
    await insertLog("req_3", new Date(D1.getTime() + 3 * DAY));
    const rows = await db().requestLog.findMany({ orderBy: [{ timestamp: "desc" }, { id: "desc" }] });
    expect(rows.map((r) => [r.requestId, r.timestamp.toISOString()])).toEqual([
      ["req_3", "2026-12-04T00:00:00.000Z"],
      ["req_2", "2026-12-02T00:00:00.005Z"],
      ["req_1", "2026-12-01T00:00:00.001Z"],
    ]);
  });
});

describe("ensurePartitions", () => {
  it("creates one partition per UTC day, and nothing the second time", async () => {
    const first = await ensurePartitions(pool, new Date("2026-12-01T17:30:00Z"), 3);
    expect(first).toEqual({
      created: ["RequestLog_p20261201", "RequestLog_p20261202", "RequestLog_p20261203"],
      movedRows: 0,
    });
    expect(await listPartitions(pool)).toEqual([
      { name: "RequestLog_p20261201", from: D1, to: new Date(D1.getTime() + DAY) },
      { name: "RequestLog_p20261202", from: new Date(D1.getTime() + DAY), to: new Date(D1.getTime() + 2 * DAY) },
      { name: "RequestLog_p20261203", from: new Date(D1.getTime() + 2 * DAY), to: new Date(D1.getTime() + 3 * DAY) },
    ]);
    expect(await ensurePartitions(pool, D1, 4)).toEqual({ created: ["RequestLog_p20261204"], movedRows: 0 });
  });

  it("gives each new day the status -> status class dependency statistics (exact-status filters' estimates)", async () => {
    await ensurePartitions(pool, D1, 1);
    const stats = async (table: string) =>
      (
        await pool.query<{ kinds: string[]; columns: string[] }>(
          `SELECT s.stxkind::text[] AS kinds,
             array(SELECT a.attname::text FROM unnest(s.stxkeys) k JOIN pg_attribute a
                     ON a.attrelid = s.stxrelid AND a.attnum = k ORDER BY a.attname) AS columns
           FROM pg_statistic_ext s WHERE s.stxrelid = $1::regclass`,
          [`"${table}"`],
        )
      ).rows;
    const dependency = [{ kinds: ["f"], columns: ["status", "statusClass"] }];
    expect(await stats("RequestLog")).toEqual(dependency);
    expect(await stats(partitionName(D1))).toEqual(dependency);
    // The partitions the migrations found (the DEFAULT one) got theirs too.
    expect(await stats(DEFAULT_PARTITION)).toEqual(dependency);
  });

  it("routes rows by day, to the millisecond at midnight", async () => {
    await ensurePartitions(pool, D1, 2);
    await insertLog("req_last", new Date(D1.getTime() + DAY - 1));
    await insertLog("req_first", new Date(D1.getTime() + DAY));
    await insertLog("req_before", new Date(D1.getTime() - 1));
    expect(await placement()).toEqual({
      req_last: "RequestLog_p20261201",
      req_first: "RequestLog_p20261202",
      req_before: DEFAULT_PARTITION,
    });
  });

  it("moves the DEFAULT partition's rows of a new day into it (PostgreSQL refuses the partition otherwise)", async () => {
    await insertLog("req_d1_a", new Date(D1.getTime() + 1000));
    await insertLog("req_d1_b", new Date(D1.getTime() + DAY - 1));
    await insertLog("req_d2", new Date(D1.getTime() + DAY));
    await insertLog("req_d5", new Date(D1.getTime() + 4 * DAY));
    expect(await ensurePartitions(pool, D1, 2)).toEqual({
      created: ["RequestLog_p20261201", "RequestLog_p20261202"],
      movedRows: 3,
    });
    expect(await placement()).toEqual({
      req_d1_a: "RequestLog_p20261201",
      req_d1_b: "RequestLog_p20261201",
      req_d2: "RequestLog_p20261202",
      req_d5: DEFAULT_PARTITION,
    });
    // The moved rows keep their uniqueness: a replay of one is still skipped.
    expect(await insertLog("req_d1_a", new Date(D1.getTime() + 1000))).toBe(0);
    // And the partition has the table's indexes.
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_indexes WHERE tablename = 'RequestLog_p20261201'`,
    );
    const parent = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_indexes WHERE tablename = 'RequestLog'`,
    );
    expect(rows[0]!.n).toBe(parent.rows[0]!.n);
  });

  it("is safe when several instances run it at once, while rows keep arriving", async () => {
    const writes = Array.from({ length: 40 }, (_, i) => insertLog(`req_c${i}`, new Date(D1.getTime() + i * 3_600_000)));
    const runs = Array.from({ length: 4 }, () => ensurePartitions(pool, D1, 3));
    const results = await Promise.all(runs);
    await Promise.all(writes);
    expect(results.flatMap((r) => r.created).sort()).toEqual([
      "RequestLog_p20261201",
      "RequestLog_p20261202",
      "RequestLog_p20261203",
    ]);
    const where = await placement();
    expect(Object.keys(where)).toHaveLength(40);
    // Every row of a covered day ended up in its day's partition, whichever came first.
    for (let i = 0; i < 40; i++) {
      const day = utcDay(new Date(D1.getTime() + i * 3_600_000));
      expect(where[`req_c${i}`]).toBe(day < new Date(D1.getTime() + 3 * DAY) ? partitionName(day) : DEFAULT_PARTITION);
    }
  });
  it("waits for a write in flight, then moves its row too", async () => {
    const writer = await pool.connect();
    try {
      await writer.query("BEGIN");
      await writer.query(
        `INSERT INTO "RequestLog" ("id", "requestId", "timestamp", "method", "route", "path", "status", "statusClass", "latencyMs")
         VALUES ('req_inflight', 'req_inflight', '2026-12-01 08:00:00', 'GET', '/', '/', 200, '2xx', 1)`,
      );
      const ensuring = ensurePartitions(pool, D1, 1);
      await new Promise((r) => setTimeout(r, 200));
      await writer.query("COMMIT");
      expect(await ensuring).toEqual({ created: ["RequestLog_p20261201"], movedRows: 1 });
    } finally {
      writer.release();
    }
    expect(await placement()).toEqual({ req_inflight: "RequestLog_p20261201" });
  });
});

describe("dropPartitionsBefore", () => {
  it("drops whole days that end by the cut-off, keeps the day it falls in, and purges old DEFAULT rows", async () => {
    await insertLog("req_old_default", new Date(D1.getTime() - 10 * DAY));
    await ensurePartitions(pool, D1, 3);
    await insertLog("req_d1", new Date(D1.getTime() + 5));
    await insertLog("req_d2", new Date(D1.getTime() + DAY + 5));
    await insertLog("req_d3", new Date(D1.getTime() + 2 * DAY + 5));
    const cutoff = new Date(D1.getTime() + DAY + 12 * 3_600_000); // midday of day 2
    expect(await dropPartitionsBefore(pool, cutoff)).toEqual({
      dropped: ["RequestLog_p20261201"],
      droppedRows: 1,
      deletedFromDefault: 1,
    });
    expect(await placement()).toEqual({ req_d2: "RequestLog_p20261202", req_d3: "RequestLog_p20261203" });
    expect((await listPartitions(pool)).map((p) => p.name)).toEqual(["RequestLog_p20261202", "RequestLog_p20261203"]);
    expect(await dropPartitionsBefore(pool, cutoff)).toEqual({ dropped: [], droppedRows: 0, deletedFromDefault: 0 });
  });
});

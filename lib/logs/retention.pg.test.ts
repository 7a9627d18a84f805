import { beforeEach, describe, expect, it } from "vitest";
import { logEntry } from "@/test/fixtures";
import { services } from "../services";
import { dropPartitionsBefore, ensurePartitions, listPartitions, partitionName } from "../db/pg-partitions";
import { ensureLogPartitions, PARTITION_DAYS_AHEAD, purgeExpiredLogs } from "./retention";

/** Retention on PostgreSQL: whole daily partitions are dropped; only the cut-off's own day is deleted row by row. */
const DAY = 86_400_000;
const NOW = new Date("2026-06-01T12:00:00.000Z");
const T = NOW.getTime();

function pool() {
  const logDb = services().logDb;
  if (logDb.dialect !== "postgresql") throw new Error("a PostgreSQL test");
  return logDb.pool;
}

async function partitionOf(requestIds: string[]): Promise<Record<string, string>> {
  const { rows } = await pool().query<{ requestId: string; part: string }>(
    `SELECT "requestId", tableoid::regclass::text AS part FROM "RequestLog" WHERE "requestId" = ANY($1)`,
    [requestIds],
  );
  return Object.fromEntries(rows.map((r) => [r.requestId, r.part.replace(/"/g, "")]));
}

beforeEach(async () => {
  await dropPartitionsBefore(pool(), new Date("3000-01-01T00:00:00Z"));
  await pool().query(`DELETE FROM "RequestLog"`);
});

describe("purgeExpiredLogs on PostgreSQL", () => {
  it("drops the partitions of days past retention and deletes only the rest of the cut-off's day", async () => {
    // Partitions for the 35 days up to today; the cut-off (30 days) falls at noon of its day.
    await ensurePartitions(pool(), new Date(T - 35 * DAY), 36);
    const ages = [DAY, 30 * DAY - 1, 30 * DAY, 30 * DAY + 1, 30 * DAY + 13 * 3_600_000, 33 * DAY, 40 * DAY];
    const entries = ages.map((age) => logEntry({ timestamp: T - age }));
    expect(await services().logStore.storeBatch(entries)).toBe(entries.length);
    const id = (age: number) => entries[ages.indexOf(age)]!.requestId;
    // The 40-day-old row predates every partition: it waits in the DEFAULT partition.
    expect(await partitionOf([id(40 * DAY), id(33 * DAY)])).toEqual({
      [id(40 * DAY)]: "RequestLog_default",
      [id(33 * DAY)]: partitionName(new Date(Date.parse("2026-04-29T00:00:00.000Z"))),
    });

    const result = await purgeExpiredLogs(NOW, { raw: 30, rollups: 400 });

    const left = await pool().query<{ requestId: string }>(`SELECT "requestId" FROM "RequestLog"`);
    expect(new Set(left.rows.map((r) => r.requestId))).toEqual(new Set([id(DAY), id(30 * DAY - 1), id(30 * DAY)]));
    expect(result).toEqual({ raw: 4, rollups: 0 });
    // Days ending by the cut-off are gone as tables; the cut-off's day (2026-05-02) and later stay.
    const names = (await listPartitions(pool())).map((p) => p.name);
    expect(names[0]).toBe("RequestLog_p20260502");
    expect(names).not.toContain("RequestLog_p20260501");
    expect(names).toContain("RequestLog_p20260601");
  });

  it("the maintenance step keeps a week of daily partitions ahead, and is idempotent", async () => {
    const created = await ensureLogPartitions(NOW);
    expect(created).toHaveLength(PARTITION_DAYS_AHEAD);
    expect(created[0]).toBe("RequestLog_p20260601");
    expect(await ensureLogPartitions(NOW)).toEqual([]);
    const stored = logEntry({ timestamp: T + 3 * DAY });
    await services().logStore.storeBatch([stored]);
    expect(await partitionOf([stored.requestId])).toEqual({ [stored.requestId]: "RequestLog_p20260604" });
  });
});

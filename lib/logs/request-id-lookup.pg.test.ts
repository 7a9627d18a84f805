import { beforeAll, describe, expect, it } from "vitest";
import { services } from "../services";
import type { PostgresLogDb } from "../db/log-db";
import { ensurePartitions } from "../db/pg-partitions";
import { newRequestId } from "../http/request-id";
import { requestIdWhere } from "./log-filter";

// Three daily partitions around DAY (this file has its own database, test/setup-file.ts).
const DAY = Date.UTC(2031, 2, 10);
const D = 86_400_000;
const logDb = () => services().logDb as PostgresLogDb;

/** The scans of the lookup's plan that read the request log (a partition or one of its indexes). */
async function logScans(requestId: string): Promise<{ scans: string[]; plan: string }> {
  const query = logDb()
    .kysely.selectFrom("RequestLog")
    .select("requestId")
    .where((eb) => requestIdWhere(eb, requestId, (ms) => logDb().time(ms)))
    .compile();
  const client = await logDb().pool.connect();
  try {
    await client.query("BEGIN");
    // The partitions are empty, so a plain plan would read them whole: ask which index can serve the lookup.
    await client.query("SET LOCAL enable_seqscan = off");
    const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${query.sql}`, [...query.parameters]);
    await client.query("ROLLBACK");
    const lines = rows.map((r) => r["QUERY PLAN"]);
    return { scans: lines.filter((l) => / on "RequestLog/.test(l)), plan: lines.join("\n") };
  } finally {
    client.release();
  }
}

beforeAll(async () => {
  await ensurePartitions(logDb().pool, new Date(DAY - D), 3);
});

describe("finding a request by id without a request-id index (PostgreSQL)", () => {
  it("an issued id reads one partition (its day's), through its primary key", async () => {
    const { scans, plan } = await logScans(newRequestId(DAY + 12 * 3_600_000));
    expect(scans, plan).toHaveLength(1);
    expect(scans[0], plan).toMatch(/Index (Only )?Scan using "?RequestLog_p20310310\w*_pkey"?/);
  });

  it("an id of another shape was never issued: the lookup reads nothing at all", async () => {
    const { scans, plan } = await logScans("req_hand_made");
    expect(scans, plan).toEqual([]);
    expect(plan).toMatch(/One-Time Filter: false/);
  });

  it("the request log has no request-id index left to maintain on every insert", async () => {
    // pg_indexes lists the parent table's indexes (each partition has its own copies).
    const { rows } = await logDb().pool.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE tablename = 'RequestLog'`,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.indexdef.includes('"requestId"'))).toEqual([]);
  });
});

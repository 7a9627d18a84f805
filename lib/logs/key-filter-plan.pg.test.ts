import { beforeAll, describe, expect, it } from "vitest";
import { services } from "../services";
import type { PostgresLogDb } from "../db/log-db";
import { ensurePartitions } from "../db/pg-partitions";
import { logEntry, logFilterOver } from "@/test/fixtures";
import { keyRowsWhere, logRowWhere, type ResolvedLogFilter } from "./log-filter";
import { storeLogBatch } from "./log-store";

// Three daily partitions (this file has its own database, test/setup-file.ts): a busy key's traffic all day on
// DAY, and a quiet key's three requests early that day.
const DAY = Date.UTC(2031, 4, 10);
const D = 86_400_000;
const OWNER = "owner-of-both";
const BUSY = "kw_live_busyBusyBusyBusy";
const QUIET = "kw_live_quietQuietQuiet1";
const logDb = () => services().logDb as PostgresLogDb;

/** A query's plan, and its scan of DAY's partition (the empty partitions around it are read whole: nothing to read). */
async function planOf(query: { sql: string; parameters: readonly unknown[] }) {
  const { rows } = await logDb().pool.query<{ "QUERY PLAN": string }>(`EXPLAIN ${query.sql}`, [...query.parameters]);
  const lines = rows.map((r) => r["QUERY PLAN"]);
  return { scan: lines.find((l) => / on "RequestLog_p20310510"/.test(l)), plan: lines.join("\n") };
}

/** The plan of a log page's query (as queryLogs builds it), and its scan of DAY's partition. */
async function pagePlan(over: Partial<ResolvedLogFilter>): Promise<{ scan: string | undefined; plan: string }> {
  const filter = logFilterOver({ from: new Date(DAY - D), to: new Date(DAY + 2 * D) }, over);
  const query = logDb()
    .kysely.selectFrom("RequestLog")
    .select(["id", "timestamp"])
    .where(logRowWhere(filter, (ms) => logDb().time(ms)))
    .orderBy("timestamp", "desc")
    .orderBy("id", "desc")
    .limit(51)
    .compile();
  return planOf(query);
}

beforeAll(async () => {
  await ensurePartitions(logDb().pool, new Date(DAY - D), 3);
  const busy = Array.from({ length: 40_000 }, (_, i) =>
    logEntry({ timestamp: DAY + 3 * 3_600_000 + i * 1_000, keyId: BUSY, apiKeyId: "busy", ownerId: OWNER }),
  );
  const quiet = Array.from({ length: 3 }, (_, i) =>
    logEntry({ timestamp: DAY + 60_000 * (i + 1), keyId: QUIET, apiKeyId: "quiet", ownerId: OWNER }),
  );
  await storeLogBatch(logDb(), [...quiet, ...busy]);
  await logDb().pool.query(`ANALYZE "RequestLog"`);
}, 60_000);

describe("the log page of one key (PostgreSQL)", () => {
  // Without an index on the public key id, a quiet key's page read every row of the range, newest first, to find
  // its few rows: 3.1–3.5 s at 10,000,000 rows (BENCHMARKS.md section 8f).
  it.each([
    ["support staff, across all users", null],
    ["its owner", OWNER],
  ])("a quiet key's page, for %s, reads the key's own index, not the whole range", async (_who, owner) => {
    const { scan, plan } = await pagePlan({ keyIds: [QUIET], owner });
    expect(scan, plan).toMatch(/Index Scan( Backward)? using "?RequestLog_p20310510_keyId_timestamp_idx"?/);
  });

  it("a key page's counts (grace use, use since a replacement, spike baselines) read the key's index", async () => {
    const query = logDb()
      .kysely.selectFrom("RequestLog")
      .select((eb) => eb.fn.countAll().as("n"))
      .where(keyRowsWhere([{ id: "quiet", keyId: QUIET }]))
      .where("timestamp", ">=", logDb().time(DAY - D))
      .compile();
    const { scan, plan } = await planOf(query);
    expect(scan, plan).toMatch(/Index (Only )?Scan( Backward)? using "?RequestLog_p20310510_keyId_timestamp_idx"?/);
  });
});

describe("a log page filtered by status (PostgreSQL)", () => {
  // Without an index that leads with the status, a status that matches few rows or none read every row of the
  // range, newest first: about 1 s for "409" at 10,000,000 rows (BENCHMARKS.md section 8g). Every row here is a 200.
  it.each<[string, Partial<ResolvedLogFilter>]>([
    ["an exact status, support staff", { statuses: [409] }],
    ["an exact status, its owner", { statuses: [409], owner: OWNER }],
    ["a status class (as its status range), support staff", { statusClasses: ["5xx"] }],
    ["a status class, its owner", { statusClasses: ["4xx"], owner: OWNER }],
  ])("%s: reads the status index", async (_what, over) => {
    const { scan, plan } = await pagePlan(over);
    expect(scan, plan).toMatch(/(Bitmap )?Index Scan( Backward)? using "?RequestLog_p20310510_status_timestamp_idx"?/);
  });
});

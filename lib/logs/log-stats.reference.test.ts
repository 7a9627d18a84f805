import fc from "fast-check";
import { beforeAll, describe, expect, it, test } from "vitest";
import { keyLogIdentity, logEntry, makeKey, makeUser, type UserActor } from "@/test/fixtures";
import { HIST_COLUMNS, toDate } from "../db/log-db";
import { parseOrThrow } from "../errors";
import { services } from "../services";
import { bucketStart, granularityFor, rollupWindow, type Granularity } from "./granularity";
import { BOUNDS_MS, BUCKET_COUNT, bucketIndex } from "./latency-histogram";
import { statusClass, type LogEntry } from "./log-entry";
import { resolveLogFilter, rollupWhere, type ResolvedLogFilter } from "./log-filter";
import { logFilterInput } from "./log-query-input";
import { logStats, statsOf, type LogStats, type StatGroups } from "./log-stats";

/**
 * The charts are summed by the database: raw rows (an exact status, an error code, …) by a GROUP BY over the
 * matching rows, rollups by one GROUPING SETS scan on PostgreSQL. Before, raw rows were read one by one and folded
 * in Node, and rollups were read by three GROUP BY queries. Those previous readings are kept here as the
 * reference: for many filters, actors and ranges, on whichever database the suite runs, the charts, totals, top
 * keys and top endpoints are the same numbers (the average latency to rounding: floating-point sums in another
 * order).
 */
const M = 60_000;
const H = 3_600_000;
const D = 86_400_000;
const NOW = new Date("2026-06-01T12:00:00.000Z");
const T = NOW.getTime();

const STATUSES = [200, 201, 204, 301, 304, 400, 401, 403, 404, 429, 500, 503] as const;
const ROUTES = [
  ["GET", "/api/v1/inventory"],
  ["POST", "/api/v1/offers"],
  ["GET", "/api/v1/offers/{id}"],
  ["DELETE", "/api/v1/offers/{id}"],
] as const;
// Every histogram bound itself (a latency on a bound belongs to the bucket below it), and values between.
const LATENCIES = [0, 0.5, ...BOUNDS_MS.filter(Number.isFinite), 2500.001, 4321.5] as const;

let alice: UserActor;
let bob: UserActor;
let support: UserActor;
let carol: UserActor;
const rows: LogEntry[] = [];

beforeAll(async () => {
  alice = await makeUser();
  bob = await makeUser();
  support = await makeUser("support");
  carol = await makeUser();
  // Twelve keys for alice: the top-ten cut falls among them.
  const aliceKeys = [];
  for (let i = 0; i < 12; i++)
    aliceKeys.push(await keyLogIdentity(await makeKey(alice, { name: `Alice ${i}`, partner: `P${i % 3}` })));
  const bobKeys = [await keyLogIdentity(await makeKey(bob, { name: "Bob", partner: "Gamma" }))];
  const unknown = { keyId: "kw_live_unknown000000000000" };

  const drawn = fc.sample(
    fc.record({
      who: fc.constantFrom("alice", "alice", "alice", "bob", "unknown"),
      key: fc.integer({ min: 0, max: 11 }),
      // Over 35 days, some on a chart-bucket edge (whole 15 minutes), some after `now`.
      at: fc.oneof(
        fc.integer({ min: -35 * D, max: H }),
        fc.integer({ min: -35 * 96, max: 0 }).map((q) => q * 15 * M),
      ),
      route: fc.constantFrom(...ROUTES),
      status: fc.constantFrom(...STATUSES),
      latency: fc.oneof(
        fc.constantFrom(...LATENCIES),
        fc.integer({ min: 0, max: 3_000_000 }).map((us) => us / 1000),
      ),
    }),
    { seed: 4242, numRuns: 2500 },
  );
  for (const d of drawn) {
    const identity = d.who === "alice" ? aliceKeys[d.key]! : d.who === "bob" ? bobKeys[0]! : unknown;
    rows.push(
      logEntry({
        ...identity,
        timestamp: T + d.at,
        method: d.route[0],
        route: d.route[1],
        path: d.route[1],
        status: d.status,
        latencyMs: d.latency,
        environment: d.who === "unknown" ? null : "live",
      }),
    );
  }
  // A burst for one key on one 403: the top-ten order is not all ties.
  for (let i = 0; i < 40; i++)
    rows.push(logEntry({ ...aliceKeys[3]!, timestamp: T - 5 * H + i * 1000, status: 403, latencyMs: 7.25 }));
  expect(await services().logStore.storeBatch(rows)).toBe(rows.length);
});

// ---- The previous readings, as they were before the database summed the charts. ----

const HIST_FIELDS = HIST_COLUMNS;
const num = (v: unknown) => Number(v ?? 0);

/** Rollups, three GROUP BY queries (one per grouping). */
async function previousFromRollups(r: ResolvedLogFilter, g: Granularity): Promise<StatGroups> {
  const window = rollupWindow(r.range, g);
  const logDb = services().logDb;
  const base = logDb.kysely.selectFrom("RequestRollup").where(rollupWhere(r, g.source, window, (ms) => logDb.time(ms)));
  const sums = base.select((eb) => [
    eb.fn.sum<number>("count").as("count"),
    eb.fn.sum<number>("latencySumMs").as("latencySum"),
    eb.fn.max("latencyMaxMs").as("latencyMax"),
    ...HIST_FIELDS.map((h) => eb.fn.sum<number>(h).as(h)),
  ]);
  const [byTime, byKey, byEndpoint] = await Promise.all([
    sums.select(["bucketStart", "statusClass"]).groupBy(["bucketStart", "statusClass"]).execute(),
    base
      .select((eb) => ["apiKeyId", "statusClass", eb.fn.sum<number>("count").as("count")])
      .groupBy(["apiKeyId", "statusClass"])
      .execute(),
    sums.select(["route", "method", "statusClass"]).groupBy(["route", "method", "statusClass"]).execute(),
  ]);
  const histOf = (s: Record<string, unknown>) => HIST_FIELDS.map((h) => num(s[h]));
  return {
    time: byTime.map((row) => ({
      key: String(bucketStart(toDate(row.bucketStart).getTime(), g.size)),
      cls: row.statusClass,
      count: num(row.count),
      latencySum: num(row.latencySum),
      latencyMax: num(row.latencyMax),
      hist: histOf(row),
    })),
    keys: byKey.map((row) => ({
      key: row.apiKeyId,
      cls: row.statusClass,
      count: num(row.count),
      latencySum: 0,
      latencyMax: 0,
      hist: [],
    })),
    endpoints: byEndpoint.map((row) => ({
      key: `${row.method} ${row.route}`,
      cls: row.statusClass,
      count: num(row.count),
      latencySum: num(row.latencySum),
      latencyMax: num(row.latencyMax),
      hist: histOf(row),
    })),
    keyIdentity: "apiKeyId",
  };
}

type StoredRow = {
  timestamp: Date | string;
  ownerId: string | null;
  environment: string | null;
  keyId: string | null;
  method: string;
  route: string;
  status: number;
  latencyMs: number;
};

/** The filter's meaning, without SQL (the filters these tests use). */
function matches(e: StoredRow, f: ResolvedLogFilter): boolean {
  if (f.owner === "nobody") return false;
  if (f.owner !== null && e.ownerId !== f.owner) return false;
  if (f.environment && e.environment !== f.environment) return false;
  if (f.keyIds.length && !f.keyIds.includes(e.keyId!)) return false;
  if (f.methods.length && !f.methods.includes(e.method)) return false;
  if (f.routes.length && !f.routes.includes(e.route)) return false;
  if (f.statusClasses.length || f.statuses.length)
    return f.statusClasses.includes(statusClass(e.status)) || f.statuses.includes(e.status);
  return true;
}

/** Raw rows read one by one, newest first, and folded in Node (one-request groups). */
async function previousFromRaw(r: ResolvedLogFilter, g: Granularity): Promise<StatGroups> {
  expect(r.requestId ?? r.errorCode ?? r.partners.length).toBeFalsy();
  const logDb = services().logDb;
  const stored = await logDb.kysely
    .selectFrom("RequestLog")
    .select(["timestamp", "ownerId", "environment", "keyId", "method", "route", "status", "latencyMs"])
    .where("timestamp", ">=", logDb.time(r.range.from.getTime()))
    .where("timestamp", "<", logDb.time(r.range.to.getTime()))
    .orderBy("timestamp", "desc")
    .execute();
  const one = (latency: number) => {
    const hist = new Array<number>(BUCKET_COUNT).fill(0);
    hist[bucketIndex(latency)] = 1;
    return hist;
  };
  const data: StatGroups = { time: [], keys: [], endpoints: [], keyIdentity: "keyId" };
  for (const row of stored.filter((e) => matches(e, r))) {
    const cls = statusClass(row.status);
    const hist = one(row.latencyMs);
    const latency = { count: 1, latencySum: row.latencyMs, latencyMax: row.latencyMs, hist };
    data.time.push({ key: String(bucketStart(toDate(row.timestamp).getTime(), g.size)), cls, ...latency });
    data.keys.push({ key: row.keyId ?? "", cls, count: 1, latencySum: 0, latencyMax: 0, hist: [] });
    data.endpoints.push({ key: `${row.method} ${row.route}`, cls, ...latency });
  }
  return data;
}

async function previousReading(actor: UserActor, input: object, now: Date): Promise<LogStats> {
  const r = await resolveLogFilter(actor, parseOrThrow(logFilterInput, input, "query"), now);
  const g = granularityFor(r.range);
  const raw = r.statuses.length > 0 || r.environment !== null;
  return statsOf(r.range, g, raw ? "raw" : "rollups", await (raw ? previousFromRaw : previousFromRollups)(r, g));
}

/** The same numbers; the average latency to rounding (sums of floats in another order). */
function expectSameNumbers(actual: LogStats, reference: LogStats) {
  const { avgLatencyMs, ...totals } = actual.totals;
  const { avgLatencyMs: refAvg, ...refTotals } = reference.totals;
  expect({ ...actual, totals }).toEqual({ ...reference, totals: refTotals });
  if (refAvg === null) expect(avgLatencyMs).toBeNull();
  else expect(avgLatencyMs).toBeCloseTo(refAvg, 9);
}

const actors = () => ({ alice, bob, support, carol });

describe("charts summed by the database give the previous readings' numbers", () => {
  test.each([
    ["24h", "alice", "403"],
    ["24h", "support", "403"],
    ["7d", "alice", "403"],
    ["30d", "alice", "403"],
    ["30d", "support", "403,500"],
    ["24h", "alice", "403,404,429"],
    ["7d", "alice", "2xx,429"],
    ["24h", "bob", "200,401,503"],
    ["24h", "carol", "403"],
  ] as const)("exact statuses, raw rows (%s, %s, status %s)", async (range, who, status) => {
    const actor = actors()[who];
    const input = { range, status };
    const now = await logStats(actor, input, NOW);
    expect(now.source).toBe("raw");
    const before = await previousReading(actor, input, NOW);
    if (who !== "carol") expect(before.totals.requests, "the case must select rows").toBeGreaterThan(0);
    expectSameNumbers(now, before);
  });

  it("exact statuses with a key, a route or a method, at an unaligned now", async () => {
    const keyId = rows.find((e) => e.ownerId === alice.userId)!.keyId!;
    const unaligned = new Date(T - 7 * M - 30_500);
    for (const extra of [{ keyId }, { route: "/api/v1/offers/{id}" }, { method: "POST" }]) {
      for (const now of [NOW, unaligned]) {
        const input = { range: "7d", status: "403,201", ...extra };
        const before = await previousReading(alice, input, now);
        expect(before.totals.requests).toBeGreaterThan(0);
        expectSameNumbers(await logStats(alice, input, now), before);
      }
    }
  });

  test.each(["24h", "7d", "30d"] as const)("the support overview, all users (%s), from rollups", async (range) => {
    const now = await logStats(support, { range }, NOW);
    expect(now.source).toBe("rollups");
    const before = await previousReading(support, { range }, NOW);
    expect(before.totals.requests).toBeGreaterThan(300);
    // The top-ten cut of keys falls among alice's twelve.
    expect(before.topKeys).toHaveLength(10);
    expectSameNumbers(now, before);
  });

  test.each([
    ["alice", { range: "30d" }],
    ["alice", { range: "24h", status: "4xx" }],
    ["bob", { range: "7d" }],
    ["support", { range: "7d", status: "5xx,2xx", method: "GET" }],
    ["carol", { range: "30d" }],
  ] as const)("rollups for %s %o", async (who, input) => {
    const actor = actors()[who];
    const now = await logStats(actor, input, NOW);
    expect(now.source).toBe("rollups");
    expectSameNumbers(now, await previousReading(actor, input, NOW));
  });
});

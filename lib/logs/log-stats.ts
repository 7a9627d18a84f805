import "server-only";
import { db } from "../db";
import { services } from "../services";
import { HIST_COLUMNS, toDate } from "../db/log-db";
import { parseOrThrow } from "../errors";
import type { Actor } from "../auth/actor";
import { logFilterInput } from "./log-query-input";
import { STATUS_FILTERS } from "./log-vocabulary";
import { bucketIndex, BUCKET_COUNT, quantileFromHistogram } from "./latency-histogram";
import { bucketStart, bucketStarts, granularityFor, rollupWindow, type Granularity } from "./granularity";
import { logRowWhere, resolveLogFilter, rollupsCanAnswer, rollupWhere, type ResolvedLogFilter } from "./log-filter";
import { statusClass } from "./log-entry";
import { rangeOut, type ResolvedRange } from "./query-logs";

type StatusClass = (typeof STATUS_FILTERS)[number];

export type SeriesPoint = { t: string } & Record<StatusClass, number> & {
    total: number;
    p50: number | null;
    p95: number | null;
  };

export type LogStats = {
  range: ResolvedRange;
  bucketMs: number;
  source: "rollups" | "raw";
  series: SeriesPoint[];
  totals: {
    requests: number;
    errors: number;
    errorRate: number;
    clientErrors: number;
    serverErrors: number;
    p50: number | null;
    p95: number | null;
    avgLatencyMs: number | null;
  };
  topKeys: { keyId: string | null; keyName: string | null; partner: string | null; requests: number; errors: number }[];
  topEndpoints: { method: string; route: string; requests: number; errors: number; p95: number | null }[];
};

type Agg = { count: number; latencySum: number; latencyMax: number; hist: number[]; byClass: Record<string, number> };
const emptyAgg = (): Agg => ({
  count: 0,
  latencySum: 0,
  latencyMax: 0,
  hist: new Array<number>(BUCKET_COUNT).fill(0),
  byClass: {},
});

function addInto(
  agg: Agg,
  cls: string,
  count: number,
  latencySum: number,
  latencyMax: number,
  hist: readonly number[],
) {
  agg.count += count;
  agg.latencySum += latencySum;
  agg.latencyMax = Math.max(agg.latencyMax, latencyMax);
  agg.byClass[cls] = (agg.byClass[cls] ?? 0) + count;
  for (let i = 0; i < BUCKET_COUNT; i++) agg.hist[i]! += hist[i] ?? 0;
}

const errorsOf = (a: Agg) => (a.byClass["4xx"] ?? 0) + (a.byClass["5xx"] ?? 0);

const HIST_FIELDS = HIST_COLUMNS;

type Grouped = { key: string; cls: string; count: number; latencySum: number; latencyMax: number; hist: number[] };

const num = (v: unknown) => Number(v ?? 0);

async function fromRollups(r: ResolvedLogFilter, g: Granularity) {
  const window = rollupWindow(r.range, g);
  const logDb = services().logDb;
  const base = logDb.kysely.selectFrom("RequestRollup").where(rollupWhere(r, g.source, window, (ms) => logDb.time(ms)));
  // Sums come back as numbers (SQLite) or numeric text (PostgreSQL's bigint sums): num() reads both.
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
  const time: Grouped[] = byTime.map((row) => ({
    key: String(bucketStart(toDate(row.bucketStart).getTime(), g.size)),
    cls: row.statusClass,
    count: num(row.count),
    latencySum: num(row.latencySum),
    latencyMax: num(row.latencyMax),
    hist: histOf(row),
  }));
  const keys: Grouped[] = byKey.map((row) => ({
    key: row.apiKeyId,
    cls: row.statusClass,
    count: num(row.count),
    latencySum: 0,
    latencyMax: 0,
    hist: [],
  }));
  const endpoints: Grouped[] = byEndpoint.map((row) => ({
    key: `${row.method} ${row.route}`,
    cls: row.statusClass,
    count: num(row.count),
    latencySum: num(row.latencySum),
    latencyMax: num(row.latencyMax),
    hist: histOf(row),
  }));
  return { time, keys, endpoints, keyIdentity: "apiKeyId" as const };
}

/** Fine filters (exact status, request id, error code) read raw rows, capped so a chart cannot run away. */
const RAW_STATS_CAP = 200_000;

async function fromRaw(r: ResolvedLogFilter, g: Granularity) {
  const logDb = services().logDb;
  const rows = await logDb.kysely
    .selectFrom("RequestLog")
    .select(["timestamp", "status", "latencyMs", "keyId", "route", "method"])
    .where(logRowWhere(r, (ms) => logDb.time(ms)))
    .orderBy("timestamp", "desc")
    .limit(RAW_STATS_CAP)
    .execute();
  const one = (latency: number) => {
    const hist = new Array<number>(BUCKET_COUNT).fill(0);
    hist[bucketIndex(latency)] = 1;
    return hist;
  };
  const time: Grouped[] = [];
  const keys: Grouped[] = [];
  const endpoints: Grouped[] = [];
  for (const r of rows) {
    const cls = statusClass(r.status);
    const hist = one(r.latencyMs);
    time.push({
      key: String(bucketStart(toDate(r.timestamp).getTime(), g.size)),
      cls,
      count: 1,
      latencySum: r.latencyMs,
      latencyMax: r.latencyMs,
      hist,
    });
    keys.push({ key: r.keyId ?? "", cls, count: 1, latencySum: 0, latencyMax: 0, hist: [] });
    endpoints.push({
      key: `${r.method} ${r.route}`,
      cls,
      count: 1,
      latencySum: r.latencyMs,
      latencyMax: r.latencyMs,
      hist,
    });
  }
  return { time, keys, endpoints, keyIdentity: "keyId" as const };
}

function fold(groups: Grouped[]): Map<string, Agg> {
  const out = new Map<string, Agg>();
  for (const g of groups) {
    let agg = out.get(g.key);
    if (!agg) out.set(g.key, (agg = emptyAgg()));
    addInto(agg, g.cls, g.count, g.latencySum, g.latencyMax, g.hist);
  }
  return out;
}

/** Charts and totals for a filtered view of the log: from rollups whenever the filters allow. */
export async function logStats(actor: Actor, input: unknown, now = new Date()): Promise<LogStats> {
  const f = parseOrThrow(logFilterInput, input, "query");
  const resolved = await resolveLogFilter(actor, f, now);
  const range = resolved.range;
  const g = granularityFor(range);
  const source = rollupsCanAnswer(resolved) ? "rollups" : "raw";
  const data = source === "rollups" ? await fromRollups(resolved, g) : await fromRaw(resolved, g);

  const byTime = fold(data.time);
  const total = emptyAgg();
  for (const a of byTime.values()) for (const [cls, n] of Object.entries(a.byClass)) addInto(total, cls, n, 0, 0, []);
  for (const a of byTime.values()) {
    total.latencySum += a.latencySum;
    total.latencyMax = Math.max(total.latencyMax, a.latencyMax);
    for (let i = 0; i < BUCKET_COUNT; i++) total.hist[i]! += a.hist[i]!;
  }

  const series: SeriesPoint[] = bucketStarts(range, g.size).map((t) => {
    const a = byTime.get(String(t)) ?? emptyAgg();
    return {
      t: new Date(t).toISOString(),
      "2xx": a.byClass["2xx"] ?? 0,
      "3xx": a.byClass["3xx"] ?? 0,
      "4xx": a.byClass["4xx"] ?? 0,
      "5xx": a.byClass["5xx"] ?? 0,
      total: a.count,
      p50: quantileFromHistogram(a.hist, 0.5, a.latencyMax),
      p95: quantileFromHistogram(a.hist, 0.95, a.latencyMax),
    };
  });

  const keyAggs = [...fold(data.keys)].sort((a, b) => b[1].count - a[1].count).slice(0, 10);
  const keyRows = await db().apiKey.findMany({
    where:
      data.keyIdentity === "apiKeyId"
        ? { id: { in: keyAggs.map(([k]) => k) } }
        : { keyId: { in: keyAggs.map(([k]) => k) } },
    select: { id: true, keyId: true, name: true, partner: { select: { name: true } } },
  });
  const keyInfo = new Map(keyRows.map((k) => [data.keyIdentity === "apiKeyId" ? k.id : k.keyId, k]));

  const endpointAggs = [...fold(data.endpoints)].sort((a, b) => b[1].count - a[1].count).slice(0, 10);

  return {
    range: rangeOut(range),
    bucketMs: g.size,
    source,
    series,
    totals: {
      requests: total.count,
      errors: errorsOf(total),
      clientErrors: total.byClass["4xx"] ?? 0,
      serverErrors: total.byClass["5xx"] ?? 0,
      errorRate: total.count ? errorsOf(total) / total.count : 0,
      p50: quantileFromHistogram(total.hist, 0.5, total.latencyMax),
      p95: quantileFromHistogram(total.hist, 0.95, total.latencyMax),
      avgLatencyMs: total.count ? total.latencySum / total.count : null,
    },
    topKeys: keyAggs.map(([k, a]) => {
      const info = keyInfo.get(k);
      return {
        keyId: info?.keyId ?? (data.keyIdentity === "keyId" && k ? k : null),
        keyName: info?.name ?? null,
        partner: info?.partner?.name ?? null,
        requests: a.count,
        errors: errorsOf(a),
      };
    }),
    topEndpoints: endpointAggs.map(([k, a]) => {
      const [method, ...rest] = k.split(" ");
      return {
        method: method!,
        route: rest.join(" "),
        requests: a.count,
        errors: errorsOf(a),
        p95: quantileFromHistogram(a.hist, 0.95, a.latencyMax),
      };
    }),
  };
}

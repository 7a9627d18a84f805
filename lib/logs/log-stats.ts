import "server-only";
import { db, type Prisma } from "../db";
import { parseOrThrow } from "../errors";
import type { Actor } from "../auth/actor";
import { logFilterInput } from "./log-query-input";
import { STATUS_FILTERS } from "./log-vocabulary";
import type { TimeRange } from "./time-range";
import { bucketIndex, BUCKET_COUNT, quantileFromHistogram } from "./latency-histogram";
import { bucketStart, bucketStarts, granularityFor, rollupWindow, type Granularity } from "./granularity";
import { prismaLogWhere, rangeOut, resolveLogFilter, type ResolvedLogFilter, type ResolvedRange } from "./query-logs";
import { statusClass } from "./log-entry";

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

/**
 * Rollups can answer filters on key, partner, route, method and status class; anything finer needs raw rows.
 * They carry no environment either, so a sandbox (test key) reader gets the raw, environment-filtered path.
 */
function rollupsCanAnswer(r: ResolvedLogFilter): boolean {
  return !r.requestId && !r.errorCode && r.statuses.length === 0 && r.environment === null;
}

const HIST_FIELDS = Array.from({ length: BUCKET_COUNT }, (_, i) => `h${i}` as const);

async function rollupWhere(
  r: ResolvedLogFilter,
  g: Granularity,
  window: TimeRange,
): Promise<Prisma.RequestRollupWhereInput> {
  const and: Prisma.RequestRollupWhereInput[] = [
    { resolution: g.source, bucketStart: { gte: window.from, lt: window.to } },
  ];
  if (r.owner === "nobody") and.push({ ownerId: "__nobody__" });
  else if (r.owner) and.push({ ownerId: r.owner });
  if (r.keyIds.length) {
    // Rollups are keyed by the internal key id; the filter names public ids (and only the owner's count).
    const owner = r.owner === "nobody" ? "__nobody__" : r.owner;
    const keys = await db().apiKey.findMany({
      where: { keyId: { in: r.keyIds }, ...(owner ? { ownerId: owner } : {}) },
      select: { id: true },
    });
    and.push({ apiKeyId: { in: keys.map((k) => k.id) } });
  }
  if (r.partners.length) and.push({ partner: { in: r.partners } });
  if (r.routes.length) and.push({ route: { in: r.routes } });
  if (r.methods.length) and.push({ method: { in: r.methods } });
  if (r.statusClasses.length) and.push({ statusClass: { in: r.statusClasses } });
  return { AND: and };
}

type Grouped = { key: string; cls: string; count: number; latencySum: number; latencyMax: number; hist: number[] };

async function fromRollups(r: ResolvedLogFilter, g: Granularity) {
  const window = rollupWindow(r.range, g);
  const where = await rollupWhere(r, g, window);
  const sums = {
    count: true,
    latencySumMs: true,
    ...Object.fromEntries(HIST_FIELDS.map((h) => [h, true])),
  } as Prisma.RequestRollupSumAggregateInputType;
  const [byTime, byKey, byEndpoint] = await Promise.all([
    db().requestRollup.groupBy({ by: ["bucketStart", "statusClass"], where, _sum: sums, _max: { latencyMaxMs: true } }),
    db().requestRollup.groupBy({ by: ["apiKeyId", "statusClass"], where, _sum: { count: true } }),
    db().requestRollup.groupBy({
      by: ["route", "method", "statusClass"],
      where,
      _sum: sums,
      _max: { latencyMaxMs: true },
    }),
  ]);
  const histOf = (s: Record<string, number | null> | null) => HIST_FIELDS.map((h) => s?.[h] ?? 0);
  const time: Grouped[] = byTime.map((r) => ({
    key: String(bucketStart(r.bucketStart.getTime(), g.size)),
    cls: r.statusClass,
    count: r._sum.count ?? 0,
    latencySum: r._sum.latencySumMs ?? 0,
    latencyMax: r._max.latencyMaxMs ?? 0,
    hist: histOf(r._sum as Record<string, number | null>),
  }));
  const keys: Grouped[] = byKey.map((r) => ({
    key: r.apiKeyId,
    cls: r.statusClass,
    count: r._sum.count ?? 0,
    latencySum: 0,
    latencyMax: 0,
    hist: [],
  }));
  const endpoints: Grouped[] = byEndpoint.map((r) => ({
    key: `${r.method} ${r.route}`,
    cls: r.statusClass,
    count: r._sum.count ?? 0,
    latencySum: r._sum.latencySumMs ?? 0,
    latencyMax: r._max.latencyMaxMs ?? 0,
    hist: histOf(r._sum as Record<string, number | null>),
  }));
  return { time, keys, endpoints, keyIdentity: "apiKeyId" as const };
}

/** Fine filters (exact status, request id, error code) read raw rows, capped so a chart cannot run away. */
const RAW_STATS_CAP = 200_000;

async function fromRaw(r: ResolvedLogFilter, g: Granularity) {
  const rows = await db().requestLog.findMany({
    where: prismaLogWhere(r),
    select: { timestamp: true, status: true, latencyMs: true, keyId: true, route: true, method: true },
    orderBy: { timestamp: "desc" },
    take: RAW_STATS_CAP,
  });
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
      key: String(bucketStart(r.timestamp.getTime(), g.size)),
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
    select: { id: true, keyId: true, name: true, partner: true },
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
        partner: info?.partner ?? null,
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

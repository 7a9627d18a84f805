import "server-only";
import { sql, type Expression, type RawBuilder } from "kysely";
import { db } from "../db";
import { services } from "../services";
import { HIST_COLUMNS, toDate } from "../db/log-db";
import { parseOrThrow } from "../errors";
import type { Actor } from "../auth/actor";
import { logFilterInput } from "./log-query-input";
import { STATUS_FILTERS } from "./log-vocabulary";
import { BOUNDS_MS, BUCKET_COUNT, quantileFromHistogram } from "./latency-histogram";
import { bucketStart, bucketStarts, granularityFor, rollupWindow, type Granularity } from "./granularity";
import { logRowWhere, resolveLogFilter, rollupsCanAnswer, rollupWhere, type ResolvedLogFilter } from "./log-filter";
import { rangeOut, type ResolvedRange } from "./query-logs";
import type { BoundedTimeRange } from "./time-range";

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

/** What the charts are folded from: sums by time bucket, by key and by endpoint, each split by status class. */
export type StatGroups = {
  time: Grouped[];
  keys: Grouped[];
  endpoints: Grouped[];
  /** How `keys` names a key: rollups by the internal id, raw rows by the public one. */
  keyIdentity: "apiKeyId" | "keyId";
};

const num = (v: unknown) => Number(v ?? 0);

type Way = "time" | "keys" | "endpoints";

/**
 * The rows of `from` (a subquery: time "t", key "k", "route", "method", status class "cls", …) grouped three ways,
 * by the columns `by` lists for each. PostgreSQL reads `from` once, GROUPING SETS; its "g" (GROUPING("t", "k"):
 * only the time way groups by "t", only the key way by "k") says a row's way: 1 time, 2 key, 3 endpoint. SQLite has no
 * GROUPING SETS: with `readOnce` it groups one materialized copy three times (UNION ALL), for a `from` that costs
 * a scan and a sort (raw rows); otherwise it runs one GROUP BY per way, each reading `from` again (rollups, read by
 * index: a copy of them cost more than the two extra reads, measured on 1 M rows).
 */
async function groupThreeWays<R>(
  from: Expression<unknown>,
  by: Record<Way, readonly string[]>,
  sums: RawBuilder<unknown>,
  readOnce: boolean,
): Promise<Record<Way, R[]>> {
  const logDb = services().logDb;
  const cols = (names: readonly string[]) => sql.join(names.map((c) => sql.ref(`s.${c}`)));
  const all = [...new Set(Object.values(by).flat())];
  /** One way's GROUP BY of a source named "s", with every column (NULL where the way does not group by it). */
  const way = (w: Way, g: number) => {
    const own = all.map((c) => (by[w].includes(c) ? sql.ref(`s.${c}`) : sql`NULL AS ${sql.id(c)}`));
    return sql`SELECT ${sql.join(own)}, ${sql.lit(g)} AS "g", ${sums} FROM "s" GROUP BY ${cols(by[w])}`;
  };
  const ways = [
    ["time", 1],
    ["keys", 2],
    ["endpoints", 3],
  ] as const;
  if (logDb.dialect === "sqlite" && !readOnce) {
    // Only the way's own columns, and for the key way only the requests: what the old three queries read.
    const [time, keys, endpoints] = await Promise.all(
      ways.map(([w]) =>
        sql<R>`SELECT ${cols(by[w])}, ${w === "keys" ? sql`sum(${sql.ref("s.n")}) AS "n"` : sums}
          FROM ${from} AS "s" GROUP BY ${cols(by[w])}`
          .execute(logDb.kysely)
          .then((r) => r.rows),
      ),
    );
    return { time: time!, keys: keys!, endpoints: endpoints! };
  }
  const query =
    logDb.dialect === "postgresql"
      ? sql<R & { g: number }>`SELECT ${cols(all)}, GROUPING(${cols(["t", "k"])}) AS "g", ${sums}
          FROM ${from} AS "s" GROUP BY GROUPING SETS (${sql.join(Object.values(by).map((names) => sql`(${cols(names)})`))})`
      : sql<R & { g: number }>`WITH "s" AS MATERIALIZED ${from} ${sql.join(
          ways.map(([w, g]) => way(w, g)),
          sql` UNION ALL `,
        )}`;
  const { rows } = await query.execute(logDb.kysely);
  return {
    time: rows.filter((r) => r.g === 1),
    keys: rows.filter((r) => r.g === 2),
    endpoints: rows.filter((r) => r.g === 3),
  };
}

type WayRow = { t?: Date | string | number; cls: string; k?: string; route?: string; method?: string; n: unknown };

/** Grouped rows as the charts fold them; `hist` reads a row's histogram, `t` a chart bucket of the time way. */
function groupsOf(
  rows: Record<Way, WayRow[]>,
  g: Granularity,
  keyIdentity: StatGroups["keyIdentity"],
  hist: (row: WayRow) => number[],
): StatGroups {
  const grouped = (row: WayRow & { lsum?: unknown; lmax?: unknown }, key: string): Grouped => ({
    key,
    cls: row.cls,
    // Sums come back as numbers (SQLite) or bigint/numeric (PostgreSQL): num() reads both.
    count: num(row.n),
    latencySum: num(row.lsum),
    latencyMax: num(row.lmax),
    hist: hist(row),
  });
  // Rollup bucket starts fall into their chart bucket; a raw row's t already is one (bucketStart keeps it).
  const ms = (t: WayRow["t"]) => (typeof t === "number" ? t : toDate(t!).getTime());
  return {
    time: rows.time.map((row) => grouped(row, String(bucketStart(ms(row.t), g.size)))),
    keys: rows.keys.map((row) => ({
      key: row.k!,
      cls: row.cls,
      count: num(row.n),
      latencySum: 0,
      latencyMax: 0,
      hist: [],
    })),
    endpoints: rows.endpoints.map((row) => grouped(row, `${row.method} ${row.route}`)),
    keyIdentity,
  };
}

async function fromRollups(r: ResolvedLogFilter, g: Granularity): Promise<StatGroups> {
  const window = rollupWindow(r.range, g);
  const logDb = services().logDb;
  const source = logDb.kysely
    .selectFrom("RequestRollup")
    .where(rollupWhere(r, g.source, window, (ms) => logDb.time(ms)))
    .select([
      "bucketStart as t",
      "statusClass as cls",
      "apiKeyId as k",
      "route",
      "method",
      "count as n",
      "latencySumMs as lsum",
      "latencyMaxMs as lmax",
      ...HIST_FIELDS,
    ]);
  const s = (c: string) => sql.ref(`s.${c}`);
  const sums = sql.join([
    sql`sum(${s("n")}) AS "n"`,
    sql`sum(${s("lsum")}) AS "lsum"`,
    sql`max(${s("lmax")}) AS "lmax"`,
    ...HIST_FIELDS.map((h) => sql`sum(${s(h)}) AS ${sql.id(h)}`),
  ]);
  const rows = await groupThreeWays<WayRow>(
    source,
    { time: ["t", "cls"], keys: ["k", "cls"], endpoints: ["route", "method", "cls"] },
    sums,
    false,
  );
  return groupsOf(rows, g, "apiKeyId", (row) => HIST_FIELDS.map((h) => num((row as Record<string, unknown>)[h])));
}

/** Fine filters (exact status, request id, error code) read raw rows, capped so a chart cannot run away. */
const RAW_STATS_CAP = 200_000;

/** A raw row's chart bucket: epoch-aligned, as bucketStart (chart buckets are whole minutes: granularity.ts). */
function chartBucket(dialect: "sqlite" | "postgresql", size: number): RawBuilder<Date | string | number> {
  // "timestamp" holds UTC without a zone. date_bin: PostgreSQL 14 or later.
  if (dialect === "postgresql")
    return sql`date_bin(${sql.lit(`${size} milliseconds`)}::interval, "timestamp", timestamp '1970-01-01')`;
  if (size % 1000) throw new Error(`chart buckets are whole seconds, not ${size} ms`);
  // SQLite holds "…+00:00" text; whole seconds suffice for a bucket of whole seconds (floor of floor).
  return sql`(CAST(strftime('%s', "timestamp") AS INTEGER) / ${sql.lit(size / 1000)}) * ${sql.lit(size)}`;
}

/** A raw row's latency histogram bucket (0..11), as bucketIndex computes it. */
const histBucket = sql<number>`CASE ${sql.join(
  BOUNDS_MS.slice(0, -1).map((bound, i) => sql`WHEN "latencyMs" <= ${sql.lit(bound)} THEN ${sql.lit(i)}`),
  sql` `,
)} ELSE ${sql.lit(BUCKET_COUNT - 1)} END`;

/**
 * Raw rows (the newest RAW_STATS_CAP of them) summed in the database: by time and by endpoint, each also by
 * histogram bucket, so three sums (requests, latency sum and maximum) give the histogram too.
 */
async function fromRaw(r: ResolvedLogFilter, g: Granularity): Promise<StatGroups> {
  const logDb = services().logDb;
  const k = logDb.kysely;
  // The cap's sort carries only the columns the sums need.
  const capped = k
    .selectFrom("RequestLog")
    .where(logRowWhere(r, (ms) => logDb.time(ms)))
    .select(["timestamp", "statusClass", "keyId", "route", "method", "latencyMs"])
    .orderBy("timestamp", "desc")
    .limit(RAW_STATS_CAP);
  const source = k
    .selectFrom(capped.as("r"))
    .select((eb) => [
      chartBucket(logDb.dialect, g.size).as("t"),
      "statusClass as cls",
      eb.fn.coalesce("keyId", sql.lit("")).as("k"),
      "route",
      "method",
      "latencyMs as lat",
      histBucket.as("hb"),
    ]);
  const s = (c: string) => sql.ref(`s.${c}`);
  const rows = await groupThreeWays<WayRow & { hb?: number }>(
    source,
    { time: ["t", "cls", "hb"], keys: ["k", "cls"], endpoints: ["route", "method", "cls", "hb"] },
    sql`count(*) AS "n", sum(${s("lat")}) AS "lsum", max(${s("lat")}) AS "lmax"`,
    true,
  );
  return groupsOf(rows, g, "keyId", (row) => {
    const hist = new Array<number>(BUCKET_COUNT).fill(0);
    hist[num((row as { hb?: unknown }).hb)] = num(row.n);
    return hist;
  });
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

/** The ten largest by requests; equal counts by key, so the database's grouping order never decides. */
function top(aggs: Map<string, Agg>): [string, Agg][] {
  return [...aggs].sort(([ka, a], [kb, b]) => b.count - a.count || (ka < kb ? -1 : ka > kb ? 1 : 0)).slice(0, 10);
}

/** Charts and totals for a filtered view of the log: from rollups whenever the filters allow. */
export async function logStats(actor: Actor, input: unknown, now = new Date()): Promise<LogStats> {
  const f = parseOrThrow(logFilterInput, input, "query");
  const resolved = await resolveLogFilter(actor, f, now);
  const range = resolved.range;
  const g = granularityFor(range);
  const source = rollupsCanAnswer(resolved) ? "rollups" : "raw";
  const data = source === "rollups" ? await fromRollups(resolved, g) : await fromRaw(resolved, g);
  return statsOf(range, g, source, data);
}

/** The charts and totals from grouped sums (exported for the tests' reference readings of the log). */
export async function statsOf(
  range: BoundedTimeRange,
  g: Granularity,
  source: LogStats["source"],
  data: StatGroups,
): Promise<LogStats> {
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

  const keyAggs = top(fold(data.keys));
  const keyRows = await db().apiKey.findMany({
    where:
      data.keyIdentity === "apiKeyId"
        ? { id: { in: keyAggs.map(([k]) => k) } }
        : { keyId: { in: keyAggs.map(([k]) => k) } },
    select: { id: true, keyId: true, name: true, partner: { select: { name: true } } },
  });
  const keyInfo = new Map(keyRows.map((k) => [data.keyIdentity === "apiKeyId" ? k.id : k.keyId, k]));

  const endpointAggs = top(fold(data.endpoints));

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

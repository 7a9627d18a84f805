import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { sql, type Kysely, type RawBuilder } from "kysely";
import {
  bindTemplate,
  HIST_COLUMNS,
  markers,
  type LogDb,
  type LogTables,
  type PostgresLogDb,
  type SqliteLogDb,
  type SqliteWrite,
} from "../db/log-db";
import { loggedKeyId, ROLLUP_RESOLUTIONS, statusClass, type LogEntry, type RollupResolution } from "./log-entry";
import { bucketIndex, BOUNDS_MS, BUCKET_COUNT } from "./latency-histogram";
import { retryWhileBusy } from "../db/storage-failure";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { from as copyFrom } from "pg-copy-streams";
import { pgBinaryArray, pgBinaryCopy, type PgArrayElement, type PgCopyColumn } from "../db/pg-binary-array";

/** How long a SQLite flush waits for the database's write lock before it fails (and is retried by the writer). */
const STORE_WAIT_MS = 1_000;

export { ROLLUP_RESOLUTIONS, type RollupResolution } from "./log-entry";

export const LOG_COLUMNS = [
  "id",
  "requestId",
  "timestamp",
  "apiKeyId",
  "keyId",
  "keyName",
  "partner",
  "ownerId",
  "environment",
  "method",
  "route",
  "path",
  "status",
  "statusClass",
  "latencyMs",
  "ip",
  "userAgent",
  "errorCode",
  "secretSlot",
  "refusal",
] as const;
type LogColumn = (typeof LOG_COLUMNS)[number];
type LogValues = Record<LogColumn, unknown>;

const ROLLUP_KEY = ["resolution", "bucketStart", "apiKeyId", "route", "method", "statusClass"] as const;
const ROLLUP_COLUMNS = [
  "id",
  ...ROLLUP_KEY,
  "ownerId",
  "partner",
  "count",
  "latencySumMs",
  "latencyMaxMs",
  ...HIST_COLUMNS,
] as const;
type RollupColumn = (typeof ROLLUP_COLUMNS)[number];
type RollupValues = Record<RollupColumn, unknown>;
/** Columns a later write adds to (never overwrites), so concurrent writers never lose an increment. */
const ADDED = ["count", "latencySumMs", ...HIST_COLUMNS] as const;

/**
 * How each column of a raw row is made from an entry: the one definition both stores use (SQLite row by row,
 * PostgreSQL column by column, straight into each column's array without an object per row). `time` spells a
 * timestamp for the database: SQLite's text, or the epoch milliseconds themselves for PostgreSQL's binary arrays.
 */
const LOG_VALUE: { [C in LogColumn]: (e: LogEntry, time: (ms: number) => string | number) => unknown } = {
  // The request id is unique and time-prefixed: it doubles as the row id (the keyset tie-breaker).
  id: (e) => e.requestId,
  requestId: (e) => e.requestId,
  timestamp: (e, time) => time(e.timestamp),
  apiKeyId: (e) => e.apiKeyId,
  keyId: (e) => (e.keyId === null ? null : loggedKeyId(e.keyId)),
  keyName: (e) => e.keyName,
  partner: (e) => e.partner,
  ownerId: (e) => e.ownerId,
  environment: (e) => e.environment,
  method: (e) => e.method,
  route: (e) => e.route,
  path: (e) => e.path.slice(0, 500),
  status: (e) => e.status,
  statusClass: (e) => statusClass(e.status),
  latencyMs: (e) => storedLatency(e),
  ip: (e) => e.ip,
  userAgent: (e) => e.userAgent?.slice(0, 300) ?? null,
  errorCode: (e) => e.errorCode,
  secretSlot: (e) => e.secretSlot,
  refusal: (e) => (e.refusal ? JSON.stringify(e.refusal) : null),
};

/** A request's latency as its raw row stores it: to the microsecond. */
function storedLatency(e: LogEntry): number {
  return Math.round(e.latencyMs * 1000) / 1000;
}

/** A raw row's values (SQLite's row-by-row insert, the bulk seed): one literal, so every row has one shape. */
export function logValues(e: LogEntry, time: (ms: number) => string): LogValues {
  const v = LOG_VALUE;
  return {
    id: v.id(e, time),
    requestId: v.requestId(e, time),
    timestamp: v.timestamp(e, time),
    apiKeyId: v.apiKeyId(e, time),
    keyId: v.keyId(e, time),
    keyName: v.keyName(e, time),
    partner: v.partner(e, time),
    ownerId: v.ownerId(e, time),
    environment: v.environment(e, time),
    method: v.method(e, time),
    route: v.route(e, time),
    path: v.path(e, time),
    status: v.status(e, time),
    statusClass: v.statusClass(e, time),
    latencyMs: v.latencyMs(e, time),
    ip: v.ip(e, time),
    userAgent: v.userAgent(e, time),
    errorCode: v.errorCode(e, time),
    secretSlot: v.secretSlot(e, time),
    refusal: v.refusal(e, time),
  };
}

/** The rollup resolutions, finest first: the finest is grouped from raw rows, each coarser one from it. */
const [FINEST, ...COARSER] = (Object.keys(ROLLUP_RESOLUTIONS) as RollupResolution[]).sort(
  (a, b) => ROLLUP_RESOLUTIONS[a] - ROLLUP_RESOLUTIONS[b],
) as [RollupResolution, ...RollupResolution[]];

/** A rollup group being summed: its key and totals, its histogram as one array (the id and time's spelling come last). */
type RollupGroup = {
  bucketMs: number;
  apiKeyId: string;
  route: string;
  method: string;
  statusClass: string;
  ownerId: string;
  partner: string;
  count: number;
  latencySumMs: number;
  latencyMaxMs: number;
  buckets: number[];
};
type GroupKey = Pick<RollupGroup, "apiKeyId" | "route" | "method" | "statusClass">;

// Separated by NUL, which no stored text can hold (PostgreSQL refuses it), so two different groups never share a key.
const groupKey = (bucketMs: number, g: GroupKey) =>
  `${bucketMs}\0${g.apiKeyId}\0${g.route}\0${g.method}\0${g.statusClass}`;

/**
 * Minute and hour rollups of a batch, one row per (resolution, bucket, key, route, method, status class), from the
 * values the raw rows store (latency rounded as stored), so a rollup always equals the sum of its raw rows. Rows are
 * grouped once, by minute; each coarser resolution is summed from the minute groups (far fewer than the rows).
 * `time` spells a bucket's start for the database, as in LOG_VALUE.
 */
function rollupValues(entries: readonly LogEntry[], time: (ms: number) => string | number): RollupValues[] {
  const finest = new Map<string, RollupGroup>();
  const finestMs = ROLLUP_RESOLUTIONS[FINEST];
  for (const e of entries) {
    const bucketMs = Math.floor(e.timestamp / finestMs) * finestMs;
    const key: GroupKey = {
      apiKeyId: e.apiKeyId ?? "",
      route: e.route,
      method: e.method,
      statusClass: statusClass(e.status),
    };
    const k = groupKey(bucketMs, key);
    let g = finest.get(k);
    if (!g) {
      g = { ...key, bucketMs, ownerId: e.ownerId ?? "", partner: e.partner ?? "", ...noRequests() };
      finest.set(k, g);
    }
    const latencyMs = storedLatency(e);
    g.count++;
    g.latencySumMs += latencyMs;
    g.latencyMaxMs = Math.max(g.latencyMaxMs, latencyMs);
    g.buckets[bucketIndex(latencyMs)]!++;
  }
  const rows = (resolution: RollupResolution, groups: Map<string, RollupGroup>) =>
    [...groups.values()].map(({ bucketMs, buckets, ...g }): RollupValues => ({
      id: randomUUID(),
      resolution,
      bucketStart: time(bucketMs),
      ...g,
      ...(Object.fromEntries(HIST_COLUMNS.map((h, i) => [h, buckets[i]])) as Record<
        (typeof HIST_COLUMNS)[number],
        number
      >),
    }));
  const out = rows(FINEST, finest);
  for (const resolution of COARSER) {
    const size = ROLLUP_RESOLUTIONS[resolution];
    const coarse = new Map<string, RollupGroup>();
    for (const m of finest.values()) {
      const bucketMs = Math.floor(m.bucketMs / size) * size;
      const k = groupKey(bucketMs, m);
      let g = coarse.get(k);
      if (!g) coarse.set(k, (g = { ...m, bucketMs, ...noRequests() }));
      g.count += m.count;
      g.latencySumMs += m.latencySumMs;
      g.latencyMaxMs = Math.max(g.latencyMaxMs, m.latencyMaxMs);
      m.buckets.forEach((n, i) => (g.buckets[i]! += n));
    }
    out.push(...rows(resolution, coarse));
  }
  return out;
}

const noRequests = () => ({
  count: 0,
  latencySumMs: 0,
  latencyMaxMs: 0,
  buckets: new Array<number>(BUCKET_COUNT).fill(0),
});

type KeyTouch = { apiKeyId: string; at: number };
type ScopeUse = { apiKeyId: string; scope: string; at: number };

/** Keys' last-used times and the scopes they exercised (successful requests only), newest per key / scope. */
function usage(entries: readonly LogEntry[]): { keys: KeyTouch[]; scopes: ScopeUse[] } {
  const lastUsed = new Map<string, number>();
  const scopeUsed = new Map<string, ScopeUse>();
  for (const e of entries) {
    if (!e.apiKeyId || e.status >= 400) continue;
    lastUsed.set(e.apiKeyId, Math.max(lastUsed.get(e.apiKeyId) ?? 0, e.timestamp));
    if (e.scopeUsed) {
      const k = `${e.apiKeyId}\0${e.scopeUsed}`;
      const prev = scopeUsed.get(k);
      if (!prev || prev.at < e.timestamp)
        scopeUsed.set(k, { apiKeyId: e.apiKeyId, scope: e.scopeUsed, at: e.timestamp });
    }
  }
  // A fixed order, so concurrent writers lock rows in the same order (no deadlock on PostgreSQL).
  const keys = [...lastUsed].map(([apiKeyId, at]) => ({ apiKeyId, at })).sort((a, b) => cmp(a.apiKeyId, b.apiKeyId));
  const scopes = [...scopeUsed.values()].sort((a, b) => cmp(a.apiKeyId, b.apiKeyId) || cmp(a.scope, b.scope));
  return { keys, scopes };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The larger of two values: SQLite's two-argument MAX, PostgreSQL's GREATEST. */
const greatest = (dialect: LogDb["dialect"]) => (dialect === "sqlite" ? "max" : "greatest");

/**
 * The statements of a batch write, built once per database with Kysely. Each query is written once; SQLite runs
 * them row by row as prepared statements, PostgreSQL as multi-row statements (see the two store functions).
 */
function rollupUpsert(k: Kysely<LogTables>, dialect: LogDb["dialect"], rows: RollupValues[]) {
  return k
    .insertInto("RequestRollup")
    .values(rows as never)
    .onConflict((oc) =>
      oc.columns([...ROLLUP_KEY]).doUpdateSet((eb) => ({
        ...Object.fromEntries(ADDED.map((c) => [c, eb(`RequestRollup.${c}`, "+", eb.ref(`excluded.${c}`))])),
        latencyMaxMs: eb.fn(greatest(dialect), ["RequestRollup.latencyMaxMs", "excluded.latencyMaxMs"]),
      })),
    );
}

function scopeUseUpsert(
  k: Kysely<LogTables>,
  dialect: LogDb["dialect"],
  rows: Record<"apiKeyId" | "scope" | "lastUsedAt", unknown>[],
) {
  return k
    .insertInto("KeyScopeUsage")
    .values(rows as never)
    .onConflict((oc) =>
      oc.columns(["apiKeyId", "scope"]).doUpdateSet((eb) => ({
        lastUsedAt: eb.fn(greatest(dialect), ["KeyScopeUsage.lastUsedAt", "excluded.lastUsedAt"]),
      })),
    );
}

function touchKey(k: Kysely<LogTables>, apiKeyId: unknown, at: unknown) {
  return k
    .updateTable("ApiKey")
    .set({ lastUsedAt: at as string })
    .where("id", "=", apiKeyId as string)
    .where((eb) => eb.or([eb("lastUsedAt", "is", null), eb("lastUsedAt", "<", at as string)]));
}

type SqliteStatements = {
  insertLog: ReturnType<typeof bindTemplate<LogColumn>>;
  upsertRollup: ReturnType<typeof bindTemplate<RollupColumn>>;
  touchKey: ReturnType<typeof bindTemplate<"apiKeyId" | "at">>;
  upsertScopeUse: ReturnType<typeof bindTemplate<"apiKeyId" | "scope" | "lastUsedAt">>;
};

const sqliteStatements = new WeakMap<SqliteLogDb, SqliteStatements>();

function statementsFor(logDb: SqliteLogDb): SqliteStatements {
  let s = sqliteStatements.get(logDb);
  if (s) return s;
  const k = logDb.kysely;
  s = {
    // A request id already stored (a spool replayed after a crash between commit and cleanup) is skipped.
    insertLog: bindTemplate(
      k
        .insertInto("RequestLog")
        .values(markers(LOG_COLUMNS))
        .onConflict((oc) => oc.column("requestId").doNothing())
        .compile(),
      LOG_COLUMNS,
    ),
    upsertRollup: bindTemplate(rollupUpsert(k, "sqlite", [markers(ROLLUP_COLUMNS)]).compile(), ROLLUP_COLUMNS),
    touchKey: bindTemplate(touchKey(k, markers(["apiKeyId"]).apiKeyId, markers(["at"]).at).compile(), [
      "apiKeyId",
      "at",
    ]),
    upsertScopeUse: bindTemplate(
      scopeUseUpsert(k, "sqlite", [markers(["apiKeyId", "scope", "lastUsedAt"])]).compile(),
      ["apiKeyId", "scope", "lastUsedAt"],
    ),
  };
  sqliteStatements.set(logDb, s);
  return s;
}

function storeSqlite(logDb: SqliteLogDb, entries: readonly LogEntry[]): Promise<number> {
  const s = statementsFor(logDb);
  const time = (ms: number) => logDb.time(ms);
  const run = (w: SqliteWrite, t: SqliteStatements[keyof SqliteStatements], values: Record<string, unknown>) =>
    w.run(t.sql, t.bind(values as never));
  // The lock may be held by a transaction of this process (between its awaits) or another one: wait a little.
  return retryWhileBusy("storing request log entries", STORE_WAIT_MS, () =>
    logDb.writeSync((w) => {
      const fresh = entries.filter((e) => run(w, s.insertLog, logValues(e, time)) === 1);
      for (const r of rollupValues(fresh, time)) run(w, s.upsertRollup, r);
      const { keys, scopes } = usage(fresh);
      for (const u of keys) run(w, s.touchKey, { apiKeyId: u.apiKeyId, at: time(u.at) });
      for (const u of scopes)
        run(w, s.upsertScopeUse, { apiKeyId: u.apiKeyId, scope: u.scope, lastUsedAt: time(u.at) });
      return fresh.length;
    }),
  );
}

/** Column types on PostgreSQL: of a raw row's COPY fields, and of the replay statement's array parameters. */
export const LOG_PG_TYPES: Record<LogColumn, PgArrayElement> = {
  id: "text",
  requestId: "text",
  timestamp: "timestamp(3)",
  apiKeyId: "text",
  keyId: "text",
  keyName: "text",
  partner: "text",
  ownerId: "text",
  environment: "text",
  method: "text",
  route: "text",
  path: "text",
  status: "integer",
  statusClass: "text",
  latencyMs: "double precision",
  ip: "text",
  userAgent: "text",
  errorCode: "text",
  secretSlot: "text",
  refusal: "text",
};

/** The histogram columns as SQL: h<i> counts the latencies in (BOUNDS_MS[i-1], BOUNDS_MS[i]], as bucketIndex does. */
const HIST_SQL = sql.join(
  HIST_COLUMNS.map((h, i) => {
    const upper = BOUNDS_MS[i]!;
    const lower = i === 0 ? null : BOUNDS_MS[i - 1]!;
    const conds = [
      ...(lower === null ? [] : [`"latencyMs" > ${lower}`]),
      ...(Number.isFinite(upper) ? [`"latencyMs" <= ${upper}`] : []),
    ];
    return sql`count(*) FILTER (WHERE ${sql.raw(conds.map((c) => `r.${c}`).join(" AND "))})::int AS ${sql.ref(h)}`;
  }),
);

/** The columns a replayed part sends as arrays: id is the request id (see logValues), sent once and used for both. */
const SENT = LOG_COLUMNS.filter((c): c is Exclude<LogColumn, "id"> => c !== "id");
const USAGE_PARAMS = ["touchKey", "touchAt", "scopeKey", "scopeName", "scopeAt"] as const;
type UsageParam = (typeof USAGE_PARAMS)[number];
type ReplayParam = (typeof SENT)[number] | UsageParam;
type GroupedParam = RollupColumn | UsageParam;

/** Column types of the rollup groups a fresh part sends as arrays. */
const ROLLUP_PG_TYPES: Record<RollupColumn, PgArrayElement> = {
  id: "text",
  resolution: "text",
  bucketStart: "timestamp(3)",
  apiKeyId: "text",
  route: "text",
  method: "text",
  statusClass: "text",
  ownerId: "text",
  partner: "text",
  count: "integer",
  latencySumMs: "double precision",
  latencyMaxMs: "double precision",
  ...(Object.fromEntries(HIST_COLUMNS.map((h) => [h, "integer"])) as Record<(typeof HIST_COLUMNS)[number], "integer">),
};

/**
 * What a rollup upsert does on a row already there: counts, sums and histograms are added to it and the larger
 * max kept, so no concurrent writer's increment is lost.
 */
const ROLLUP_ON_CONFLICT = sql`ON CONFLICT (${sql.join(ROLLUP_KEY.map((c) => sql.ref(c)))}) DO UPDATE SET ${sql.join(
  ADDED.map((c) => sql`${sql.ref(c)} = "RequestRollup".${sql.ref(c)} + excluded.${sql.ref(c)}`),
)},
      "latencyMaxMs" = greatest("RequestRollup"."latencyMaxMs", excluded."latencyMaxMs")`;

/**
 * The keys' last use and the scopes they exercised (the newest time of each, which a replay can only repeat:
 * GREATEST), as two data-modifying CTEs of a batch statement; `m` holds the statement's parameter markers.
 */
function usageUpdates(m: Record<UsageParam, never>) {
  return sql`touched AS (
      UPDATE "ApiKey" SET "lastUsedAt" = u."at"
      FROM unnest(${m.touchKey}::text[], ${m.touchAt}::timestamp(3)[]) AS u("id", "at")
      WHERE "ApiKey"."id" = u."id" AND ("ApiKey"."lastUsedAt" IS NULL OR "ApiKey"."lastUsedAt" < u."at")
    ), scoped AS (
      INSERT INTO "KeyScopeUsage" ("apiKeyId", "scope", "lastUsedAt")
      SELECT * FROM unnest(${m.scopeKey}::text[], ${m.scopeName}::text[], ${m.scopeAt}::timestamp(3)[])
      ON CONFLICT ("apiKeyId", "scope") DO UPDATE
        SET "lastUsedAt" = greatest("KeyScopeUsage"."lastUsedAt", excluded."lastUsedAt")
    )`;
}

/**
 * What goes with a fresh part's raw rows, in the same transaction: its minute and hour rollups, grouped in Node
 * (rollupValues, as on SQLite: a fresh part is stored whole or not at all, so its rows are exactly the part) and sent
 * as one array per column, upserted in the conflict key's order so concurrent writers lock rollup rows in the same
 * order (no deadlock); and the keys' and scopes' last use. A few hundred groups, whatever the part's size: sent as
 * a named (prepared) statement, parsed and planned once per connection.
 */
function groupedStatementPostgres(k: Kysely<LogTables>) {
  const m = markers<GroupedParam>([...ROLLUP_COLUMNS, ...USAGE_PARAMS]);
  const columns = ROLLUP_COLUMNS.map((c) => sql`unnest(${m[c]}::${sql.raw(ROLLUP_PG_TYPES[c])}[]) AS ${sql.ref(c)}`);
  const query = sql`
    WITH roll AS (
      INSERT INTO "RequestRollup" (${sql.join(ROLLUP_COLUMNS.map((c) => sql.ref(c)))})
      SELECT * FROM (SELECT ${sql.join(columns)}) AS g
      ORDER BY ${sql.join(ROLLUP_KEY.map((c) => sql`g.${sql.ref(c)}`))}
      ${ROLLUP_ON_CONFLICT}
    ), ${usageUpdates(m)}
    SELECT 1`;
  return bindTemplate(query.compile(k), [...ROLLUP_COLUMNS, ...USAGE_PARAMS]);
}

/**
 * A part that holds rows already stored (a replayed spool, a batch retried after some of its parts committed) in
 * one statement, which is atomic on its own: the raw rows from unnest(arrays) (one array parameter per column,
 * however many rows), skipping an entry already stored (same primary key: timestamp and request id); the minute
 * and hour rollups of exactly the rows it inserted (RETURNING), grouped by the database and upserted in the
 * conflict key's order, as above; the keys' and scopes' last use; and how many rows it stored.
 */
function replayStatementPostgres(k: Kysely<LogTables>) {
  const m = markers<ReplayParam>([...SENT, ...USAGE_PARAMS]);
  // unnest() per column in the select list (one ProjectSet walking the arrays in step) rather than one
  // unnest(a, b, …) in FROM, which copies every column into a tuplestore first: a third less time unpacking.
  const columns = SENT.map((c) => sql`unnest(${m[c]}::${sql.raw(LOG_PG_TYPES[c])}[]) AS ${sql.ref(c)}`);
  const names = sql.join(SENT.map((c) => sql.ref(c)));
  const query = sql<{ stored: number }>`
    WITH ins AS (
      INSERT INTO "RequestLog" ("id", ${names})
      SELECT s."requestId", s.* FROM (SELECT ${sql.join(columns)}) AS s
      ON CONFLICT ("timestamp", "id") DO NOTHING
      RETURNING "timestamp", "apiKeyId", "ownerId", "partner", "route", "method", "statusClass", "latencyMs"
    ), roll AS (${rollupsFrom(sql.table("ins"))}
    ), ${usageUpdates(m)}
    SELECT count(*)::int AS "stored" FROM ins`;
  return bindTemplate(query.compile(k), [...SENT, ...USAGE_PARAMS]);
}

/**
 * INSERT the minute and hour rollups of the raw rows in `source` (a relation with RequestLog's columns), grouped
 * by the database: what a replayed part adds for the rows it inserts, and what the PostgreSQL bulk seed
 * (scripts/seed-logs-pg.ts) adds for a whole day at once. The rows are grouped once, by minute; the hours are summed
 * from the minute groups (far fewer than the rows), not grouped again from every row. Rows come in the conflict key's order,
 * so concurrent writers lock rollup rows in the same order (no deadlock); counts, sums and histograms are added to
 * what is there, and the larger max kept, so no writer's increment is lost.
 */
export function rollupsFrom(source: RawBuilder<unknown>) {
  const key = sql.join(ROLLUP_KEY.map((c) => sql.ref(c)));
  const coarser = COARSER.map(
    (resolution) => sql`
      UNION ALL
      SELECT ${sql.lit(resolution)}, date_trunc(${sql.lit(resolution)}, f."bucketStart"), f."apiKeyId", f."route",
        f."method", f."statusClass", max(f."ownerId"), max(f."partner"), sum(f."count")::int, sum(f."latencySumMs"),
        max(f."latencyMaxMs"), ${sql.join(HIST_COLUMNS.map((h) => sql`sum(f.${sql.ref(h)})::int`))}
      FROM finest AS f
      GROUP BY 2, 3, 4, 5, 6`,
  );
  return sql`
    INSERT INTO "RequestRollup" ("id", ${key}, "ownerId", "partner", "count", "latencySumMs", "latencyMaxMs",
      ${sql.join(HIST_COLUMNS.map((h) => sql.ref(h)))})
    SELECT gen_random_uuid()::text, g.*
    FROM (
      WITH finest AS (
        SELECT ${sql.lit(FINEST)} AS "resolution", date_trunc(${sql.lit(FINEST)}, r."timestamp") AS "bucketStart",
          coalesce(r."apiKeyId", '') AS "apiKeyId", r."route", r."method", r."statusClass",
          max(coalesce(r."ownerId", '')) AS "ownerId", max(coalesce(r."partner", '')) AS "partner",
          count(*)::int AS "count", sum(r."latencyMs") AS "latencySumMs", max(r."latencyMs") AS "latencyMaxMs",
          ${HIST_SQL}
        FROM ${source} AS r
        GROUP BY 2, 3, 4, 5, 6
      )
      SELECT * FROM finest${sql.join(coarser, sql``)}
      ORDER BY 1, 2, 3, 4, 5, 6
    ) AS g
    ${ROLLUP_ON_CONFLICT}`;
}

/**
 * Rows per part: a larger batch (a backlog, a replayed spool) is split into parts of this size, one transaction
 * each (this bounds the memory a part's encoding takes). Each part is atomic on its own; a batch that fails
 * part-way is retried whole, and the rows already stored are skipped (their request ids), so no transaction around
 * the parts is needed. Big parts amortise the rollup upserts (one per group, however many rows it holds).
 */
export const PG_PART_ROWS = 20_000;

/**
 * Up to this many rows a replayed part is sent as the named (prepared) statement: PostgreSQL parses and plans it
 * once per connection. A bigger part is planned for its own size (unnamed): the generic plan sorts every returned
 * row to group the rollups, where the custom one hashes them first (measured ~15% slower at 5,000 rows).
 */
export const PG_PREPARED_MAX_ROWS = 1_000;

type NamedStatement<P extends string> = {
  name: string;
  sql: string;
  bind: (v: Record<P, unknown>) => unknown[];
};
/** The statements of a PostgreSQL batch write, built once per database. */
type PgStatements = {
  /** A fresh part's raw rows: binary COPY. */
  copy: string;
  /** A fresh part's rollup groups and usage, in the COPY's transaction. */
  grouped: NamedStatement<GroupedParam>;
  /** A part that met a stored row: everything in one statement that skips stored rows. */
  replay: NamedStatement<ReplayParam>;
};
const pgStatements = new WeakMap<PostgresLogDb, PgStatements>();

function pgStatementsFor(logDb: PostgresLogDb): PgStatements {
  let s = pgStatements.get(logDb);
  if (!s) {
    // The name changes with the text (a release that changes a statement never meets the old one prepared).
    const named = <P extends string>(t: { sql: string; bind: (v: Record<P, unknown>) => unknown[] }) => ({
      name: `keyward_log_${createHash("sha1").update(t.sql).digest("hex").slice(0, 12)}`,
      ...t,
    });
    s = {
      copy: `COPY "RequestLog" (${LOG_COLUMNS.map((c) => `"${c}"`).join(", ")}) FROM STDIN (FORMAT binary)`,
      grouped: named(groupedStatementPostgres(logDb.kysely)),
      replay: named(replayStatementPostgres(logDb.kysely)),
    };
    pgStatements.set(logDb, s);
  }
  return s;
}

/** A raw row's fields in a binary COPY: the same values, in LOG_COLUMNS' order. */
const COPY_COLUMNS: PgCopyColumn<LogEntry>[] = LOG_COLUMNS.map((c) => {
  const value = LOG_VALUE[c];
  return { type: LOG_PG_TYPES[c], valueOf: (e: LogEntry) => value(e, epochMs) };
});

/**
 * PostgreSQL's unique_violation. In a fresh part it means a raw row is already stored (the rollups and usage are
 * upserts; a rollup's random id colliding is as good as impossible, and would only send the part through the replay
 * statement, which stores and counts it once all the same).
 */
const isAlreadyStored = (err: unknown) => (err as { code?: unknown } | null)?.code === "23505";

/** The usage arrays of a statement: a batch's usage goes with its first part, the others send empty arrays. */
function usageParams(u: { keys: KeyTouch[]; scopes: ScopeUse[] }): Record<UsageParam, Buffer> {
  return {
    touchKey: pgBinaryArray("text", u.keys, (k) => k.apiKeyId),
    touchAt: pgBinaryArray("timestamp(3)", u.keys, (k) => epochMs(k.at)),
    scopeKey: pgBinaryArray("text", u.scopes, (s) => s.apiKeyId),
    scopeName: pgBinaryArray("text", u.scopes, (s) => s.scope),
    scopeAt: pgBinaryArray("timestamp(3)", u.scopes, (s) => epochMs(s.at)),
  };
}

/** A part ready to send: its raw rows as COPY data, its rollup groups and usage as the grouped statement's values. */
/** `usage` is encoded once: both the grouped statement and, if the part meets a stored row, the replay send it. */
type Part = { entries: LogEntry[]; usage: Record<UsageParam, Buffer>; copy: Buffer; grouped: unknown[] };

/**
 * A fresh part in one transaction: COPY of its raw rows (binary; PostgreSQL fills the heap a page at a time, one
 * WAL record per page where an INSERT … SELECT writes one per row; index entries are still one per row), then its
 * rollups and usage. A part holding a
 * stored row fails whole on it (unique_violation), having written nothing, and is sent again as the replay
 * statement, which skips what is stored. Returns the rows stored.
 */
async function storePart(logDb: PostgresLogDb, statements: PgStatements, part: Part): Promise<number> {
  try {
    return await copyPart(logDb, statements, part);
  } catch (err) {
    if (!isAlreadyStored(err)) throw err;
  }
  const values: Record<string, unknown> = { ...part.usage };
  // Binary arrays: timestamps go as epoch milliseconds (see pgBinaryArray).
  for (const c of SENT) values[c] = pgBinaryArray(LOG_PG_TYPES[c], part.entries, (e) => LOG_VALUE[c](e, epochMs));
  const { replay } = statements;
  const { rows } = await logDb.pool.query<{ stored: number }>({
    ...(part.entries.length <= PG_PREPARED_MAX_ROWS ? { name: replay.name } : {}),
    text: replay.sql,
    values: replay.bind(values as Record<ReplayParam, unknown>),
  });
  return rows[0]!.stored;
}

async function copyPart(logDb: PostgresLogDb, statements: PgStatements, part: Part): Promise<number> {
  const client = await logDb.pool.connect();
  // A connection that cannot even roll back is broken: released with the error, the pool closes it. (One lost
  // mid-transaction fails its query; its 'error' event is heard by the listener every log pool client has.)
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    try {
      const copy = client.query(copyFrom(statements.copy));
      await pipeline(Readable.from([part.copy]), copy);
      const { grouped } = statements;
      await client.query({ name: grouped.name, text: grouped.sql, values: part.grouped });
      await client.query("COMMIT");
      return copy.rowCount;
    } catch (err) {
      await client.query("ROLLBACK").catch((rollbackErr: Error) => (broken = rollbackErr));
      throw err;
    }
  } finally {
    client.release(broken);
  }
}

async function storePostgres(
  logDb: PostgresLogDb,
  batch: readonly LogEntry[],
  partRows: number = PG_PART_ROWS,
): Promise<number> {
  const statements = pgStatementsFor(logDb);
  // The same entry twice in a batch is stored once: drop the copies here (also across parts).
  const seen = new Set<string>();
  const entries = batch.filter((e) => {
    const k = `${e.requestId}|${e.timestamp}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
  // Usage of every entry of the batch, not only of the rows stored: a replayed entry can only repeat a time
  // already recorded (GREATEST), so the result is the same. It goes with the first part.
  const batchUsage = usage(entries);
  const none = usageParams({ keys: [], scopes: [] });
  const build = (i: number): Part => {
    const part = entries.slice(i, i + partRows);
    const partUsage = i === 0 ? usageParams(batchUsage) : none;
    const groups: Record<string, unknown> = { ...partUsage };
    const rollups = rollupValues(part, epochMs);
    for (const c of ROLLUP_COLUMNS) groups[c] = pgBinaryArray(ROLLUP_PG_TYPES[c], rollups, (r) => r[c]);
    return {
      entries: part,
      usage: partUsage,
      copy: pgBinaryCopy(COPY_COLUMNS, part),
      grouped: statements.grouped.bind(groups as Record<GroupedParam, unknown>),
    };
  };
  // Parts run one after another (two at once only made them wait on the same rollup rows), but each part is
  // encoded while the part before it runs in PostgreSQL. A part that fails while the next is encoded is awaited
  // (and its error thrown) right after: it must not count as unhandled meanwhile.
  const settled = (part: Promise<number>) => (part.catch(() => undefined), part);
  let running = settled(storePart(logDb, statements, build(0)));
  let stored = 0;
  for (let i = partRows; i < entries.length; i += partRows) {
    await new Promise((r) => setImmediate(r)); // the part before leaves first
    let next: Part;
    try {
      next = build(i);
    } catch (err) {
      await running.catch(() => undefined); // nothing of this batch is left in flight when the writer retries it
      throw err;
    }
    stored += await running;
    running = settled(storePart(logDb, statements, next));
  }
  return stored + (await running);
}

/** A timestamp for the binary encodings: whole epoch milliseconds, cut as a Date cuts them (SQLite's path formats one). */
const epochMs = (ms: number) => Math.trunc(ms);

/**
 * Write a batch atomically (SQLite: one transaction; PostgreSQL: one transaction per PG_PART_ROWS rows): raw rows,
 * minute and hour rollups, keys' last-used times and scope usage. Rows whose request id is already stored are
 * skipped and left out of the rollups, so replaying a spool (after a crash between commit and spool cleanup), or
 * retrying a batch part of which was stored, never double counts. Returns the rows written.
 */
export async function storeLogBatch(
  logDb: LogDb,
  entries: readonly LogEntry[],
  opts: { partRows?: number } = {},
): Promise<number> {
  if (entries.length === 0) return 0;
  return logDb.dialect === "sqlite" ? storeSqlite(logDb, entries) : storePostgres(logDb, entries, opts.partRows);
}

import "server-only";
import { randomUUID } from "node:crypto";
import { sql, type Kysely, type RawBuilder, type Transaction } from "kysely";
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
import { ROLLUP_RESOLUTIONS, statusClass, type LogEntry, type RollupResolution } from "./log-entry";
import { bucketIndex, BOUNDS_MS, BUCKET_COUNT } from "./latency-histogram";
import { retryWhileBusy } from "../db/storage-failure";

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

export function logValues(e: LogEntry, time: (ms: number) => string): LogValues {
  return {
    // The request id is unique and time-prefixed: it doubles as the row id (the keyset tie-breaker).
    id: e.requestId,
    requestId: e.requestId,
    timestamp: time(e.timestamp),
    apiKeyId: e.apiKeyId,
    keyId: e.keyId?.slice(0, 64) ?? null,
    keyName: e.keyName,
    partner: e.partner,
    ownerId: e.ownerId,
    environment: e.environment,
    method: e.method,
    route: e.route,
    path: e.path.slice(0, 500),
    status: e.status,
    statusClass: statusClass(e.status),
    latencyMs: Math.round(e.latencyMs * 1000) / 1000,
    ip: e.ip,
    userAgent: e.userAgent?.slice(0, 300) ?? null,
    errorCode: e.errorCode,
    secretSlot: e.secretSlot,
    refusal: e.refusal ? JSON.stringify(e.refusal) : null,
  };
}

/** Minute and hour rollups of a batch, one row per (resolution, bucket, key, route, method, status class). */
function rollupValues(entries: readonly LogEntry[], time: (ms: number) => string): RollupValues[] {
  const out: RollupValues[] = [];
  for (const resolution of Object.keys(ROLLUP_RESOLUTIONS) as RollupResolution[]) {
    const size = ROLLUP_RESOLUTIONS[resolution];
    const groups = new Map<string, RollupValues & { buckets: number[]; bucketMs: number }>();
    for (const e of entries) {
      const bucketMs = Math.floor(e.timestamp / size) * size;
      const cls = statusClass(e.status);
      const key = `${bucketMs}|${e.apiKeyId ?? ""}|${e.route}|${e.method}|${cls}`;
      let acc = groups.get(key);
      if (!acc) {
        acc = {
          id: randomUUID(),
          resolution,
          bucketStart: time(bucketMs),
          bucketMs,
          apiKeyId: e.apiKeyId ?? "",
          ownerId: e.ownerId ?? "",
          partner: e.partner ?? "",
          route: e.route,
          method: e.method,
          statusClass: cls,
          count: 0,
          latencySumMs: 0,
          latencyMaxMs: 0,
          buckets: new Array<number>(BUCKET_COUNT).fill(0),
          ...(Object.fromEntries(HIST_COLUMNS.map((h) => [h, 0])) as Record<(typeof HIST_COLUMNS)[number], number>),
        };
        groups.set(key, acc);
      }
      (acc.count as number)++;
      (acc.latencySumMs as number) += e.latencyMs;
      acc.latencyMaxMs = Math.max(acc.latencyMaxMs as number, e.latencyMs);
      acc.buckets[bucketIndex(e.latencyMs)]!++;
    }
    for (const acc of groups.values()) {
      const { buckets, bucketMs: _bucketMs, ...row } = acc;
      HIST_COLUMNS.forEach((h, i) => (row[h] = buckets[i]));
      out.push(row);
    }
  }
  return out;
}

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
      const k = `${e.apiKeyId}|${e.scopeUsed}`;
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

/** PostgreSQL binds at most 65,535 parameters per statement. */
const MAX_PARAMS = 60_000;

function* chunks<T>(rows: readonly T[], perRow: number): Generator<T[]> {
  const size = Math.max(1, Math.floor(MAX_PARAMS / perRow));
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

/** Column types for UNNEST: one array parameter per column instead of one parameter per value. */
export const LOG_PG_TYPES: Record<LogColumn, string> = {
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

const ROLLUP_UNITS = sql.join((Object.keys(ROLLUP_RESOLUTIONS) as RollupResolution[]).map((r) => sql`(${sql.lit(r)})`));

/**
 * One statement per batch: the raw rows from unnest(arrays) (one parameter per column for the whole batch,
 * however many rows), skipping a replayed entry (same request id and timestamp); the minute and hour rollups of exactly the
 * rows it inserted (RETURNING), grouped by the database and upserted in the conflict key's order, so concurrent
 * writers lock rollup rows in the same order (no deadlock) and add to each other's counts; and the request ids
 * it stored. A batch holding the same entry twice stores and counts it once, as on SQLite.
 */
function insertBatchPostgres(rows: LogValues[]) {
  // id is the request id (see logValues): sent once, used for both columns.
  const sent = LOG_COLUMNS.filter((c) => c !== "id");
  const arrays = sent.map((c) => sql`${rows.map((r) => r[c])}::${sql.raw(LOG_PG_TYPES[c])}[]`);
  const names = sql.join(sent.map((c) => sql.ref(c)));
  return sql<{ requestId: string }>`
    WITH ins AS (
      INSERT INTO "RequestLog" ("id", ${names})
      SELECT s."requestId", s.* FROM unnest(${sql.join(arrays)}) AS s(${names})
      ON CONFLICT ("requestId", "timestamp") DO NOTHING
      RETURNING "requestId", "timestamp", "apiKeyId", "ownerId", "partner", "route", "method", "statusClass", "latencyMs"
    ), roll AS (${rollupsFrom(sql.table("ins"))})
    SELECT "requestId" FROM ins`;
}

/**
 * INSERT the minute and hour rollups of the raw rows in `source` (a relation with RequestLog's columns), grouped
 * by the database: what storeLogBatch adds for the rows it inserts, and what the PostgreSQL bulk seed
 * (scripts/seed-logs.ts) adds for a whole day at once. Rows come in the conflict key's order, so concurrent
 * writers lock rollup rows in the same order (no deadlock); counts, sums and histograms are added to what is
 * there, and the larger max kept, so no writer's increment is lost.
 */
export function rollupsFrom(source: RawBuilder<unknown>) {
  const key = sql.join(ROLLUP_KEY.map((c) => sql.ref(c)));
  const added = sql.join(ADDED.map((c) => sql`${sql.ref(c)} = "RequestRollup".${sql.ref(c)} + excluded.${sql.ref(c)}`));
  return sql`
    INSERT INTO "RequestRollup" ("id", ${key}, "ownerId", "partner", "count", "latencySumMs", "latencyMaxMs",
      ${sql.join(HIST_COLUMNS.map((h) => sql.ref(h)))})
    SELECT gen_random_uuid()::text, g.*
    FROM (
      SELECT u."resolution", date_trunc(u."resolution", r."timestamp") AS "bucketStart",
        coalesce(r."apiKeyId", '') AS "apiKeyId", r."route", r."method", r."statusClass",
        max(coalesce(r."ownerId", '')) AS "ownerId", max(coalesce(r."partner", '')) AS "partner",
        count(*)::int AS "count", sum(r."latencyMs") AS "latencySumMs", max(r."latencyMs") AS "latencyMaxMs",
        ${HIST_SQL}
      FROM ${source} AS r CROSS JOIN (VALUES ${ROLLUP_UNITS}) AS u("resolution")
      GROUP BY 1, 2, 3, 4, 5, 6
      ORDER BY 1, 2, 3, 4, 5, 6
    ) AS g
    ON CONFLICT (${key}) DO UPDATE SET ${added},
      "latencyMaxMs" = greatest("RequestRollup"."latencyMaxMs", excluded."latencyMaxMs")`;
}

/** Keys' last-used times in one statement (rows in key order: concurrent writers lock them in the same order). */
function touchKeysPostgres(keys: KeyTouch[], time: (ms: number) => string) {
  return sql`
    UPDATE "ApiKey" SET "lastUsedAt" = u."at"
    FROM unnest(${keys.map((k) => k.apiKeyId)}::text[], ${keys.map((k) => time(k.at))}::timestamp(3)[]) AS u("id", "at")
    WHERE "ApiKey"."id" = u."id" AND ("ApiKey"."lastUsedAt" IS NULL OR "ApiKey"."lastUsedAt" < u."at")`;
}

/** Rows per statement: arrays are one parameter each, so this bounds the statement's size, not its parameters. */
const PG_BATCH_ROWS = 20_000;

async function storePostgres(logDb: PostgresLogDb, entries: readonly LogEntry[]): Promise<number> {
  const time = (ms: number) => logDb.time(ms);
  return logDb.kysely.transaction().execute(async (trx: Transaction<LogTables>) => {
    const stored = new Set<string>();
    for (let i = 0; i < entries.length; i += PG_BATCH_ROWS) {
      const rows = entries.slice(i, i + PG_BATCH_ROWS).map((e) => logValues(e, time));
      const { rows: inserted } = await insertBatchPostgres(rows).execute(trx);
      for (const r of inserted) stored.add(r.requestId);
    }
    // Each stored request id once (the rollups above already counted exactly the inserted rows).
    const fresh = entries.filter((e) => stored.delete(e.requestId));
    const { keys, scopes } = usage(fresh);
    if (keys.length) await touchKeysPostgres(keys, time).execute(trx);
    for (const part of chunks(scopes, 3))
      await scopeUseUpsert(
        trx,
        "postgresql",
        part.map((u) => ({ apiKeyId: u.apiKeyId, scope: u.scope, lastUsedAt: time(u.at) })),
      ).execute();
    return fresh.length;
  });
}

/**
 * Write a batch in one transaction: raw rows, minute and hour rollups, keys' last-used times and scope usage.
 * Rows whose request id is already stored are skipped and left out of the rollups, so replaying a spool
 * (after a crash between commit and spool cleanup) never double counts. Returns the rows written.
 */
export async function storeLogBatch(logDb: LogDb, entries: readonly LogEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  return logDb.dialect === "sqlite" ? storeSqlite(logDb, entries) : storePostgres(logDb, entries);
}

import "server-only";
import { randomUUID } from "node:crypto";
import { sqliteDate, type BulkQuery, type BulkSql } from "../db/bulk-sql";
import { ROLLUP_RESOLUTIONS, statusClass, type LogEntry, type RollupResolution } from "./log-entry";
import { bucketIndex, BUCKET_COUNT } from "./latency-histogram";
import { retryWhileBusy } from "../db/storage-failure";

/** How long a flush waits for the database's write lock before it fails (and is retried by the writer). */
const STORE_WAIT_MS = 1_000;

export { ROLLUP_RESOLUTIONS, type RollupResolution } from "./log-entry";

type RollupAccumulator = {
  resolution: RollupResolution;
  bucketStart: number;
  apiKeyId: string;
  ownerId: string;
  partner: string;
  route: string;
  method: string;
  statusClass: string;
  count: number;
  latencySumMs: number;
  latencyMaxMs: number;
  buckets: number[];
};

const HIST_COLUMNS = Array.from({ length: BUCKET_COUNT }, (_, i) => `h${i}`);

const LOG_COLUMNS = [
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
];
// A request id already stored (a spool replayed after a crash between commit and cleanup) is skipped.
const INSERT_LOG = `INSERT INTO "RequestLog" (${LOG_COLUMNS.map((c) => `"${c}"`).join(", ")}) VALUES (${LOG_COLUMNS.map(() => "?").join(", ")}) ON CONFLICT ("requestId") DO NOTHING`;

const ROLLUP_COLUMNS = [
  "id",
  "resolution",
  "bucketStart",
  "apiKeyId",
  "ownerId",
  "partner",
  "route",
  "method",
  "statusClass",
  "count",
  "latencySumMs",
  "latencyMaxMs",
  ...HIST_COLUMNS,
];
const add = (c: string) => `"${c}" = "RequestRollup"."${c}" + excluded."${c}"`;
// Counts, sums and histogram buckets are added in the database, so concurrent writers never lose an increment.
const UPSERT_ROLLUP =
  `INSERT INTO "RequestRollup" (${ROLLUP_COLUMNS.map((c) => `"${c}"`).join(", ")}) VALUES (${ROLLUP_COLUMNS.map(() => "?").join(", ")}) ` +
  `ON CONFLICT ("resolution", "bucketStart", "apiKeyId", "route", "method", "statusClass") DO UPDATE SET ` +
  [
    ...["count", "latencySumMs"].map(add),
    `"latencyMaxMs" = MAX("RequestRollup"."latencyMaxMs", excluded."latencyMaxMs")`,
    ...HIST_COLUMNS.map(add),
  ].join(", ");

const TOUCH_KEY = `UPDATE "ApiKey" SET "lastUsedAt" = ? WHERE "id" = ? AND ("lastUsedAt" IS NULL OR "lastUsedAt" < ?)`;
const UPSERT_SCOPE_USE =
  `INSERT INTO "KeyScopeUsage" ("apiKeyId", "scope", "lastUsedAt") VALUES (?, ?, ?) ` +
  `ON CONFLICT ("apiKeyId", "scope") DO UPDATE SET "lastUsedAt" = MAX("KeyScopeUsage"."lastUsedAt", excluded."lastUsedAt")`;

function logParams(e: LogEntry): unknown[] {
  return [
    // The request id is unique and time-prefixed: it doubles as the row id (the keyset tie-breaker).
    e.requestId,
    e.requestId,
    sqliteDate(e.timestamp),
    e.apiKeyId,
    e.keyId?.slice(0, 64) ?? null,
    e.keyName,
    e.partner,
    e.ownerId,
    e.environment,
    e.method,
    e.route,
    e.path.slice(0, 500),
    e.status,
    statusClass(e.status),
    Math.round(e.latencyMs * 1000) / 1000,
    e.ip,
    e.userAgent?.slice(0, 300) ?? null,
    e.errorCode,
    e.secretSlot,
    e.refusal ? JSON.stringify(e.refusal) : null,
  ];
}

function accumulateRollups(entries: readonly LogEntry[], resolution: RollupResolution): RollupAccumulator[] {
  const size = ROLLUP_RESOLUTIONS[resolution];
  const groups = new Map<string, RollupAccumulator>();
  for (const e of entries) {
    const bucketStart = Math.floor(e.timestamp / size) * size;
    const cls = statusClass(e.status);
    const key = `${bucketStart}|${e.apiKeyId ?? ""}|${e.route}|${e.method}|${cls}`;
    let acc = groups.get(key);
    if (!acc) {
      acc = {
        resolution,
        bucketStart,
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
      };
      groups.set(key, acc);
    }
    acc.count++;
    acc.latencySumMs += e.latencyMs;
    acc.latencyMaxMs = Math.max(acc.latencyMaxMs, e.latencyMs);
    acc.buckets[bucketIndex(e.latencyMs)]!++;
  }
  return [...groups.values()];
}

function writeRollups(q: BulkQuery, entries: readonly LogEntry[]): void {
  for (const resolution of Object.keys(ROLLUP_RESOLUTIONS) as RollupResolution[]) {
    for (const r of accumulateRollups(entries, resolution)) {
      q.run(UPSERT_ROLLUP, [
        randomUUID(),
        r.resolution,
        sqliteDate(r.bucketStart),
        r.apiKeyId,
        r.ownerId,
        r.partner,
        r.route,
        r.method,
        r.statusClass,
        r.count,
        r.latencySumMs,
        r.latencyMaxMs,
        ...r.buckets,
      ]);
    }
  }
}

function touchKeys(q: BulkQuery, entries: readonly LogEntry[]): void {
  const lastUsed = new Map<string, number>();
  const scopeUsed = new Map<string, { apiKeyId: string; scope: string; at: number }>();
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
  for (const [apiKeyId, at] of lastUsed) q.run(TOUCH_KEY, [sqliteDate(at), apiKeyId, sqliteDate(at)]);
  for (const u of scopeUsed.values()) q.run(UPSERT_SCOPE_USE, [u.apiKeyId, u.scope, sqliteDate(u.at)]);
}

/**
 * Write a batch in one transaction: raw rows, minute and hour rollups, keys' last-used times and scope usage.
 * Rows whose request id is already stored are skipped and left out of the rollups, so replaying a spool
 * (after a crash between commit and spool cleanup) never double counts. Returns the rows written.
 */
export async function storeLogBatch(bulk: BulkSql, entries: readonly LogEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  // The lock may be held by a transaction of this process (between its awaits) or another one: wait a little.
  return retryWhileBusy("storing request log entries", STORE_WAIT_MS, () =>
    bulk.transaction((q) => {
      const fresh = entries.filter((e) => q.run(INSERT_LOG, logParams(e)) === 1);
      writeRollups(q, fresh);
      touchKeys(q, fresh);
      return fresh.length;
    }),
  );
}

import "server-only";
import { services } from "../services";
import { invalidField } from "../errors";
import type { Actor } from "../auth/actor";
import type { ExpressionBuilder, Kysely } from "kysely";
import { toDate, type LogTables } from "../db/log-db";
import type { LogPageInput } from "./log-query-input";
import { retentionStart } from "./retention";
import type { LogEntry } from "./log-entry";
import type { BoundedTimeRange } from "./time-range";
import { logRowWhere, resolveLogFilter, rollupsCanBoundPage } from "./log-filter";
import { pageBounds, pageSpan } from "./page-bounds";
import type { Span } from "./page-window";

/** A stored log row as the API and dashboard read it (no internal key id, no scope bookkeeping). */
export type LogRow = Omit<LogEntry, "timestamp" | "apiKeyId" | "scopeUsed" | "secretSlot" | "refusal"> & {
  id: string;
  timestamp: string;
  secretSlot: string | null;
};

/** The range a query used; `clamped`: the one asked for reached past the retention window or into the future. */
export type ResolvedRange = { from: string; to: string; clamped: boolean };

export type LogPage = { data: LogRow[]; nextCursor: string | null; range: ResolvedRange };

export function rangeOut(range: BoundedTimeRange): ResolvedRange {
  return { from: range.from.toISOString(), to: range.to.toISOString(), clamped: range.clamped };
}

export function encodeCursor(row: { timestamp: Date; id: string }): string {
  return Buffer.from(`${row.timestamp.getTime()}:${row.id}`).toString("base64url");
}

/** The largest epoch milliseconds a Date holds (year 275760); a cursor past it is not one this API wrote. */
const MAX_DATE_MS = 8.64e15;

export function decodeCursor(cursor: string): { timestamp: Date; id: string } {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const colon = text.indexOf(":");
  const digits = text.slice(0, colon);
  const ms = Number(digits);
  if (colon <= 0 || !/^-?\d+$/.test(digits) || !Number.isSafeInteger(ms) || Math.abs(ms) > MAX_DATE_MS) {
    throw invalidField("query.cursor", "not a cursor this API returned");
  }
  return { timestamp: new Date(ms), id: text.slice(colon + 1) };
}

type LogRecord = Omit<LogRow, "timestamp"> & { timestamp: Date | string };

/** Only the public fields: the internal key id and other columns stay inside. */
export function toLogRow(r: LogRecord): LogRow {
  return {
    id: r.id,
    requestId: r.requestId,
    timestamp: toDate(r.timestamp).toISOString(),
    keyId: r.keyId,
    keyName: r.keyName,
    partner: r.partner,
    ownerId: r.ownerId,
    environment: r.environment,
    method: r.method,
    route: r.route,
    path: r.path,
    status: r.status,
    latencyMs: r.latencyMs,
    ip: r.ip,
    userAgent: r.userAgent,
    errorCode: r.errorCode,
    secretSlot: r.secretSlot,
  };
}

/** The columns a page shows (all but the internal key id). */
export const LOG_ROW_COLUMNS = [
  "id",
  "requestId",
  "timestamp",
  "keyId",
  "keyName",
  "partner",
  "ownerId",
  "environment",
  "method",
  "route",
  "path",
  "status",
  "latencyMs",
  "ip",
  "userAgent",
  "errorCode",
  "secretSlot",
] as const;

/**
 * Rows after a keyset cursor in (timestamp, id) order. Spelled as a plain range on the timestamp plus a
 * tie-break, so any index that leads to the timestamp (the owner's, the key's, the partner's) serves it.
 */
export function keysetAfter(c: { timestamp: Date; id: string }, order: "asc" | "desc", time: (ms: number) => string) {
  const at = time(c.timestamp.getTime());
  const [strict, loose] = order === "desc" ? (["<", "<="] as const) : ([">", ">="] as const);
  return (eb: ExpressionBuilder<LogTables, "RequestLog">) =>
    eb.and([eb("timestamp", loose, at), eb.or([eb("timestamp", strict, at), eb("id", strict, c.id)])]);
}

/** Past this many runs of hours, a page reads from the first run's start to the last one's end, in one statement. */
const RUNS_READ_ONE_BY_ONE = 64;

/**
 * One page of the filtered log, newest first by default, by keyset (timestamp, id): no OFFSET scans. The
 * input is parsed at the edge (the API's guard, or parseOrThrow(logPageInput, ..., "query") in pages/actions).
 */
export async function queryLogs(actor: Actor, q: LogPageInput, now = new Date()): Promise<LogPage> {
  const resolved = await resolveLogFilter(actor, q, now);
  // A request id (from a partner's error body) is found whatever range is selected, within retention.
  const filter = q.requestId
    ? { ...resolved, range: { from: retentionStart(now), to: now, clamped: false } }
    : resolved;
  const { range } = filter;
  const logDb = services().logDb;
  const time = (ms: number) => logDb.time(ms);
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  const need = q.limit + 1;
  const span = pageSpan(range, after, q.order);

  const read = (db: Kysely<LogTables>, from: number, to: number, limit: number) =>
    db
      .selectFrom("RequestLog")
      .select([...LOG_ROW_COLUMNS])
      .where(logRowWhere({ ...filter, range: { ...range, from: new Date(from), to: new Date(to) } }, time))
      .$if(after !== null, (qb) => qb.where(keysetAfter(after!, q.order, time)))
      .orderBy("timestamp", q.order)
      .orderBy("id", q.order)
      .limit(limit)
      .execute();
  type Rows = Awaited<ReturnType<typeof read>>;
  // A few runs of hours are read one after another, in page order, until the page is full: each is one short
  // range of a time index. Many (rows spread thin) are read as one range, from the first run to the last.
  const readRuns = async (db: Kysely<LogTables>, runs: Span[]): Promise<Rows> => {
    if (runs.length > RUNS_READ_ONE_BY_ONE) return read(db, runs[0]!.from, runs[runs.length - 1]!.to, need);
    const rows: Rows = [];
    for (const run of q.order === "desc" ? [...runs].reverse() : runs) {
      rows.push(...(await read(db, run.from, run.to, need - rows.length)));
      if (rows.length >= need) break;
    }
    return rows;
  };
  const rows = !rollupsCanBoundPage(filter)
    ? await read(logDb.kysely, span.from, span.to, need)
    : await logDb.kysely
        .transaction()
        .setIsolationLevel("repeatable read")
        .execute(async (trx): Promise<Rows> => {
          const bounds = await pageBounds(trx, filter, span, need, q.order, now);
          if (bounds === null) return [];
          const first = await readRuns(trx, bounds.window);
          return first.length < need && bounds.fallback ? readRuns(trx, bounds.fallback) : first;
        });
  const page = rows.slice(0, q.limit).map(toLogRow);
  const last = page[page.length - 1];
  return {
    data: page,
    nextCursor:
      rows.length > q.limit && last ? encodeCursor({ timestamp: new Date(last.timestamp), id: last.id }) : null,
    range: rangeOut(range),
  };
}

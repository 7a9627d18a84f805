import "server-only";
import { sql, type Kysely } from "kysely";
import { toDate, type LogTables } from "../db/log-db";
import { services } from "../services";
import { ROLLUP_RESOLUTIONS } from "./log-entry";
import { bucketStart } from "./granularity";
import { rollupBoundWhere, type ResolvedLogFilter } from "./log-filter";
import { pageWindow, type Span } from "./page-window";
import { retentionStart } from "./retention";
import { DAY_MS, type BoundedTimeRange } from "./time-range";

const HOUR_MS = ROLLUP_RESOLUTIONS.hour;

/** The part of the range a page reads: up to (desc) or from (asc) its cursor. */
export function pageSpan(range: BoundedTimeRange, after: { timestamp: Date } | null, order: "asc" | "desc"): Span {
  const span = { from: range.from.getTime(), to: range.to.getTime() };
  if (!after) return span;
  const at = after.timestamp.getTime();
  return order === "desc" ? { ...span, to: Math.min(span.to, at + 1) } : { ...span, from: Math.max(span.from, at) };
}

/**
 * Where a page's rows can be, by the hourly rollups, for filters no index narrows (a route, a method, a status):
 * without this, a filter that selects few rows or none read every row of its range, newest first (about 1 s at
 * 10,000,000 rows; BENCHMARKS.md 8f, 8g). Read in the page's own snapshot (`db`), so rows committed meanwhile
 * are in both reads or in neither.
 *
 * Rollups are written with the raw rows (the same statement on PostgreSQL, the same transaction on SQLite) and
 * purged oldest first, whole hours, never before the raw rows of their hour (retentionDays): every hour from the
 * oldest hourly rollup on has all of its rows counted. Hours before it, or more than a day older than the raw
 * rows' retention (a range may reach back to the rollups' 400 days), are read, never skipped.
 */
export async function pageBounds(
  db: Kysely<LogTables>,
  filter: ResolvedLogFilter,
  span: Span,
  need: number,
  order: "asc" | "desc",
  now: Date,
) {
  const time = (ms: number) => services().logDb.time(ms);
  const oldest = await db
    .selectFrom("RequestRollup")
    .where("resolution", "=", "hour")
    .select((eb) => eb.fn.min("bucketStart").as("hour"))
    .executeTakeFirst();
  if (!oldest?.hour) return pageWindow([], span, Infinity, need, order);
  const coveredFrom = Math.max(toDate(oldest.hour).getTime(), retentionStart(now).getTime() - DAY_MS);
  const hours = { from: new Date(Math.max(bucketStart(span.from, HOUR_MS), coveredFrom)), to: new Date(span.to) };
  const { where, certain } = rollupBoundWhere(filter, hours, time);
  const rows = await db
    .selectFrom("RequestRollup")
    .where(where)
    .select((eb) => [
      "bucketStart",
      sql<string | number>`sum(${eb.ref("count")})`.as("upper"),
      sql<string | number>`sum(case when ${certain(eb)} then ${eb.ref("count")} else 0 end)`.as("lower"),
    ])
    .groupBy("bucketStart")
    .execute();
  const counts = rows.map((r) => ({
    hour: toDate(r.bucketStart).getTime(),
    upper: Number(r.upper),
    lower: Number(r.lower),
  }));
  return pageWindow(counts, span, coveredFrom, need, order);
}

import "server-only";
import { db, type Prisma } from "../db";
import { invalidField } from "../errors";
import { environmentFilter, ownerFilter, type Actor } from "../auth/actor";
import type { LogFilterInput, LogPageInput } from "./log-query-input";
import { resolveTimeRange, type TimeRange } from "./time-range";
import { retentionStart } from "./retention";
import type { LogEntry } from "./log-entry";

/** A stored log row as the API and dashboard read it (no internal key id, no scope bookkeeping). */
export type LogRow = Omit<LogEntry, "timestamp" | "apiKeyId" | "scopeUsed" | "secretSlot" | "refusal"> & {
  id: string;
  timestamp: string;
  secretSlot: string | null;
};

export type LogPage = { data: LogRow[]; nextCursor: string | null; range: { from: string; to: string } };

/** The owner ids a query is limited to: the actor's own, or (support) everyone / the one user asked for. */
async function ownerCondition(actor: Actor, user: string | undefined): Promise<string | null | "nobody"> {
  const own = ownerFilter(actor);
  if (own !== null) return own;
  if (!user) return null;
  const found = await db().user.findFirst({
    where: { OR: [{ id: user }, { email: user.toLowerCase() }] },
    select: { id: true },
  });
  return found?.id ?? "nobody";
}

/** A log filter with the owner resolved: what both the ORM and the SQL export path build their WHERE from. */
export type ResolvedLogFilter = {
  range: TimeRange;
  /** null: every owner (support staff); "nobody": a support filter for a user that does not exist. */
  owner: string | null | "nobody";
  /** A test key reads only test traffic. */
  environment: "test" | null;
  keyIds: string[];
  partners: string[];
  methods: string[];
  routes: string[];
  statusClasses: string[];
  statuses: number[];
  requestId?: string;
  errorCode?: string;
};

/** Every read of the log starts here, so the owner filter cannot be forgotten. */
export async function resolveLogFilter(actor: Actor, f: LogFilterInput, now = new Date()): Promise<ResolvedLogFilter> {
  const status = f.status ?? [];
  return {
    range: resolveTimeRange(f, now),
    owner: await ownerCondition(actor, f.user),
    environment: environmentFilter(actor),
    keyIds: f.keyId ?? [],
    partners: f.partner ?? [],
    methods: f.method ?? [],
    routes: f.route ?? [],
    statusClasses: status.filter((s) => typeof s === "string") as string[],
    statuses: status.filter((s): s is number => typeof s === "number"),
    requestId: f.requestId,
    errorCode: f.errorCode,
  };
}

export function prismaLogWhere(r: ResolvedLogFilter): Prisma.RequestLogWhereInput {
  const and: Prisma.RequestLogWhereInput[] = [{ timestamp: { gte: r.range.from, lt: r.range.to } }];
  if (r.owner === "nobody") and.push({ ownerId: "__nobody__" });
  else if (r.owner) and.push({ ownerId: r.owner });
  if (r.environment) and.push({ environment: r.environment });
  if (r.keyIds.length) and.push({ keyId: { in: r.keyIds } });
  if (r.partners.length) and.push({ partner: { in: r.partners } });
  if (r.methods.length) and.push({ method: { in: r.methods } });
  if (r.routes.length) and.push({ route: { in: r.routes } });
  if (r.requestId) and.push({ requestId: r.requestId });
  if (r.errorCode) and.push({ errorCode: r.errorCode });
  if (r.statusClasses.length || r.statuses.length) {
    and.push({
      OR: [
        ...(r.statusClasses.length ? [{ statusClass: { in: r.statusClasses } }] : []),
        ...(r.statuses.length ? [{ status: { in: r.statuses } }] : []),
      ],
    });
  }
  return { AND: and };
}

export function encodeCursor(row: { timestamp: Date; id: string }): string {
  return Buffer.from(`${row.timestamp.getTime()}:${row.id}`).toString("base64url");
}

export function decodeCursor(cursor: string): { timestamp: Date; id: string } {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const colon = text.indexOf(":");
  const ms = Number(text.slice(0, colon));
  if (colon <= 0 || !Number.isFinite(ms)) {
    throw invalidField("query.cursor", "not a cursor this API returned");
  }
  return { timestamp: new Date(ms), id: text.slice(colon + 1) };
}

type LogRecord = Omit<LogRow, "timestamp"> & { timestamp: Date };

/** Only the public fields: the internal key id and other columns stay inside. */
export function toLogRow(r: LogRecord): LogRow {
  return {
    id: r.id,
    requestId: r.requestId,
    timestamp: r.timestamp.toISOString(),
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

/**
 * One page of the filtered log, newest first by default, by keyset (timestamp, id): no OFFSET scans. The
 * input is parsed at the edge (the API's guard, or parseOrThrow(logPageInput, ..., "query") in pages/actions).
 */
export async function queryLogs(actor: Actor, q: LogPageInput, now = new Date()): Promise<LogPage> {
  const resolved = await resolveLogFilter(actor, q, now);
  // A request id (from a partner's error body) is found whatever range is selected, within retention.
  const filter = q.requestId ? { ...resolved, range: { from: retentionStart(now), to: now } } : resolved;
  const { range } = filter;
  const where = prismaLogWhere(filter);
  const desc = q.order === "desc";
  const and = [where];
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    and.push(
      desc
        ? { OR: [{ timestamp: { lt: c.timestamp } }, { timestamp: c.timestamp, id: { lt: c.id } }] }
        : { OR: [{ timestamp: { gt: c.timestamp } }, { timestamp: c.timestamp, id: { gt: c.id } }] },
    );
  }
  const rows = await db().requestLog.findMany({
    where: { AND: and },
    orderBy: [{ timestamp: q.order }, { id: q.order }],
    take: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    data: page.map(toLogRow),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null,
    range: { from: range.from.toISOString(), to: range.to.toISOString() },
  };
}

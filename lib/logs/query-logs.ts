import { db, type Prisma } from "../db";
import { ApiError, parseOrThrow } from "../errors";
import { ownerFilter, type Actor } from "../auth/actor";
import { logPageInput, type LogFilterInput } from "./log-query-input";
import { resolveTimeRange, type TimeRange } from "./time-range";

export type LogRow = {
  id: string;
  requestId: string;
  timestamp: string;
  keyId: string | null;
  keyName: string | null;
  partner: string | null;
  ownerId: string | null;
  environment: string | null;
  method: string;
  route: string;
  path: string;
  status: number;
  latencyMs: number;
  ip: string | null;
  userAgent: string | null;
  errorCode: string | null;
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

/** Build the WHERE for a filtered log view. Every read of the log goes through here (owner filter included). */
export async function logWhere(
  actor: Actor,
  f: LogFilterInput,
  now = new Date(),
): Promise<{ where: Prisma.RequestLogWhereInput; range: TimeRange }> {
  const range = resolveTimeRange(f, now);
  const owner = await ownerCondition(actor, f.user);
  const and: Prisma.RequestLogWhereInput[] = [{ timestamp: { gte: range.from, lt: range.to } }];
  if (owner === "nobody") and.push({ ownerId: "__nobody__" });
  else if (owner) and.push({ ownerId: owner });
  if (f.keyId?.length) and.push({ keyId: { in: f.keyId } });
  if (f.partner?.length) and.push({ partner: { in: f.partner } });
  if (f.method?.length) and.push({ method: { in: f.method } });
  if (f.route?.length) and.push({ route: { in: f.route } });
  if (f.requestId) and.push({ requestId: f.requestId });
  if (f.errorCode) and.push({ errorCode: f.errorCode });
  if (f.status?.length) {
    const classes = f.status.filter((s) => typeof s === "string") as string[];
    const exact = f.status.filter((s): s is number => typeof s === "number");
    and.push({
      OR: [
        ...(classes.length ? [{ statusClass: { in: classes } }] : []),
        ...(exact.length ? [{ status: { in: exact } }] : []),
      ],
    });
  }
  return { where: { AND: and }, range };
}

export function encodeCursor(row: { timestamp: Date; id: string }): string {
  return Buffer.from(`${row.timestamp.getTime()}:${row.id}`).toString("base64url");
}

export function decodeCursor(cursor: string): { timestamp: Date; id: string } {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const colon = text.indexOf(":");
  const ms = Number(text.slice(0, colon));
  if (colon <= 0 || !Number.isFinite(ms)) {
    throw new ApiError("validation_failed", "query.cursor: not a cursor this API returned", {
      details: { issues: [{ field: "query.cursor", message: "not a cursor this API returned" }] },
    });
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

/** One page of the filtered log, newest first by default, by keyset (timestamp, id): no OFFSET scans. */
export async function queryLogs(actor: Actor, input: unknown, now = new Date()): Promise<LogPage> {
  const q = parseOrThrow(logPageInput, input, "query");
  const { where, range } = await logWhere(actor, q, now);
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

import "server-only";
import { sql, type ExpressionBuilder, type Expression, type SqlBool } from "kysely";
import { db, type Prisma } from "../db";
import { environmentFilter, ownerFilter, type Actor } from "../auth/actor";
import type { LogTables } from "../db/log-db";
import type { LogFilterInput } from "./log-query-input";
import { boundTimeRange, resolveTimeRange, type BoundedTimeRange, type TimeRange } from "./time-range";
import { retentionDays } from "./retention";
import { loggedKeyId, STATUS_CLASS_RANGES, statusClass, type StatusClass } from "./log-entry";
import { requestIdIssuedAt } from "../http/request-id";

/**
 * A log filter with the owner resolved: what every read of the log (pages, charts, CSV export) builds its WHERE
 * from, here and only here.
 */
export type ResolvedLogFilter = {
  /** Bounded to the retention window and to now (lib/logs/time-range.ts boundTimeRange). */
  range: BoundedTimeRange;
  /** null: every owner (support staff); "nobody": a support filter for a user that does not exist. */
  owner: string | null | "nobody";
  /** A test key reads only test traffic. */
  environment: "test" | null;
  keyIds: string[];
  partners: string[];
  methods: string[];
  routes: string[];
  statusClasses: StatusClass[];
  statuses: number[];
  requestId?: string;
  errorCode?: string;
};

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

/**
 * The public ids of the keys `where` selects, narrowed by any key filter given: how a partner filter and a sandbox
 * reader name their keys to the log (indexed by public key id). No such key: an id no key has, which matches nothing.
 */
async function keyIdsWhere(
  where: Prisma.ApiKeyWhereInput,
  narrowTo: readonly string[] | undefined,
  take?: number,
): Promise<string[]> {
  const keys = await db().apiKey.findMany({
    where: { ...where, ...(narrowTo?.length ? { keyId: { in: [...narrowTo] } } : {}) },
    select: { keyId: true },
    ...(take === undefined ? {} : { take }),
  });
  return keys.length ? keys.map((k) => k.keyId) : ["__no_key__"];
}

/** A partner filter becomes its keys' ids (the log records keys, and a partner's keys are known). */
function partnerKeyIds(partnerIds: readonly string[], keyIds: readonly string[] | undefined, owner: string | null) {
  return keyIdsWhere(
    { partnerId: { in: [...partnerIds] }, ...(owner ? { ownerId: owner === "nobody" ? "__nobody__" : owner } : {}) },
    keyIds,
  );
}

/**
 * A sandbox (test key) reader sees its owner's test traffic, and only the owner's test keys make test traffic (the
 * guard records the key's own environment, fixed when the key is created): the filter names those keys too, so
 * the key index finds the few test rows instead of a walk through the owner's live ones. An owner with more test
 * keys than a statement should list keeps the environment condition alone (the same rows, without the index).
 */
async function sandboxKeyIds(owner: string, keyIds: readonly string[]): Promise<string[]> {
  const listed = await keyIdsWhere({ ownerId: owner, environment: "test" }, keyIds, SANDBOX_KEYS_LISTED + 1);
  return listed.length > SANDBOX_KEYS_LISTED ? [...keyIds] : listed;
}
const SANDBOX_KEYS_LISTED = 500;

/** Every read of the log starts here, so the owner filter cannot be forgotten. */
export async function resolveLogFilter(actor: Actor, f: LogFilterInput, now = new Date()): Promise<ResolvedLogFilter> {
  const status = f.status ?? [];
  const owner = await ownerCondition(actor, f.user);
  const environment = environmentFilter(actor);
  const keyIds = f.partnerId?.length ? await partnerKeyIds(f.partnerId, f.keyId, owner) : (f.keyId ?? []);
  return {
    range: boundTimeRange(resolveTimeRange(f, now), now, retentionDays().rollups),
    owner,
    environment,
    keyIds:
      environment === "test" && owner !== null && owner !== "nobody" ? await sandboxKeyIds(owner, keyIds) : keyIds,
    partners: f.partner ?? [],
    methods: f.method ?? [],
    routes: f.route ?? [],
    statusClasses: status.filter((s) => typeof s === "string"),
    statuses: status.filter((s): s is number => typeof s === "number"),
    requestId: f.requestId,
    errorCode: f.errorCode,
  };
}

/**
 * Rollups can answer filters on key, partner, route, method and status class; anything finer needs raw rows.
 * They carry no environment either, so a sandbox (test key) reader gets the raw, environment-filtered path.
 */
export function rollupsCanAnswer(r: ResolvedLogFilter): boolean {
  return !r.requestId && !r.errorCode && r.statuses.length === 0 && r.environment === null;
}

type Bound = (ms: number) => string;
type LogEb = ExpressionBuilder<LogTables, "RequestLog">;
type RollupEb = ExpressionBuilder<LogTables, "RequestRollup">;

/** Every status class a filter's classes and exact statuses can match, each once. */
function classesOf(r: ResolvedLogFilter): StatusClass[] {
  return [...new Set([...r.statusClasses, ...r.statuses.map(statusClass)])];
}

/** "No such user" is spelled once: a condition no row meets. */
const NOTHING = sql<SqlBool>`1 = 0`;

/** How far from the time its id carries a request's entry may be stamped (both are its arrival, to the ms). */
const STAMP_BEFORE_ID_MS = 1_000;
const STAMP_AFTER_ID_MS = 60_000;

/**
 * The rows of one request id. The id is also the row id (log-store's logValues), and an id Keyward issues carries
 * its request's arrival, which its entry is stamped with: the primary key ("timestamp", "id") finds it in one short
 * range (one partition on PostgreSQL), so the log needs no request-id index, which every insert would pay for. An
 * id of any other shape was never issued: it matches nothing (rather than a scan of the whole log).
 */
export function requestIdWhere(eb: LogEb, requestId: string, time: Bound): Expression<SqlBool> {
  const at = requestIdIssuedAt(requestId);
  if (at === null) return NOTHING;
  return eb.and([
    eb("id", "=", requestId),
    eb("timestamp", ">=", time(at - STAMP_BEFORE_ID_MS)),
    eb("timestamp", "<", time(at + STAMP_AFTER_ID_MS)),
  ]);
}

/**
 * The raw rows of these keys. The guard writes both ids of a key on each of its rows (and a key's public id never
 * changes); the log is indexed by the public one, in the form it keeps it (loggedKeyId): naming both selects the
 * same rows as the internal id alone, through that index.
 */
export function keyRowsWhere(keys: readonly { id: string; keyId: string }[]) {
  const ids = keys.map((k) => k.id);
  const publicIds = keys.map((k) => loggedKeyId(k.keyId));
  return (eb: LogEb): Expression<SqlBool> => eb.and([eb("apiKeyId", "in", ids), eb("keyId", "in", publicIds)]);
}

/** A status class as its status range: the one index on the status serves it. */
function statusClassWhere(eb: LogEb, cls: StatusClass): Expression<SqlBool> {
  const range = STATUS_CLASS_RANGES[cls];
  const and: Expression<SqlBool>[] = [];
  if (range.from !== undefined) and.push(eb("status", ">=", range.from));
  if (range.below !== undefined) and.push(eb("status", "<", range.below));
  return eb.and(and);
}

/** The raw rows a filter selects: pages, raw charts and the CSV export all use this. */
export function logRowWhere(r: ResolvedLogFilter, time: Bound) {
  return (eb: LogEb): Expression<SqlBool> => {
    const and: Expression<SqlBool>[] = [
      eb("timestamp", ">=", time(r.range.from.getTime())),
      eb("timestamp", "<", time(r.range.to.getTime())),
    ];
    if (r.owner === "nobody") and.push(NOTHING);
    else if (r.owner !== null) and.push(eb("ownerId", "=", r.owner));
    if (r.environment) and.push(eb("environment", "=", r.environment));
    if (r.keyIds.length) and.push(eb("keyId", "in", r.keyIds.map(loggedKeyId)));
    if (r.partners.length) and.push(eb("partner", "in", r.partners));
    if (r.methods.length) and.push(eb("method", "in", r.methods));
    if (r.routes.length) and.push(eb("route", "in", r.routes));
    if (r.requestId) and.push(requestIdWhere(eb, r.requestId, time));
    if (r.errorCode) and.push(eb("errorCode", "=", r.errorCode));
    if (r.statusClasses.length || r.statuses.length) {
      // A row's class is a function of its status (statusClass): a class is spelled as its status range, so one
      // index on the status (PostgreSQL's ("status", "timestamp")) serves classes and exact statuses alike.
      const either = r.statusClasses.map((c) => statusClassWhere(eb, c));
      if (r.statuses.length) either.push(eb("status", "in", r.statuses));
      and.push(eb.or(either));
    }
    return eb.and(and);
  };
}

/**
 * Whether the hourly rollups can bound where a page's rows are (lib/logs/page-window.ts): filters on route, method
 * or status, which no index of the raw log narrows, and no condition the rollups cannot see or spell the same way
 * (environment, a key id, which may be one no key has, a partner name, which a key can change within an hour).
 */
export function rollupsCanBoundPage(r: ResolvedLogFilter): boolean {
  const narrow = r.methods.length || r.routes.length || r.statusClasses.length || r.statuses.length;
  return (
    Boolean(narrow) &&
    r.owner !== "nobody" &&
    r.environment === null &&
    !r.requestId &&
    !r.keyIds.length &&
    !r.partners.length
  );
}

/**
 * For rollupsCanBoundPage filters: the hourly rollup rows that can count rows the filter selects (`where`), and
 * those that count only such rows (`certain`; none when the filter is finer than a rollup: an exact status is
 * counted with its class, an error code not at all). An owner's rows are counted under its keys; rows of no known
 * key (rollup key "") can be anyone's, so they bound but are not certain. (The guard writes an owner only with its
 * key, but a bound must hold for whatever rows the log has.)
 */
export function rollupBoundWhere(r: ResolvedLogFilter, window: TimeRange, time: Bound) {
  const exact = r.statuses.length === 0 && !r.errorCode;
  const classes = { ...r, statusClasses: classesOf(r), statuses: [] };
  return {
    where: rollupWhere(classes, "hour", window, time, { keylessRows: true }),
    certain: (eb: RollupEb): Expression<SqlBool> =>
      !exact ? NOTHING : r.owner !== null ? eb("apiKeyId", "<>", "") : sql<SqlBool>`1 = 1`,
  };
}

/**
 * The rollup rows a filter selects (only for filters rollupsCanAnswer), between bucket starts `window`. Rollups
 * are keyed by the internal key id; the filter names public ids, resolved in the same query (and only the
 * owner's: another owner's key id selects nothing). `keylessRows`: an owner's filter also takes the rows of no known
 * key (rollup key ""), whose owner the rollup cannot vouch for (page bounds: an upper bound must hold for any row).
 */
export function rollupWhere(
  r: ResolvedLogFilter,
  resolution: string,
  window: TimeRange,
  time: Bound,
  opts: { keylessRows?: boolean } = {},
) {
  return (eb: RollupEb): Expression<SqlBool> => {
    const and: Expression<SqlBool>[] = [
      eb("resolution", "=", resolution),
      eb("bucketStart", ">=", time(window.from.getTime())),
      eb("bucketStart", "<", time(window.to.getTime())),
    ];
    if (r.owner === "nobody") and.push(NOTHING);
    else if (r.owner !== null) {
      const own = eb("ownerId", "=", r.owner);
      and.push(opts.keylessRows ? eb.or([own, eb("apiKeyId", "=", "")]) : own);
    }
    if (r.keyIds.length) {
      const owner = r.owner;
      and.push(
        eb(
          "apiKeyId",
          "in",
          eb
            .selectFrom("ApiKey")
            .select("ApiKey.id")
            .where("ApiKey.keyId", "in", r.keyIds)
            .$if(owner !== null, (q) => q.where("ApiKey.ownerId", "=", owner!)),
        ),
      );
    }
    if (r.partners.length) and.push(eb("partner", "in", r.partners));
    if (r.routes.length) and.push(eb("route", "in", r.routes));
    if (r.methods.length) and.push(eb("method", "in", r.methods));
    if (r.statusClasses.length) and.push(eb("statusClass", "in", r.statusClasses));
    return eb.and(and);
  };
}

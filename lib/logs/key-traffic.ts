import "server-only";
import { services } from "../services";
import { keyRowsWhere } from "./log-filter";
import { toDate } from "../db/log-db";

export type KeyTraffic = { requests: number; errors: number };

/**
 * Requests and errors (4xx, 5xx) per internal key id since `from`, from the hourly rollups (never raw rows):
 * what the partners list shows per partner. The caller passes only key ids the actor may see.
 */
export async function trafficByKey(apiKeyIds: readonly string[], from: Date): Promise<Map<string, KeyTraffic>> {
  const out = new Map<string, KeyTraffic>();
  if (apiKeyIds.length === 0) return out;
  const logDb = services().logDb;
  const rows = await logDb.kysely
    .selectFrom("RequestRollup")
    .select((eb) => ["apiKeyId", "statusClass", eb.fn.sum<number>("count").as("requests")])
    .where("resolution", "=", "hour")
    .where("apiKeyId", "in", [...apiKeyIds])
    .where("bucketStart", ">=", logDb.time(from.getTime()))
    .groupBy(["apiKeyId", "statusClass"])
    .execute();
  for (const r of rows) {
    const t = out.get(r.apiKeyId) ?? { requests: 0, errors: 0 };
    const n = Number(r.requests ?? 0);
    t.requests += n;
    if (r.statusClass === "4xx" || r.statusClass === "5xx") t.errors += n;
    out.set(r.apiKeyId, t);
  }
  return out;
}

export type EndpointUse = { method: string; route: string; requests: number; lastSeenAt: string };

/**
 * The endpoints one key was answered successfully on (2xx, 3xx) since `from`, most used first, from the hourly
 * rollups: what a legacy key's migration assistant bases the scopes of its replacement on.
 */
export async function endpointsUsedByKey(apiKeyId: string, from: Date): Promise<EndpointUse[]> {
  const logDb = services().logDb;
  const rows = await logDb.kysely
    .selectFrom("RequestRollup")
    .select((eb) => ["method", "route", eb.fn.sum<number>("count").as("requests"), eb.fn.max("bucketStart").as("last")])
    .where("resolution", "=", "hour")
    .where("apiKeyId", "=", apiKeyId)
    .where("bucketStart", ">=", logDb.time(from.getTime()))
    .where("statusClass", "in", ["2xx", "3xx"])
    .groupBy(["method", "route"])
    .execute();
  return rows
    .map((r) => ({
      method: r.method,
      route: r.route,
      requests: Number(r.requests ?? 0),
      lastSeenAt: toDate(r.last).toISOString(),
    }))
    .filter((r) => r.requests > 0)
    .sort((a, b) => b.requests - a.requests);
}

/** Successful requests (status < 400) with one key since `since`, and the latest one, from the raw log. */
export async function successfulUseSince(
  key: { id: string; keyId: string },
  since: Date,
): Promise<{ requests: number; lastSeenAt: string | null }> {
  const logDb = services().logDb;
  const row = await logDb.kysely
    .selectFrom("RequestLog")
    .select((eb) => [eb.fn.countAll<number>().as("requests"), eb.fn.max("timestamp").as("last")])
    .where(keyRowsWhere([key]))
    .where("timestamp", ">=", logDb.time(since.getTime()))
    .where("status", "<", 400)
    .executeTakeFirst();
  const requests = Number(row?.requests ?? 0);
  return { requests, lastSeenAt: requests && row?.last ? toDate(row.last).toISOString() : null };
}

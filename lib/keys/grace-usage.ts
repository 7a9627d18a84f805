import "server-only";
import { keyRowsWhere } from "../logs/log-filter";
import { db } from "../db";
import { toDate } from "../db/log-db";
import { services } from "../services";
import type { Actor } from "../auth/actor";
import { findVisibleKeyOrThrow } from "./key-access";

export type GraceUsage = {
  /** Requests that authenticated with a rotated-out secret since the last rotation. */
  requests: number;
  lastSeenAt: string | null;
  byIp: { ip: string | null; requests: number; lastSeenAt: string }[];
};

/**
 * Who still uses the old secret during a rotation's grace period, and from where: the user ends the grace
 * (rotates again with 0, or waits) once this stays at zero.
 */
export async function graceUsage(actor: Actor, keyId: string): Promise<GraceUsage> {
  const key = await findVisibleKeyOrThrow(db(), actor, keyId);
  const lastRotation = await db().auditEvent.findFirst({
    where: { apiKeyId: key.id, action: "rotated" },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true },
  });
  if (!lastRotation) return { requests: 0, lastSeenAt: null, byIp: [] };
  const logDb = services().logDb;
  const groups = await logDb.kysely
    .selectFrom("RequestLog")
    .select((eb) => ["ip", eb.fn.countAll<number>().as("requests"), eb.fn.max("timestamp").as("last")])
    .where(keyRowsWhere([key]))
    .where("secretSlot", "=", "previous")
    .where("timestamp", ">=", logDb.time(lastRotation.createdAt.getTime()))
    .groupBy("ip")
    .execute();
  const byIp = groups
    .map((g) => ({ ip: g.ip, requests: Number(g.requests), lastSeenAt: toDate(g.last).toISOString() }))
    .sort((a, b) => b.requests - a.requests);
  const lastSeen = byIp.reduce<string | null>((m, g) => (!m || g.lastSeenAt > m ? g.lastSeenAt : m), null);
  return { requests: byIp.reduce((n, g) => n + g.requests, 0), lastSeenAt: lastSeen, byIp };
}

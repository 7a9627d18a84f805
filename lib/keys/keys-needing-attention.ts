import "server-only";
import { db } from "../db";
import { toDate } from "../db/log-db";
import { services } from "../services";
import { ownerFilter, type Actor } from "../auth/actor";
import { normaliseScopes } from "../scopes";
import { parseJsonArray } from "./key-view";

const DAY = 86_400_000;

export type AttentionItem = {
  keyId: string;
  name: string;
  partner: string | null;
  reason: "expiring_soon" | "revoked_still_used" | "unused_30_days" | "unused_scopes";
  detail: string;
};

/**
 * Keys a person should look at: expiring within 14 days, revoked but still being tried (last 7 days), unused
 * for 30 days, or holding scopes they never used (least privilege says drop them).
 */
export async function keysNeedingAttention(actor: Actor, now = new Date()): Promise<AttentionItem[]> {
  const owner = ownerFilter(actor);
  const mine = owner ? { ownerId: owner } : {};
  const items: AttentionItem[] = [];

  const expiring = await db().apiKey.findMany({
    where: { ...mine, status: "active", expiresAt: { gt: now, lte: new Date(now.getTime() + 14 * DAY) } },
    orderBy: { expiresAt: "asc" },
    take: 20,
  });
  for (const k of expiring) {
    const days = Math.max(0, Math.ceil((k.expiresAt!.getTime() - now.getTime()) / DAY));
    items.push({
      keyId: k.keyId,
      name: k.name,
      partner: k.partner,
      reason: "expiring_soon",
      detail: `expires in ${days} day${days === 1 ? "" : "s"}`,
    });
  }

  const logDb = services().logDb;
  const revokedTries = await logDb.kysely
    .selectFrom("RequestLog")
    .select((eb) => ["keyId", eb.fn.countAll<number>().as("tries"), eb.fn.max("timestamp").as("last")])
    .where("errorCode", "=", "key_revoked")
    .where("timestamp", ">=", logDb.time(now.getTime() - 7 * DAY))
    .where("keyId", "is not", null)
    .$if(owner !== null, (q) => q.where("ownerId", "=", owner!))
    .groupBy("keyId")
    .orderBy("tries", "desc")
    .limit(20)
    .execute();
  if (revokedTries.length) {
    const keys = await db().apiKey.findMany({
      where: { keyId: { in: revokedTries.map((r) => r.keyId!) } },
    });
    const byId = new Map(keys.map((k) => [k.keyId, k]));
    for (const r of revokedTries) {
      const k = r.keyId ? byId.get(r.keyId) : undefined;
      if (!k) continue;
      const tries = Number(r.tries);
      items.push({
        keyId: k.keyId,
        name: k.name,
        partner: k.partner,
        reason: "revoked_still_used",
        detail: `revoked, but tried ${tries} time${tries === 1 ? "" : "s"} in the last 7 days (last ${toDate(r.last).toISOString()})`,
      });
    }
  }

  const monthAgo = new Date(now.getTime() - 30 * DAY);
  const unused = await db().apiKey.findMany({
    where: {
      ...mine,
      status: "active",
      createdAt: { lte: monthAgo },
      OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: monthAgo } }],
      AND: [{ OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }],
    },
    take: 20,
  });
  for (const k of unused) {
    items.push({
      keyId: k.keyId,
      name: k.name,
      partner: k.partner,
      reason: "unused_30_days",
      detail: k.lastUsedAt ? `last used ${k.lastUsedAt.toISOString()}` : "never used",
    });
  }

  // Scopes never used: only for keys old enough (7 days) and used at least once, so new keys are not nagged.
  const established = await db().apiKey.findMany({
    where: {
      ...mine,
      status: "active",
      createdAt: { lte: new Date(now.getTime() - 7 * DAY) },
      lastUsedAt: { not: null },
    },
    select: { id: true, keyId: true, name: true, partner: true, scopes: true },
    take: 200,
  });
  if (established.length) {
    const usage = await db().keyScopeUsage.findMany({ where: { apiKeyId: { in: established.map((k) => k.id) } } });
    const used = new Map<string, Set<string>>();
    for (const u of usage) (used.get(u.apiKeyId) ?? used.set(u.apiKeyId, new Set()).get(u.apiKeyId)!).add(u.scope);
    for (const k of established) {
      const never = normaliseScopes(parseJsonArray(k.scopes)).filter((s) => !used.get(k.id)?.has(s));
      if (never.length) {
        items.push({
          keyId: k.keyId,
          name: k.name,
          partner: k.partner,
          reason: "unused_scopes",
          detail: `never used ${never.join(", ")}`,
        });
      }
    }
  }
  return items;
}

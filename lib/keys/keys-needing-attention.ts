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
  reason:
    "expiring_soon" | "revoked_still_used" | "high_error_rate" | "refusal_burst" | "unused_30_days" | "unused_scopes";
  detail: string;
};

/** A key failing at least this share of its calls over the last 24 hours (with enough calls to judge) is flagged. */
export const ERROR_RATE_THRESHOLD = 0.2;
export const ERROR_RATE_MIN_REQUESTS = 20;
/** This many credential refusals (wrong or old secret) of one key within the last hour is a burst. */
export const REFUSAL_BURST_THRESHOLD = 10;
const HOUR = 3_600_000;

const percent = (share: number) => `${Math.round(share * 100)}%`;

/**
 * Keys a person should look at: expiring within 14 days, revoked but still being tried (last 7 days), failing
 * a large share of their calls (last 24 hours, from the hourly rollups), refused for a wrong or old secret again
 * and again (last hour), unused for 30 days, or holding scopes they never used (least privilege says drop them).
 */
const partnerName = { partner: { select: { name: true } } } as const;

export async function keysNeedingAttention(actor: Actor, now = new Date()): Promise<AttentionItem[]> {
  const owner = ownerFilter(actor);
  const mine = owner ? { ownerId: owner } : {};
  const items: AttentionItem[] = [];

  const expiring = await db().apiKey.findMany({
    where: { ...mine, status: "active", expiresAt: { gt: now, lte: new Date(now.getTime() + 14 * DAY) } },
    orderBy: { expiresAt: "asc" },
    include: partnerName,
    take: 20,
  });
  for (const k of expiring) {
    const days = Math.max(0, Math.ceil((k.expiresAt!.getTime() - now.getTime()) / DAY));
    items.push({
      keyId: k.keyId,
      name: k.name,
      partner: k.partner?.name ?? null,
      reason: "expiring_soon",
      detail: `expires in ${days} day${days === 1 ? "" : "s"}`,
    });
  }

  const logDb = services().logDb;
  const revokedTries = await logDb.kysely
    .selectFrom("RequestLog")
    // By the internal id, which the guard records with every refusal of a known key: the log keeps only the first
    // 64 characters of a public id, and a legacy one may be longer.
    .select((eb) => ["apiKeyId", eb.fn.countAll<number>().as("tries"), eb.fn.max("timestamp").as("last")])
    .where("errorCode", "=", "key_revoked")
    .where("timestamp", ">=", logDb.time(now.getTime() - 7 * DAY))
    .where("apiKeyId", "is not", null)
    .$if(owner !== null, (q) => q.where("ownerId", "=", owner!))
    .groupBy("apiKeyId")
    .orderBy("tries", "desc")
    .limit(20)
    .execute();
  if (revokedTries.length) {
    const keys = await db().apiKey.findMany({
      where: { id: { in: revokedTries.map((r) => r.apiKeyId!) } },
      include: partnerName,
    });
    const byId = new Map(keys.map((k) => [k.id, k]));
    for (const r of revokedTries) {
      const k = r.apiKeyId ? byId.get(r.apiKeyId) : undefined;
      if (!k) continue;
      const tries = Number(r.tries);
      items.push({
        keyId: k.keyId,
        name: k.name,
        partner: k.partner?.name ?? null,
        reason: "revoked_still_used",
        detail: `revoked, but tried ${tries} time${tries === 1 ? "" : "s"} in the last 7 days (last ${toDate(r.last).toISOString()})`,
      });
    }
  }

  items.push(...(await failingKeys(owner, now)));

  const monthAgo = new Date(now.getTime() - 30 * DAY);
  const unused = await db().apiKey.findMany({
    where: {
      ...mine,
      status: "active",
      createdAt: { lte: monthAgo },
      OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: monthAgo } }],
      AND: [{ OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }],
    },
    include: partnerName,
    take: 20,
  });
  for (const k of unused) {
    items.push({
      keyId: k.keyId,
      name: k.name,
      partner: k.partner?.name ?? null,
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
    select: { id: true, keyId: true, name: true, scopes: true, ...partnerName },
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
          partner: k.partner?.name ?? null,
          reason: "unused_scopes",
          detail: `never used ${never.join(", ")}`,
        });
      }
    }
  }
  return items;
}

/** High error rate (4xx and 5xx over all calls, last 24 hours) and bursts of credential refusals (last hour). */
async function failingKeys(owner: string | null, now: Date): Promise<AttentionItem[]> {
  const logDb = services().logDb;
  const rolled = await logDb.kysely
    .selectFrom("RequestRollup")
    .select((eb) => ["apiKeyId", "statusClass", eb.fn.sum<number | string>("count").as("n")])
    .where("resolution", "=", "hour")
    .where("apiKeyId", "!=", "")
    .where("bucketStart", ">=", logDb.time(now.getTime() - DAY))
    .where("bucketStart", "<", logDb.time(now.getTime()))
    .$if(owner !== null, (q) => q.where("ownerId", "=", owner!))
    .groupBy(["apiKeyId", "statusClass"])
    .execute();
  const totals = new Map<string, { all: number; failed: number }>();
  for (const r of rolled) {
    const t = totals.get(r.apiKeyId) ?? { all: 0, failed: 0 };
    const n = Number(r.n);
    t.all += n;
    if (r.statusClass === "4xx" || r.statusClass === "5xx") t.failed += n;
    totals.set(r.apiKeyId, t);
  }
  const failing = [...totals]
    .filter(([, t]) => t.all >= ERROR_RATE_MIN_REQUESTS && t.failed / t.all >= ERROR_RATE_THRESHOLD)
    .sort(([, a], [, b]) => b.failed / b.all - a.failed / a.all)
    .slice(0, 20);

  const bursts = await logDb.kysely
    .selectFrom("RequestLog")
    .select((eb) => ["apiKeyId", eb.fn.countAll<number | string>().as("refusals")])
    .where("errorCode", "=", "invalid_credentials")
    .where("apiKeyId", "is not", null)
    .where("timestamp", ">=", logDb.time(now.getTime() - HOUR))
    .where("timestamp", "<=", logDb.time(now.getTime()))
    .$if(owner !== null, (q) => q.where("ownerId", "=", owner!))
    .groupBy("apiKeyId")
    .orderBy("refusals", "desc")
    .limit(20)
    .execute();
  const burstIds = bursts
    .map((b) => ({ apiKeyId: b.apiKeyId!, refusals: Number(b.refusals) }))
    .filter((b) => b.refusals >= REFUSAL_BURST_THRESHOLD);

  const ids = [...new Set([...failing.map(([id]) => id), ...burstIds.map((b) => b.apiKeyId)])];
  if (ids.length === 0) return [];
  const keys = await db().apiKey.findMany({
    where: { id: { in: ids }, status: { not: "revoked" } },
    select: { id: true, keyId: true, name: true, ...partnerName },
  });
  const byId = new Map(keys.map((k) => [k.id, k]));
  const items: AttentionItem[] = [];
  for (const [id, t] of failing) {
    const k = byId.get(id);
    if (!k) continue;
    items.push({
      keyId: k.keyId,
      name: k.name,
      partner: k.partner?.name ?? null,
      reason: "high_error_rate",
      detail: `${percent(t.failed / t.all)} of its ${t.all} requests failed in the last 24 hours`,
    });
  }
  for (const b of burstIds) {
    const k = byId.get(b.apiKeyId);
    if (!k) continue;
    items.push({
      keyId: k.keyId,
      name: k.name,
      partner: k.partner?.name ?? null,
      reason: "refusal_burst",
      detail: `${b.refusals} requests refused for a wrong or old secret in the last hour`,
    });
  }
  return items;
}

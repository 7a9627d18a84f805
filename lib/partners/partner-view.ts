import "server-only";
import { db } from "../db";
import { environmentFilter, type Actor } from "../auth/actor";
import { normaliseScopes } from "../scopes";
import { keyStatus, parseJsonArray } from "../keys/key-view";
import { trafficByKey } from "../logs/key-traffic";
import type { PartnerView } from "./partner-input";

const DAY = 86_400_000;

type PartnerRow = {
  id: string;
  name: string;
  contactEmail: string | null;
  notes: string | null;
  createdAt: Date;
  updatedAt: Date;
  owner?: { email: string } | null;
};

/**
 * Partners as the API and dashboard show them, with their keys' usage: three queries for a whole page (keys,
 * hourly rollups of the last 7 days, scopes exercised in the last 30), never one per partner. A test key
 * counts only the sandbox: its owner's test keys.
 */
export async function toPartnerViews(
  actor: Actor,
  rows: readonly PartnerRow[],
  opts: { includeOwner?: boolean; now?: Date } = {},
): Promise<PartnerView[]> {
  const now = opts.now ?? new Date();
  const environment = environmentFilter(actor);
  const keys = rows.length
    ? await db().apiKey.findMany({
        where: { partnerId: { in: rows.map((r) => r.id) }, ...(environment ? { environment } : {}) },
        select: {
          id: true,
          partnerId: true,
          status: true,
          expiresAt: true,
          legacy: true,
          scopes: true,
          lastUsedAt: true,
        },
      })
    : [];
  const keyIds = keys.map((k) => k.id);
  const [traffic, scopeUses] = await Promise.all([
    trafficByKey(keyIds, new Date(now.getTime() - 7 * DAY)),
    keyIds.length
      ? db().keyScopeUsage.findMany({
          where: { apiKeyId: { in: keyIds }, lastUsedAt: { gte: new Date(now.getTime() - 30 * DAY) } },
          select: { apiKeyId: true, scope: true },
        })
      : Promise.resolve([]),
  ]);
  return rows.map((p) => {
    const own = keys.filter((k) => k.partnerId === p.id);
    const active = own.filter((k) => keyStatus(k, now) === "active");
    const ownIds = new Set(own.map((k) => k.id));
    let requests = 0;
    let errors = 0;
    for (const k of own) {
      const t = traffic.get(k.id);
      requests += t?.requests ?? 0;
      errors += t?.errors ?? 0;
    }
    const last = own.reduce<Date | null>((m, k) => (k.lastUsedAt && (!m || k.lastUsedAt > m) ? k.lastUsedAt : m), null);
    return {
      id: p.id,
      name: p.name,
      contactEmail: p.contactEmail,
      notes: p.notes,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
      ...(opts.includeOwner && p.owner ? { ownerEmail: p.owner.email } : {}),
      keys: { total: own.length, active: active.length, legacy: active.filter((k) => k.legacy).length },
      lastRequestAt: last ? last.toISOString() : null,
      requests7d: requests,
      errorRate7d: requests ? errors / requests : 0,
      scopesGranted: normaliseScopes(active.flatMap((k) => parseJsonArray(k.scopes))),
      scopesInUse: normaliseScopes(scopeUses.filter((u) => ownIds.has(u.apiKeyId)).map((u) => u.scope)),
    };
  });
}

export const partnerViewInclude = { owner: { select: { email: true } } } as const;

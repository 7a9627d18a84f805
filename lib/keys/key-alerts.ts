import "server-only";
import { db } from "../db";
import { ownerFilter, type Actor } from "../auth/actor";
import { EXPIRING_SOON_DAYS } from "./key-vocabulary";

const DAY_MS = 86_400_000;

export type KeyAlerts = {
  /** Keys with a reported leak: still working (notify only), or revoked for it in the last 7 days. */
  leaked: { keyId: string; name: string; source: string; reportedAt: string; revoked: boolean }[];
  /** Active keys expiring within EXPIRING_SOON_DAYS, soonest first. */
  expiring: { keyId: string; name: string; expiresAt: string }[];
};

/** What the Overview's banners show: the actor's keys only (support: everyone's). */
export async function keyAlerts(actor: Actor, now = new Date()): Promise<KeyAlerts> {
  const owner = ownerFilter(actor);
  const mine = owner ? { ownerId: owner } : {};
  const [leaked, expiring] = await Promise.all([
    db().apiKey.findMany({
      where: {
        ...mine,
        leakedAt: { not: null },
        OR: [{ status: { not: "revoked" } }, { leakedAt: { gte: new Date(now.getTime() - 7 * DAY_MS) } }],
      },
      orderBy: { leakedAt: "desc" },
      take: 20,
    }),
    db().apiKey.findMany({
      where: {
        ...mine,
        status: "active",
        expiresAt: { gt: now, lte: new Date(now.getTime() + EXPIRING_SOON_DAYS * DAY_MS) },
      },
      orderBy: { expiresAt: "asc" },
      take: 20,
    }),
  ]);
  return {
    leaked: leaked.map((k) => ({
      keyId: k.keyId,
      name: k.name,
      source: k.leakSource ?? "",
      reportedAt: k.leakedAt!.toISOString(),
      revoked: k.status === "revoked",
    })),
    expiring: expiring.map((k) => ({ keyId: k.keyId, name: k.name, expiresAt: k.expiresAt!.toISOString() })),
  };
}

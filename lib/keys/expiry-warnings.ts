import "server-only";
import { db } from "../db";
import { services } from "../services";
import { recordAudit } from "./audit";
import { EXPIRY_WARNING_DAYS } from "./key-vocabulary";

const DAY_MS = 86_400_000;

/**
 * The warning due for a key `remainingMs` from its expiry: the smallest threshold (14, 7, 1 days) it is within,
 * or null beyond 14 days. A key created 3 days before its expiry gets the 7-day warning, then the 1-day one.
 */
export function dueWarning(remainingMs: number): number | null {
  if (remainingMs <= 0) return null;
  const within = EXPIRY_WARNING_DAYS.filter((d) => remainingMs <= d * DAY_MS);
  return within.length ? Math.min(...within) : null;
}

/**
 * Record expiry_warning (webhook key.expiring) for active keys 14, 7 and 1 days before they expire, once per
 * threshold and expiry date: a new expiry date starts the warnings over. Runs with the expiry sweep.
 */
export async function warnExpiringKeys(now = new Date()): Promise<number> {
  const horizon = new Date(now.getTime() + Math.max(...EXPIRY_WARNING_DAYS) * DAY_MS);
  const keys = await db().apiKey.findMany({
    where: { status: "active", expiresAt: { gt: now, lte: horizon } },
    select: { id: true, keyId: true, expiresAt: true },
    take: 1000,
  });
  if (keys.length === 0) return 0;
  const earlier = await db().auditEvent.findMany({
    where: { apiKeyId: { in: keys.map((k) => k.id) }, action: "expiry_warning" },
    select: { apiKeyId: true, changes: true },
  });
  const sent = new Set(
    earlier.map((e) => {
      const c = JSON.parse(e.changes) as { daysBefore?: number; expiresAt?: string };
      return `${e.apiKeyId}|${c.expiresAt}|${c.daysBefore}`;
    }),
  );
  let warned = 0;
  for (const key of keys) {
    const expiresAt = key.expiresAt!;
    const days = dueWarning(expiresAt.getTime() - now.getTime());
    if (days === null) continue;
    // A smaller threshold already sent for this expiry covers the larger ones.
    const covered = EXPIRY_WARNING_DAYS.some((d) => d <= days && sent.has(`${key.id}|${expiresAt.toISOString()}|${d}`));
    if (covered) continue;
    await db().$transaction(async (tx) => {
      await recordAudit(tx, {
        apiKeyId: key.id,
        action: "expiry_warning",
        actor: "system",
        changes: { daysBefore: days, expiresAt: expiresAt.toISOString() },
      });
    });
    warned++;
  }
  if (warned > 0) services().webhooks.kick();
  return warned;
}

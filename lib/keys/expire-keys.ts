import "server-only";
import { db } from "../db";
import { recordAudit } from "./audit";
import { invalidateKey } from "./invalidate-key";

/**
 * Mark keys past their expiry as expired and record it. The guard refuses an expired key by its expiresAt
 * whether or not this has run; this sweep gives the audit trail its "expired" entry.
 */
export async function expireDueKeys(now = new Date()): Promise<number> {
  const due = await db().apiKey.findMany({
    where: { status: "active", expiresAt: { lte: now } },
    select: { id: true, keyId: true, expiresAt: true },
    take: 500,
  });
  for (const key of due) {
    await db().$transaction(async (tx) => {
      const { count } = await tx.apiKey.updateMany({
        where: { id: key.id, status: "active" },
        data: { status: "expired" },
      });
      if (count === 1) {
        await recordAudit(tx, {
          apiKeyId: key.id,
          action: "expired",
          actor: "system",
          changes: { expiresAt: key.expiresAt?.toISOString() },
        });
      }
    });
    invalidateKey(key.keyId);
  }
  return due.length;
}

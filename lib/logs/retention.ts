import "server-only";
import { db } from "../db";
import { services } from "../services";

const DAY_MS = 86_400_000;

export function retentionDays(): { raw: number; rollups: number } {
  const env = services().env;
  return { raw: env.KEYWARD_LOG_RETENTION_DAYS, rollups: env.KEYWARD_ROLLUP_RETENTION_DAYS };
}

/** Raw rows older than this are purged: the oldest moment a request id can still be found. */
export function retentionStart(now: Date): Date {
  return new Date(now.getTime() - retentionDays().raw * DAY_MS);
}

/** Delete raw log rows older than the raw retention, and rollups older than theirs (kept much longer). */
export async function purgeExpiredLogs(
  now = new Date(),
  days = retentionDays(),
): Promise<{ raw: number; rollups: number }> {
  const raw = await db().requestLog.deleteMany({
    where: { timestamp: { lt: new Date(now.getTime() - days.raw * DAY_MS) } },
  });
  const rollups = await db().requestRollup.deleteMany({
    where: { bucketStart: { lt: new Date(now.getTime() - days.rollups * DAY_MS) } },
  });
  return { raw: raw.count, rollups: rollups.count };
}

import { db } from "../db";

const DAY_MS = 86_400_000;

export function retentionDays(): { raw: number; rollups: number } {
  return {
    raw: Number(process.env.KEYWARD_LOG_RETENTION_DAYS) || 30,
    rollups: Number(process.env.KEYWARD_ROLLUP_RETENTION_DAYS) || 400,
  };
}

/** Delete raw log rows older than the raw retention, and rollups older than theirs (kept much longer). */
export async function purgeExpiredLogs(now = new Date()): Promise<{ raw: number; rollups: number }> {
  const days = retentionDays();
  const raw = await db().requestLog.deleteMany({
    where: { timestamp: { lt: new Date(now.getTime() - days.raw * DAY_MS) } },
  });
  const rollups = await db().requestRollup.deleteMany({
    where: { bucketStart: { lt: new Date(now.getTime() - days.rollups * DAY_MS) } },
  });
  return { raw: raw.count, rollups: rollups.count };
}

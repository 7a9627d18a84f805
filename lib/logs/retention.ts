import "server-only";
import { services } from "../services";
import { dropPartitionsBefore, ensurePartitions } from "../db/pg-partitions";
import { retryWhileBusy } from "../db/storage-failure";

const DAY_MS = 86_400_000;
/** How long the SQLite purge waits for the write lock (the log writer holds it for a flush at a time). */
const PURGE_WAIT_MS = 5_000;
/** Daily partitions the maintenance job keeps created ahead of today (PostgreSQL). */
export const PARTITION_DAYS_AHEAD = 7;

/**
 * How long raw rows and rollups are kept. Rollups are kept at least as long as the raw rows they count: charts
 * read them for ranges the raw rows still cover, and filtered pages skip the hours they show empty
 * (lib/logs/page-bounds.ts), so a shorter rollup retention counts as the raw one.
 */
export function retentionDays(): { raw: number; rollups: number } {
  const env = services().env;
  const raw = env.KEYWARD_LOG_RETENTION_DAYS;
  return { raw, rollups: Math.max(env.KEYWARD_ROLLUP_RETENTION_DAYS, raw) };
}

/** Raw rows older than this are purged: the oldest moment a request id can still be found. */
export function retentionStart(now: Date): Date {
  return new Date(now.getTime() - retentionDays().raw * DAY_MS);
}

/**
 * Delete raw log rows older than the raw retention, and rollups older than theirs (kept much longer). On
 * PostgreSQL whole daily partitions past the cut-off are dropped (no row-by-row delete of a day), and only the
 * rows of the day the cut-off falls in (and of the DEFAULT partition) are deleted one by one.
 */
export async function purgeExpiredLogs(
  now = new Date(),
  days = retentionDays(),
): Promise<{ raw: number; rollups: number }> {
  const logDb = services().logDb;
  const rawBefore = logDb.time(now.getTime() - days.raw * DAY_MS);
  const rollupsBefore = logDb.time(now.getTime() - days.rollups * DAY_MS);
  const k = logDb.kysely;
  const deleteRaw = k.deleteFrom("RequestLog").where("timestamp", "<", rawBefore);
  const deleteRollups = k.deleteFrom("RequestRollup").where("bucketStart", "<", rollupsBefore);

  if (logDb.dialect === "sqlite") {
    const raw = deleteRaw.compile();
    const rollups = deleteRollups.compile();
    return retryWhileBusy("purging expired request log rows", PURGE_WAIT_MS, () =>
      logDb.writeSync((w) => ({
        raw: w.run(raw.sql, raw.parameters),
        rollups: w.run(rollups.sql, rollups.parameters),
      })),
    );
  }
  const dropped = await dropPartitionsBefore(logDb.pool, new Date(now.getTime() - days.raw * DAY_MS));
  const rest = await deleteRaw.executeTakeFirst();
  const rollups = await deleteRollups.executeTakeFirst();
  return {
    raw: dropped.droppedRows + dropped.deletedFromDefault + Number(rest.numDeletedRows),
    rollups: Number(rollups.numDeletedRows),
  };
}

/** PostgreSQL: keep daily partitions of the raw log created ahead (nothing to do on SQLite). */
export async function ensureLogPartitions(now = new Date()): Promise<string[]> {
  const logDb = services().logDb;
  if (logDb.dialect !== "postgresql") return [];
  return (await ensurePartitions(logDb.pool, now, PARTITION_DAYS_AHEAD)).created;
}

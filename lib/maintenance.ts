import { expireDueKeys } from "./keys/expire-keys";
import { logWriter } from "./logs/log-writer";
import { purgeExpiredLogs } from "./logs/retention";

/**
 * Background upkeep for one server process: replay the log spool of a process that died, mark expired keys
 * (for the audit trail) every minute, purge raw log rows past retention every hour.
 */
export async function startMaintenance(): Promise<void> {
  const holder = globalThis as { __keywardMaintenance?: boolean };
  if (holder.__keywardMaintenance) return;
  holder.__keywardMaintenance = true;

  const replayed = await logWriter().replayOrphans();
  if (replayed > 0)
    console.log(`[keyward] replayed ${replayed} request log entries from the spool of a stopped process`);

  const everyMinute = setInterval(() => {
    expireDueKeys().catch((err) => console.error("[keyward] expiring keys failed:", err));
  }, 60_000);
  everyMinute.unref();
  const everyHour = setInterval(() => {
    purgeExpiredLogs().catch((err) => console.error("[keyward] log retention failed:", err));
  }, 3_600_000);
  everyHour.unref();
  await expireDueKeys();
  await purgeExpiredLogs();
}

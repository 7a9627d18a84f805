import "server-only";
import { expireDueKeys } from "./keys/expire-keys";
import { purgeExpiredLogs } from "./logs/retention";
import { services } from "./services";

/**
 * Background upkeep of a server process: replay the log spool of a process that died, mark expired keys (for the
 * audit trail) every minute, purge raw log rows past retention every hour. Registered once per process.
 */
export async function startMaintenance(): Promise<void> {
  const { jobs, logWriter } = services();
  if (jobs.has("expire-keys")) return;
  jobs.every("expire-keys", 60_000, () => expireDueKeys());
  jobs.every("log-retention", 3_600_000, () => purgeExpiredLogs());

  const replayed = await logWriter.replayOrphans();
  if (replayed > 0)
    console.log(`[keyward] replayed ${replayed} request log entries from the spool of a stopped process`);
  await expireDueKeys();
  await purgeExpiredLogs();
}

import "server-only";
import { expireDueKeys } from "./keys/expire-keys";
import { ensureLogPartitions, purgeExpiredLogs } from "./logs/retention";
import { services } from "./services";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Background upkeep of a server process: replay the request log spool this instance's previous run left, then
 * the cluster-wide jobs, each run once per period by whichever instance claims it (lib/jobs/scheduler.ts):
 * mark expired keys (for the audit trail) every minute, purge raw log rows past retention every hour, and on
 * PostgreSQL create the request log's daily partitions a week ahead every hour (a missed run costs nothing: rows
 * of a day without its partition wait in the DEFAULT partition and are moved when it is created).
 */
export async function startMaintenance(): Promise<void> {
  const s = services();
  // A build (static analysis of the routes) is no server: no jobs, and the data folder is not claimed.
  if (s.env.isBuildPhase) return;
  const { jobs, logWriter, logger } = s;
  if (jobs.has("expire-keys")) return;
  jobs.every("expire-keys", MINUTE, () => expireDueKeys());
  jobs.every("log-retention", HOUR, () => purgeExpiredLogs());
  if (s.env.databaseProvider === "postgresql") jobs.every("log-partitions", HOUR, () => ensureLogPartitions());

  const replayed = await logWriter.replayOrphans();
  if (replayed > 0)
    logger.info({ replayed }, `replayed ${replayed} request log entries from the spool of a stopped process`);
  // This period's runs, unless another instance has done them already.
  await Promise.all([jobs.runDue("expire-keys"), jobs.runDue("log-retention"), jobs.runDue("log-partitions")]);
}

import "server-only";
import { expireDueKeys } from "./keys/expire-keys";
import { ensureLogPartitions, purgeExpiredLogs } from "./logs/retention";
import { services } from "./services";
import { warnExpiringKeys } from "./keys/expiry-warnings";
import { recordEndedGraces } from "./keys/grace-ended";
import { ERROR_SPIKE, recordErrorSpikes } from "./keys/error-spikes";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Webhook retries and events written by scripts: picked up at least this often, once per cluster. */
const WEBHOOK_SWEEP_MS = 5_000;

/**
 * Background upkeep of a server process: replay the request log spool this instance's previous run left, then
 * the cluster-wide jobs, each run once per period by whichever instance claims it (lib/jobs/scheduler.ts):
 * mark expired keys (for the audit trail), warn of keys about to expire and record ended grace periods every
 * minute, record keys whose error rate spiked in the last 5-minute window (lib/keys/error-spikes.ts) every 5
 * minutes, send due webhook deliveries every few seconds, purge raw log rows past retention every hour, and on
 * PostgreSQL create the request log's daily partitions a week ahead every hour (a missed run costs nothing: rows
 * of a day without its partition wait in the DEFAULT partition and are moved when it is created).
 */
export async function startMaintenance(): Promise<void> {
  const s = services();
  // A build (static analysis of the routes) is no server: no jobs, and the data folder is not claimed.
  if (s.env.isBuildPhase) return;
  const { jobs, logWriter, logger, webhooks } = s;
  if (jobs.has("expire-keys")) return;
  jobs.every("expire-keys", MINUTE, async () => {
    await expireDueKeys();
    await warnExpiringKeys();
    await recordEndedGraces();
  });
  jobs.every("error-spikes", ERROR_SPIKE.windowMinutes * MINUTE, () => recordErrorSpikes());
  webhooks.start();
  jobs.every("webhook-deliveries", WEBHOOK_SWEEP_MS, () => webhooks.runOnce());
  jobs.every("log-retention", HOUR, () => purgeExpiredLogs());
  if (s.env.databaseProvider === "postgresql") jobs.every("log-partitions", HOUR, () => ensureLogPartitions());

  const replayed = await logWriter.replayOrphans();
  if (replayed > 0)
    logger.info({ replayed }, `replayed ${replayed} request log entries from the spool of a stopped process`);
  // This period's runs, unless another instance has done them already.
  await Promise.all([jobs.runDue("expire-keys"), jobs.runDue("log-retention"), jobs.runDue("log-partitions")]);
}

import { ConfigError, loadEnv } from "../lib/config/env";
import { InstanceLockedError } from "../lib/instance/instance";
import { createLogger } from "../lib/logging/logger";
import { startupFailureSentence } from "../lib/db/data-folder-check";

/**
 * Ends a failed start. A configuration, data folder or claimed-folder problem is the operator's to fix: one
 * plain sentence on stderr (whatever the log format, since a person reads it at the terminal), exit 1.
 * Anything else is a bug: logged with its stack.
 */
export function exitOnStartFailure(err: unknown, what: string): never {
  let sentence: string | null;
  try {
    sentence =
      err instanceof ConfigError || err instanceof InstanceLockedError
        ? err.message
        : startupFailureSentence(err, loadEnv().dataDir);
  } catch (configErr) {
    sentence = configErr instanceof ConfigError ? configErr.message : null;
  }
  if (sentence) {
    process.stderr.write(`[keyward] ${sentence}\n`);
  } else {
    // The configuration may be what failed: this logger needs none of it.
    createLogger({ KEYWARD_LOG_LEVEL: "info", KEYWARD_LOG_FORMAT: undefined }).fatal({ err }, what);
  }
  process.exit(1);
}

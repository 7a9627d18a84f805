import "server-only";
import { ApiError } from "../errors";
import { environmentFilter, ownerFilter, type Actor } from "../auth/actor";
import { services } from "../services";
import { LOG_ROW_COLUMNS, toLogRow, type LogRow } from "./query-logs";
import { parseRefusal } from "./refusal-detail";
import { retentionStart } from "./retention";
import { requestIdWhere } from "./log-filter";
import type { RefusalDetail } from "./log-entry";

/** One request with what its detail shows: the row, and for a refusal what the partner was told and why. */
export type LogDetail = LogRow & { refusal: RefusalDetail | null };

/**
 * Find one request by its id (e.g. from a partner's error body), whatever time range the user is looking at,
 * within retention. Another owner's request is "not found", as is an id that was never issued.
 */
export async function getLogEntryOrThrow(actor: Actor, requestId: string, now = new Date()): Promise<LogDetail> {
  const owner = ownerFilter(actor);
  const environment = environmentFilter(actor);
  const logDb = services().logDb;
  const row = await logDb.kysely
    .selectFrom("RequestLog")
    .select([...LOG_ROW_COLUMNS, "refusal"])
    .where((eb) => requestIdWhere(eb, requestId, (ms) => logDb.time(ms)))
    .where("timestamp", ">=", logDb.time(retentionStart(now).getTime()))
    .$if(owner !== null, (q) => q.where("ownerId", "=", owner!))
    .$if(environment !== null, (q) => q.where("environment", "=", environment!))
    .executeTakeFirst();
  if (!row) {
    throw new ApiError(
      "not_found",
      `No request ${requestId} in the last ${services().env.KEYWARD_LOG_RETENTION_DAYS} days of your log.`,
    );
  }
  return { ...toLogRow(row), refusal: parseRefusal(row.refusal) };
}

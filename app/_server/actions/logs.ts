"use server";

import { requireSessionActor } from "@/app/_server/session";
import { runAction, type ActionResult } from "@/app/_server/run-action";
import { parseOrThrow } from "@/lib/errors";
import { queryLogs, type LogPage } from "@/lib/logs/query-logs";
import { logPageInput, requestIdInput } from "@/lib/logs/log-query-input";
import { getLogEntryOrThrow, type LogDetail } from "@/lib/logs/get-log-entry";

// The input is typed loosely on purpose: a server action is a public endpoint; it is parsed here, once.
export async function loadMoreLogsAction(query: unknown): Promise<ActionResult<LogPage>> {
  const actor = await requireSessionActor();
  return runAction(() => queryLogs(actor, parseOrThrow(logPageInput, query, "query")));
}

/** One request by id, whatever range the page shows (within retention), with what its refusal told the partner. */
export async function getLogDetailAction(requestId: unknown): Promise<ActionResult<LogDetail>> {
  const actor = await requireSessionActor();
  return runAction(() => getLogEntryOrThrow(actor, parseOrThrow(requestIdInput, requestId, "requestId")));
}

"use server";

import { requireSessionActor } from "@/app/_server/session";
import { runAction, type ActionResult } from "@/app/_server/run-action";
import { parseOrThrow } from "@/lib/errors";
import { queryLogs, type LogPage } from "@/lib/logs/query-logs";
import { logPageInput } from "@/lib/logs/log-query-input";

// The input is typed loosely on purpose: a server action is a public endpoint; it is parsed here, once.
export async function loadMoreLogsAction(query: unknown): Promise<ActionResult<LogPage>> {
  const actor = await requireSessionActor();
  return runAction(() => queryLogs(actor, parseOrThrow(logPageInput, query, "query")));
}

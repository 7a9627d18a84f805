"use server";

import { requireSessionActor } from "@/app/_server/session";
import { runAction, type ActionResult } from "@/app/_server/run-action";
import { queryLogs, type LogPage } from "@/lib/logs/query-logs";

// The input is typed loosely on purpose: a server action is a public endpoint, and lib/ parses with zod.
export async function loadMoreLogsAction(query: unknown): Promise<ActionResult<LogPage>> {
  const actor = await requireSessionActor();
  return runAction(() => queryLogs(actor, query));
}

import type { Metadata } from "next";
import { requireSessionActor } from "@/app/_server/session";
import { runAction } from "@/app/_server/run-action";
import { logFilterOptions } from "@/lib/logs/filter-options";
import { logStats } from "@/lib/logs/log-stats";
import { queryLogs } from "@/lib/logs/query-logs";
import { logPageInput } from "@/lib/logs/log-query-input";
import { parseOrThrow } from "@/lib/errors";
import { LogsScreen } from "@/components/logs/logs-screen";
import { readLogParams, toFilterInput } from "@/components/logs/log-params";

export const metadata: Metadata = { title: "Request log" };

export default async function LogsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requireSessionActor();
  const params = readLogParams(await searchParams);
  const filters = toFilterInput(params);
  const [page, stats, options] = await Promise.all([
    runAction(() =>
      queryLogs(actor, parseOrThrow(logPageInput, { ...filters, order: params.order, limit: 50 }, "query")),
    ),
    runAction(() => logStats(actor, filters)),
    logFilterOptions(actor),
  ]);
  return (
    <LogsScreen
      params={params}
      page={page.ok ? page.data : null}
      stats={stats.ok ? stats.data : null}
      options={options}
      error={page.ok ? null : page.error.message}
      errorCode={page.ok ? null : page.error.code}
      support={actor.role === "support"}
    />
  );
}

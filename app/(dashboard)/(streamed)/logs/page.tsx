import type { Metadata } from "next";
import { requireSessionActor } from "@/app/_server/session";
import { runAction } from "@/app/_server/run-action";
import { logFilterOptions } from "@/lib/logs/filter-options";
import { logStats } from "@/lib/logs/log-stats";
import { queryLogs } from "@/lib/logs/query-logs";
import { logPageInput } from "@/lib/logs/log-query-input";
import { parseOrThrow } from "@/lib/errors";
import { LogsScreen } from "@/components/logs/logs-screen";
import { describeLinkProblems, readLogParams, toFilterInput } from "@/components/logs/log-params";

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
  // A malformed link: say which filter is wrong in the page's own words, not as the validator's field path.
  const error = page.ok
    ? null
    : page.error.code === "validation_failed" && page.error.fields
      ? describeLinkProblems(page.error.fields, params).join(" ")
      : page.error.message;
  return (
    <LogsScreen
      params={params}
      page={page.ok ? page.data : null}
      stats={stats.ok ? stats.data : null}
      options={options}
      error={error}
      errorCode={page.ok ? null : page.error.code}
      support={actor.role === "support"}
    />
  );
}

"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { loadMoreLogsAction } from "@/app/_server/actions/logs";
import type { LogFilterOptions } from "@/lib/logs/filter-options";
import type { LogStats } from "@/lib/logs/log-stats";
import type { LogPage } from "@/lib/logs/query-logs";
import { Alert } from "../ui/alert";
import { buttonClasses } from "../ui/button";
import { useLoadMore } from "../use-load-more";
import { Card } from "@/components/ui/card";
import { LatencyChart } from "./latency-chart";
import { LogsFilters } from "./logs-filters";
import { LogsTable } from "./logs-table";
import { RequestsChart } from "./requests-chart";
import { StatCards } from "./stat-cards";
import { FilterChips } from "./filter-chips";
import { ZoneToggle } from "./zone-toggle";
import { toFilterInput, toSearchParams, type LogViewParams } from "./log-params";

/**
 * The request log: filters drive the server page through the URL; "Load more" fetches the next keyset page
 * of the same time window, so rows do not shift while the user reads.
 */
export function LogsScreen({
  params,
  page,
  stats,
  options,
  error,
  errorCode = null,
  support,
}: {
  params: LogViewParams;
  page: LogPage | null;
  stats: LogStats | null;
  options: LogFilterOptions;
  error: string | null;
  /** validation_failed: the URL's filters are malformed (a hand-edited or truncated link). */
  errorCode?: string | null;
  support: boolean;
}) {
  const router = useRouter();
  const [navigating, startNavigation] = useTransition();
  const { rows, hasMore, loadMore, isLoadingMore, loadError, reset } = useLoadMore(
    page,
    (row) => row.id,
    (cursor, first) => {
      const { range: _preset, ...filters } = toFilterInput(params);
      return loadMoreLogsAction({
        ...filters,
        from: first.range.from,
        to: first.range.to,
        order: params.order,
        cursor,
      });
    },
  );

  const query = toSearchParams(params).toString();
  const resolvedRange = (page ?? stats)?.range;
  const clampedRange = resolvedRange?.clamped ? resolvedRange : null;
  const invalidLink = errorCode === "validation_failed";
  const filtered = Object.keys(toFilterInput({ ...params, range: "" })).length > 0;
  const ownerEmails = support ? Object.fromEntries((options.users ?? []).map((u) => [u.id, u.email])) : undefined;

  function navigate(next: LogViewParams) {
    reset();
    const search = toSearchParams(next).toString();
    startNavigation(() => router.replace(search ? `/logs?${search}` : "/logs"));
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">Request log</h1>
          <p className="text-sm text-slate-500">
            {support
              ? "Every user's API requests (support view). Narrow to one user or partner with the filters."
              : "Every API request made with your keys, refused ones included."}
          </p>
        </div>
        <a href={`/logs/export${query ? `?${query}` : ""}`} download className={buttonClasses("secondary")}>
          Export CSV
        </a>
      </div>

      <LogsFilters key={query} params={params} options={options} showUsers={support} onApply={navigate} />
      <div className="flex flex-wrap items-center justify-between gap-2">
        <FilterChips params={params} options={options} onApply={navigate} />
        <ZoneToggle />
      </div>
      {invalidLink ? (
        <Alert tone="warning" title="This link's filters could not be read.">
          <p>{error}</p>
          <a href="/logs" className="mt-1 inline-block font-medium underline">
            Reset filters
          </a>
        </Alert>
      ) : null}

      {clampedRange ? (
        <Alert tone="info" title="Time range limited" className="logs-range-clamped">
          The log keeps requests for a limited time and none from the future, so this view shows{" "}
          {clampedRange.from.slice(0, 16).replace("T", " ")} to {clampedRange.to.slice(0, 16).replace("T", " ")} UTC.
        </Alert>
      ) : null}

      {stats ? (
        <div
          className={navigating ? "opacity-60 transition-opacity" : "transition-opacity"}
          aria-busy={navigating || undefined}
        >
          <StatCards totals={stats.totals} />
          <div className="grid gap-4 lg:grid-cols-2">
            <Card id="logs-requests-chart" title="Requests by status">
              <div className="p-3">
                <RequestsChart series={stats.series} bucketMs={stats.bucketMs} />
              </div>
            </Card>
            <Card id="logs-latency-chart" title="Latency (p50 / p95)">
              <div className="p-3">
                <LatencyChart series={stats.series} bucketMs={stats.bucketMs} />
              </div>
            </Card>
          </div>
        </div>
      ) : null}

      <LogsTable
        chooser
        rows={rows}
        ownerEmails={ownerEmails}
        sorting={[{ id: "time", desc: params.order === "desc" }]}
        onSortingChange={() => navigate({ ...params, order: params.order === "desc" ? "asc" : "desc" })}
        isLoading={navigating}
        error={invalidLink ? null : error}
        onRetry={() => startNavigation(() => router.refresh())}
        hasMore={hasMore}
        onLoadMore={loadMore}
        isLoadingMore={isLoadingMore}
        emptyState={
          filtered ? (
            <p>No requests match these filters in this time range.</p>
          ) : (
            <div className="space-y-1">
              <p className="text-base font-medium text-slate-800">No requests in this time range</p>
              <p>Requests made with your API keys appear here within a second.</p>
            </div>
          )
        }
      />
      {loadError ? (
        <Alert tone="error" title="Could not load more requests.">
          {loadError}
        </Alert>
      ) : null}
    </div>
  );
}

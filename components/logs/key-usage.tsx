import Link from "next/link";
import type { LogStats } from "@/lib/logs/log-stats";
import type { LogRow } from "@/lib/logs/query-logs";
import { Card } from "@/components/ui/card";
import { formatCount, formatMs, formatPercent } from "./format";
import { logsHref } from "./log-params";
import { LogsTable } from "./logs-table";
import { RequestsChart } from "./requests-chart";

/** A key's last 24 hours of traffic and its latest requests, on the key's own page. */
export function KeyUsage({ keyId, stats, latest }: { keyId: string; stats: LogStats; latest: LogRow[] }) {
  const t = stats.totals;
  return (
    <Card
      id="key-requests"
      title="Requests"
      actions={
        <Link href={logsHref({ keyId: [keyId] })} className="text-xs font-medium text-indigo-700 hover:underline">
          View all in Logs
        </Link>
      }
    >
      <div className="space-y-3 p-3">
        <p className="text-xs text-slate-600">
          Last 24 hours: <span className="font-medium text-slate-900">{formatCount(t.requests)}</span> requests
          {t.requests ? (
            <>
              {" "}
              · {formatPercent(t.errorRate)} errors · p50 {formatMs(t.p50)} · p95 {formatMs(t.p95)}
            </>
          ) : null}
        </p>
        <RequestsChart series={stats.series} bucketMs={stats.bucketMs} className="h-44" />
        <h3 className="pt-1 text-xs font-semibold text-slate-700">Latest requests</h3>
        <LogsTable
          rows={latest}
          showKey={false}
          emptyState={<p>No requests with this key yet. Requests appear here within a second.</p>}
        />
      </div>
    </Card>
  );
}

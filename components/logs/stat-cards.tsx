import type { LogStats } from "@/lib/logs/log-stats";
import { formatCount, formatMs, formatPercent } from "./format";

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold text-slate-900 tabular-nums">{value}</dd>
      {hint ? <dd className="mt-0.5 text-xs text-slate-500">{hint}</dd> : null}
    </div>
  );
}

export function StatCards({ totals }: { totals: LogStats["totals"] }) {
  return (
    <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4" aria-label="Totals">
      <Stat label="Requests" value={formatCount(totals.requests)} />
      <Stat
        label="Error rate"
        value={totals.requests ? formatPercent(totals.errorRate) : "—"}
        hint={`${formatCount(totals.clientErrors)} 4xx · ${formatCount(totals.serverErrors)} 5xx`}
      />
      <Stat label="p50 latency" value={formatMs(totals.p50)} />
      <Stat
        label="p95 latency"
        value={formatMs(totals.p95)}
        hint={totals.avgLatencyMs !== null ? `average ${formatMs(totals.avgLatencyMs)}` : undefined}
      />
    </dl>
  );
}

"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { SeriesPoint } from "@/lib/logs/log-stats";
import { useHydrated, useZoneChoice, zoneName } from "../ui/local-time";
import { bucketLabel, tickFormatter, tooltipLabeller } from "./chart-time";
import { formatMs } from "./format";

/** p50 and p95 latency per bucket; a bucket without requests is a gap, not a zero. */
export function LatencyChart({ series, bucketMs }: { series: SeriesPoint[]; bucketMs: number }) {
  const hydrated = useHydrated();
  const zone = useZoneChoice();
  // With few measured buckets a line has no segments to draw: mark the points themselves.
  const dot = series.filter((p) => p.p50 !== null).length < 40 ? { r: 2 } : false;
  return (
    <figure className="space-y-1">
      <div role="img" aria-label="Latency over time, p50 and p95" className="h-56">
        {hydrated ? (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={series} margin={{ top: 4, right: 8, bottom: 0, left: -8 }}>
              <CartesianGrid vertical={false} />
              <XAxis
                dataKey="t"
                tickFormatter={tickFormatter(bucketMs, series.length * bucketMs, zone)}
                tick={{ fontSize: 11 }}
                minTickGap={24}
                tickLine={false}
                axisLine={{ stroke: "#cbd5e1" }}
              />
              <YAxis
                tickFormatter={(v: number) => formatMs(v)}
                tick={{ fontSize: 11 }}
                tickLine={false}
                axisLine={false}
                width={56}
              />
              <Tooltip
                labelFormatter={tooltipLabeller(zone)}
                formatter={(value) => formatMs(Number(value))}
                contentStyle={{ fontSize: 12 }}
              />
              <Legend iconType="plainline" wrapperStyle={{ fontSize: 12 }} />
              <Line dataKey="p50" name="p50" stroke="#6366f1" dot={dot} strokeWidth={1.5} isAnimationActive={false} />
              <Line dataKey="p95" name="p95" stroke="#0ea5e9" dot={dot} strokeWidth={1.5} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        ) : (
          <div className="h-full animate-pulse rounded bg-slate-100" />
        )}
      </div>
      <figcaption className="text-xs text-slate-600">
        Milliseconds, p50 and p95 per {bucketLabel(bucketMs)} · times in {hydrated ? zoneName(zone) : "UTC"}
      </figcaption>
    </figure>
  );
}

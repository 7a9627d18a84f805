"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { SeriesPoint } from "@/lib/logs/log-stats";
import { useHydrated, useZoneChoice, zoneName } from "../ui/local-time";
import { bucketLabel, tickFormatter, tooltipLabeller } from "./chart-time";
import { formatCompact, formatCount, STATUS_COLORS } from "./format";

const CLASSES = ["2xx", "3xx", "4xx", "5xx"] as const;

/** Requests per bucket, stacked by status class. Drawn after hydration: the axis speaks the reader's time zone. */
export function RequestsChart({
  series,
  bucketMs,
  className,
}: {
  series: SeriesPoint[];
  bucketMs: number;
  className?: string;
}) {
  const hydrated = useHydrated();
  const zone = useZoneChoice();
  const total = series.reduce((n, p) => n + p.total, 0);
  const spanMs = series.length * bucketMs;
  // A class that never occurs would only add a legend entry with nothing behind it.
  const classes = CLASSES.filter((c) => c !== "3xx" || series.some((p) => p["3xx"] > 0));
  return (
    <figure className="space-y-1">
      <div
        role="img"
        aria-label={`Requests over time by status class: ${formatCount(total)} in total`}
        className={className ?? "h-56"}
      >
        {hydrated ? (
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={series} margin={{ top: 4, right: 8, bottom: 0, left: -8 }} barCategoryGap={1}>
              <CartesianGrid vertical={false} />
              <XAxis
                dataKey="t"
                tickFormatter={tickFormatter(bucketMs, spanMs, zone)}
                tick={{ fontSize: 11 }}
                minTickGap={24}
                tickLine={false}
                axisLine={{ stroke: "#cbd5e1" }}
              />
              <YAxis
                allowDecimals={false}
                tickFormatter={formatCompact}
                tick={{ fontSize: 11 }}
                tickLine={false}
                axisLine={false}
                width={48}
              />
              <Tooltip
                labelFormatter={tooltipLabeller(zone)}
                formatter={(value) => formatCount(Number(value))}
                cursor={{ fill: "rgb(148 163 184 / 0.15)" }}
                contentStyle={{ fontSize: 12 }}
              />
              <Legend iconType="square" iconSize={10} wrapperStyle={{ fontSize: 12 }} />
              {classes.map((c) => (
                <Bar key={c} dataKey={c} name={c} stackId="status" fill={STATUS_COLORS[c]} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        ) : (
          <div className="h-full animate-pulse rounded bg-slate-100" />
        )}
      </div>
      <figcaption className="text-xs text-slate-600">
        Requests per {bucketLabel(bucketMs)} · times in {hydrated ? zoneName(zone) : "UTC"}
      </figcaption>
    </figure>
  );
}

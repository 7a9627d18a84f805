import type { BadgeTone } from "../ui/badge";

// A fixed locale: these run on the server and in the browser, and both must print the same digits.
const countFormat = new Intl.NumberFormat("en-US");
const compactFormat = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
const percentFormat = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 });
const msFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const fineMsFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });
const secondsFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

export const formatCount = (n: number) => countFormat.format(n);
export const formatCompact = (n: number) => compactFormat.format(n);
export const formatPercent = (ratio: number) => percentFormat.format(ratio);

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms >= 1000) return `${secondsFormat.format(ms / 1000)} s`;
  return `${(ms < 10 ? fineMsFormat : msFormat).format(ms)} ms`;
}

export function statusTone(status: number): BadgeTone {
  if (status >= 500) return "red";
  if (status >= 400) return "amber";
  if (status >= 300) return "indigo";
  return "green";
}

/** Chart and legend colours per status class: success green, client error amber, server error red. */
export const STATUS_COLORS = {
  "2xx": "#10b981",
  "3xx": "#6366f1",
  "4xx": "#f59e0b",
  "5xx": "#ef4444",
} as const;

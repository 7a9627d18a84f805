import { formatLocal } from "../ui/local-time";

const DAY = 86_400_000;

/** Axis labels in the reader's time zone: clock times for short ranges, dates once buckets span days. */
export function tickFormatter(bucketMs: number, spanMs: number): (iso: string) => string {
  const format =
    bucketMs >= DAY
      ? new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" })
      : spanMs > DAY
        ? new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" })
        : new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
  return (iso) => format.format(new Date(iso));
}

export function tooltipLabel(iso: unknown): string {
  return typeof iso === "string" ? formatLocal(iso) : "";
}

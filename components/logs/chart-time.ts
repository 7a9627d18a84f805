import type { ZoneChoice } from "../ui/local-time";

const DAY = 86_400_000;

/** Axis labels in the chosen time zone: clock times for short ranges, dates once buckets span days. */
export function tickFormatter(bucketMs: number, spanMs: number, zone: ZoneChoice = "local"): (iso: string) => string {
  const timeZone = zone === "utc" ? "UTC" : undefined;
  const format =
    bucketMs >= DAY
      ? new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone })
      : spanMs > DAY
        ? new Intl.DateTimeFormat(undefined, {
            month: "short",
            day: "numeric",
            hour: "2-digit",
            minute: "2-digit",
            timeZone,
          })
        : new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", timeZone });
  return (iso) => format.format(new Date(iso));
}

export function tooltipLabeller(zone: ZoneChoice): (iso: unknown) => string {
  const format = new Intl.DateTimeFormat(undefined, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: zone === "utc" ? "UTC" : undefined,
  });
  return (iso) => (typeof iso === "string" ? format.format(new Date(iso)) : "");
}

/** "15 min", "hour", "day": the width of one bar or point, for "requests per 15 min". */
export function bucketLabel(bucketMs: number): string {
  if (bucketMs % DAY === 0) return bucketMs === DAY ? "day" : `${bucketMs / DAY} days`;
  if (bucketMs % 3_600_000 === 0) return bucketMs === 3_600_000 ? "hour" : `${bucketMs / 3_600_000} hours`;
  if (bucketMs % 60_000 === 0) return bucketMs === 60_000 ? "minute" : `${bucketMs / 60_000} min`;
  return `${Math.round(bucketMs / 1000)} s`;
}

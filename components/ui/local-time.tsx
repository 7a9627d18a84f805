"use client";

import { useSyncExternalStore } from "react";

const noopSubscribe = () => () => {};

/** True after hydration: the server cannot know the browser's time zone, so it renders UTC until then. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noopSubscribe,
    () => true,
    () => false,
  );
}

const localFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const utcFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const localSeconds = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
const utcSeconds = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });

export function formatLocal(iso: string): string {
  return localFormat.format(new Date(iso));
}

/** A date-time in the reader's local time zone, with the exact instant in the tooltip. */
export function LocalTime({
  iso,
  empty = "—",
  className,
  withSeconds = false,
}: {
  iso: string | null;
  empty?: string;
  className?: string;
  /** Request times: seconds matter when matching a partner's report. */
  withSeconds?: boolean;
}) {
  const hydrated = useHydrated();
  if (!iso) return <span className={className}>{empty}</span>;
  const date = new Date(iso);
  const local = withSeconds ? localSeconds : localFormat;
  const utc = withSeconds ? utcSeconds : utcFormat;
  return (
    <time dateTime={iso} title={date.toISOString()} className={className}>
      {hydrated ? local.format(date) : `${utc.format(date)} UTC`}
    </time>
  );
}

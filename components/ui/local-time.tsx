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

export function formatLocal(iso: string): string {
  return localFormat.format(new Date(iso));
}

/** A date-time in the reader's local time zone, with the exact instant in the tooltip. */
export function LocalTime({ iso, empty = "—", className }: { iso: string | null; empty?: string; className?: string }) {
  const hydrated = useHydrated();
  if (!iso) return <span className={className}>{empty}</span>;
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={date.toISOString()} className={className}>
      {hydrated ? localFormat.format(date) : `${utcFormat.format(date)} UTC`}
    </time>
  );
}

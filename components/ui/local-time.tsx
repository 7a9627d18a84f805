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

/** "local" or "utc": how the reader wants times shown, remembered in this browser. */
export type ZoneChoice = "local" | "utc";
const ZONE_KEY = "keyward.timeZone";
const ZONE_EVENT = "keyward:timezone";

function subscribeZone(onChange: () => void): () => void {
  window.addEventListener(ZONE_EVENT, onChange);
  window.addEventListener("storage", onChange);
  return () => {
    window.removeEventListener(ZONE_EVENT, onChange);
    window.removeEventListener("storage", onChange);
  };
}

function readZone(): ZoneChoice {
  try {
    return window.localStorage.getItem(ZONE_KEY) === "utc" ? "utc" : "local";
  } catch {
    return "local";
  }
}

/** The reader's choice; the server (which cannot know the browser's zone) renders UTC until hydration. */
export function useZoneChoice(): ZoneChoice {
  return useSyncExternalStore(subscribeZone, readZone, () => "utc");
}

export function setZoneChoice(zone: ZoneChoice): void {
  window.localStorage.setItem(ZONE_KEY, zone);
  window.dispatchEvent(new Event(ZONE_EVENT));
}

/** The name of the zone times are shown in: the browser's IANA zone, or UTC. */
export function zoneName(zone: ZoneChoice): string {
  return zone === "utc" ? "UTC" : `${Intl.DateTimeFormat().resolvedOptions().timeZone || "your time zone"} (local)`;
}

const localFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const utcFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const localSeconds = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
const utcSeconds = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });
// Table rows: no year, seconds kept (a partner's report names the second).
const compactParts = { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" } as const;
const localCompact = new Intl.DateTimeFormat(undefined, compactParts);
const utcCompact = new Intl.DateTimeFormat("en-GB", { ...compactParts, timeZone: "UTC" });

export function formatLocal(iso: string): string {
  return localFormat.format(new Date(iso));
}

/** A date-time in the reader's local time zone, with the exact instant in the tooltip. */
export function LocalTime({
  iso,
  empty = "—",
  className,
  withSeconds = false,
  compact = false,
}: {
  iso: string | null;
  empty?: string;
  className?: string;
  /** Request times: seconds matter when matching a partner's report. */
  withSeconds?: boolean;
  /** Month, day and time with seconds, no year: for table rows. */
  compact?: boolean;
}) {
  const hydrated = useHydrated();
  const zone = useZoneChoice();
  if (!iso) return <span className={className}>{empty}</span>;
  const date = new Date(iso);
  const local = compact ? localCompact : withSeconds ? localSeconds : localFormat;
  const utc = compact ? utcCompact : withSeconds ? utcSeconds : utcFormat;
  return (
    <time dateTime={iso} title={date.toISOString()} className={className}>
      {hydrated && zone === "local" ? local.format(date) : `${utc.format(date)} UTC`}
    </time>
  );
}

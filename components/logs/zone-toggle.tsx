"use client";

import { setZoneChoice, useHydrated, useZoneChoice, zoneName } from "../ui/local-time";

/** Names the zone charts and times are shown in, and switches between it and UTC (remembered in this browser). */
export function ZoneToggle() {
  const hydrated = useHydrated();
  const zone = useZoneChoice();
  if (!hydrated) return null;
  return (
    <span className="inline-flex flex-wrap items-center gap-2 text-xs text-slate-600" data-testid="zone-toggle">
      Times in {zoneName(zone)}
      <button
        type="button"
        onClick={() => setZoneChoice(zone === "utc" ? "local" : "utc")}
        className="rounded font-medium text-indigo-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        {zone === "utc" ? "Show local time" : "Show UTC"}
      </button>
    </span>
  );
}

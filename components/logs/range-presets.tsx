import Link from "next/link";
import { RANGE_PRESETS, type RangePreset } from "@/lib/logs/log-filter-values";
import { cn } from "../ui/cn";

export const RANGE_LABELS: Record<RangePreset, string> = {
  "15m": "15 min",
  "1h": "1 hour",
  "24h": "24 hours",
  "7d": "7 days",
  "30d": "30 days",
};

/** Preset time ranges as links (?range=), so the view survives a reload and can be shared. */
export function RangePresets({ current, hrefFor }: { current: RangePreset; hrefFor: (preset: RangePreset) => string }) {
  return (
    <nav aria-label="Time range" className="inline-flex rounded-md border border-slate-300 bg-white p-0.5 shadow-sm">
      {RANGE_PRESETS.map((preset) => (
        <Link
          key={preset}
          href={hrefFor(preset)}
          aria-current={preset === current ? "true" : undefined}
          className={cn(
            "rounded px-2.5 py-1 text-xs font-medium whitespace-nowrap focus-visible:outline-2 focus-visible:outline-indigo-600",
            preset === current ? "bg-indigo-600 text-white" : "text-slate-600 hover:bg-slate-100",
          )}
        >
          {RANGE_LABELS[preset]}
        </Link>
      ))}
    </nav>
  );
}

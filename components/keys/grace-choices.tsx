import type { GRACE_PRESETS } from "@/lib/keys/key-vocabulary";

type GracePreset = (typeof GRACE_PRESETS)[number];

/** The grace-period presets as radio cards: rotating a key, a partner's keys, or replacing a legacy key. */
export function GraceChoices({
  presets,
  selected,
  onSelect,
  columns = "grid-cols-2 sm:grid-cols-4",
}: {
  presets: readonly GracePreset[];
  /** The chosen preset's seconds, or null when none is (a custom value was typed). */
  selected: number | null;
  onSelect: (seconds: number) => void;
  columns?: string;
}) {
  return (
    <div className={`mt-2 grid gap-2 ${columns}`}>
      {presets.map((preset) => (
        <label
          key={preset.seconds}
          className="flex cursor-pointer items-center gap-2 rounded-md border border-slate-300 px-3 py-2 text-sm has-checked:border-indigo-500 has-checked:bg-indigo-50"
        >
          <input
            type="radio"
            name="grace"
            value={preset.seconds}
            checked={selected === preset.seconds}
            onChange={() => onSelect(preset.seconds)}
          />
          {preset.label}
        </label>
      ))}
    </div>
  );
}

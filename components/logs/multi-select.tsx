"use client";

import { useEffect, useRef } from "react";
import { cn } from "../ui/cn";

export type Option = { value: string; label: string; hint?: string };

/**
 * A compact multi-select: a disclosure with a checkbox per option. Native <details> gives keyboard and
 * screen-reader behaviour; a click outside closes it.
 */
export function MultiSelect({
  label,
  options,
  selected,
  onChange,
  allLabel = "All",
  className,
}: {
  label: string;
  options: Option[];
  selected: string[];
  onChange: (next: string[]) => void;
  allLabel?: string;
  className?: string;
}) {
  const ref = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    function close(event: MouseEvent) {
      if (ref.current?.open && !ref.current.contains(event.target as Node)) ref.current.open = false;
    }
    document.addEventListener("click", close);
    return () => document.removeEventListener("click", close);
  }, []);

  const chosen = options.filter((o) => selected.includes(o.value));
  const summary =
    selected.length === 0 ? allLabel : chosen.length === 1 ? chosen[0]!.label : `${selected.length} selected`;

  return (
    <details ref={ref} className={cn("relative", className)}>
      <summary
        className={cn(
          "flex h-8 cursor-pointer list-none items-center justify-between gap-2 rounded-md border border-slate-300 bg-white px-2.5 text-sm shadow-sm",
          "focus-visible:outline-2 focus-visible:outline-indigo-600 [&::-webkit-details-marker]:hidden",
        )}
      >
        <span className="min-w-0 truncate">
          <span className="text-slate-500">{label}: </span>
          <span className={selected.length ? "font-medium text-slate-900" : "text-slate-700"}>{summary}</span>
        </span>
        <span aria-hidden="true" className="text-xs text-slate-400">
          ▾
        </span>
      </summary>
      <fieldset className="absolute z-20 mt-1 max-h-72 w-[min(18rem,calc(100vw-2rem))] overflow-y-auto rounded-md border border-slate-200 bg-white p-1 shadow-lg">
        <legend className="sr-only">{label}</legend>
        {options.length === 0 ? <p className="px-2 py-1.5 text-xs text-slate-500">Nothing to choose yet.</p> : null}
        {options.map((option) => (
          <label
            key={option.value}
            className="flex cursor-pointer items-start gap-2 rounded px-2 py-1.5 text-sm hover:bg-slate-50"
          >
            <input
              type="checkbox"
              className="mt-0.5"
              checked={selected.includes(option.value)}
              onChange={(event) =>
                onChange(
                  event.target.checked ? [...selected, option.value] : selected.filter((v) => v !== option.value),
                )
              }
            />
            <span className="min-w-0">
              <span className="block truncate">{option.label}</span>
              {option.hint ? <span className="block truncate text-xs text-slate-500">{option.hint}</span> : null}
            </span>
          </label>
        ))}
        {selected.length ? (
          <button
            type="button"
            onClick={() => onChange([])}
            className="mt-1 w-full rounded px-2 py-1 text-left text-xs text-slate-500 hover:bg-slate-50 hover:text-slate-800"
          >
            Clear {label.toLowerCase()}
          </button>
        ) : null}
      </fieldset>
    </details>
  );
}

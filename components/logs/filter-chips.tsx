"use client";

import type { LogFilterOptions } from "@/lib/logs/filter-options";
import type { LogViewParams } from "./log-params";

type Chip = { id: string; label: string; remove: (p: LogViewParams) => LogViewParams };

function chipsOf(p: LogViewParams, options: LogFilterOptions): Chip[] {
  const keyName = new Map(options.keys.map((k) => [k.keyId, k.name]));
  const chips: Chip[] = [];
  for (const keyId of p.keyId) {
    chips.push({
      id: `key-${keyId}`,
      label: `Key: ${keyName.get(keyId) ?? keyId}`,
      remove: (v) => ({ ...v, keyId: v.keyId.filter((k) => k !== keyId) }),
    });
  }
  for (const partner of p.partner) {
    chips.push({
      id: `partner-${partner}`,
      label: `Partner: ${partner}`,
      remove: (v) => ({ ...v, partner: v.partner.filter((x) => x !== partner) }),
    });
  }
  for (const status of p.status) {
    chips.push({
      id: `status-${status}`,
      label: `Status: ${status}`,
      remove: (v) => ({ ...v, status: v.status.filter((x) => x !== status) }),
    });
  }
  if (p.method) chips.push({ id: "method", label: `Method: ${p.method}`, remove: (v) => ({ ...v, method: "" }) });
  if (p.route) chips.push({ id: "route", label: `Endpoint: ${p.route}`, remove: (v) => ({ ...v, route: "" }) });
  if (p.requestId) {
    chips.push({
      id: "request",
      label: `Request: ${p.requestId} (any time)`,
      remove: (v) => ({ ...v, requestId: "" }),
    });
  }
  if (p.user) chips.push({ id: "user", label: `User: ${p.user}`, remove: (v) => ({ ...v, user: "" }) });
  if (p.from) {
    chips.push({ id: "custom-range", label: "Custom time range", remove: (v) => ({ ...v, from: "", to: "" }) });
  }
  return chips;
}

/** The filters in force, each removable on its own (the change applies at once). */
export function FilterChips({
  params,
  options,
  onApply,
}: {
  params: LogViewParams;
  options: LogFilterOptions;
  onApply: (next: LogViewParams) => void;
}) {
  const chips = chipsOf(params, options);
  if (chips.length === 0) return null;
  return (
    <ul className="flex flex-wrap items-center gap-2" aria-label="Active filters">
      {chips.map((chip) => (
        <li key={chip.id}>
          <button
            type="button"
            onClick={() => onApply(chip.remove(params))}
            aria-label={`Remove filter ${chip.label}`}
            className="inline-flex max-w-full items-center gap-1 rounded-full border border-indigo-200 bg-indigo-50 px-2.5 py-0.5 text-xs font-medium break-all text-indigo-800 hover:border-indigo-300 focus-visible:outline-2 focus-visible:outline-indigo-600"
          >
            {chip.label}
            <span aria-hidden="true">×</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

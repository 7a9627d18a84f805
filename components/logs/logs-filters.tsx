"use client";

import { useState, type FormEvent } from "react";
import type { LogFilterOptions } from "@/lib/logs/filter-options";
import { METHODS, RANGE_PRESETS } from "@/lib/logs/log-vocabulary";
import { Button } from "../ui/button";
import { Input, Label } from "../ui/field";
import { useHydrated } from "../ui/local-time";
import { EMPTY_LOG_PARAMS, isoToLocalInput, localInputToIso, type LogViewParams } from "./log-params";
import { MultiSelect, type Option } from "./multi-select";
import { RANGE_LABELS } from "./range-presets";

const STATUS_OPTIONS: Option[] = [
  { value: "2xx", label: "2xx", hint: "success" },
  { value: "3xx", label: "3xx", hint: "redirect" },
  { value: "4xx", label: "4xx", hint: "client errors" },
  { value: "5xx", label: "5xx", hint: "server errors" },
  ...[200, 201, 400, 401, 403, 404, 405, 409, 413, 415, 429, 500, 503].map((s) => ({
    value: String(s),
    label: String(s),
    hint: "exact status",
  })),
];

const select =
  "h-8 rounded-md border border-slate-300 bg-white px-2 text-sm text-slate-900 shadow-sm focus:border-indigo-500 focus:outline-2 focus:outline-indigo-500/30";

/**
 * The log's filters. They live in the URL (each change navigates), so the server does the filtering and a
 * view can be shared as a link. Custom times are entered in the reader's time zone and sent as exact instants.
 */
export function LogsFilters({
  params,
  options,
  showUsers,
  onApply,
}: {
  params: LogViewParams;
  options: LogFilterOptions;
  showUsers: boolean;
  onApply: (next: LogViewParams) => void;
}) {
  const hydrated = useHydrated();
  const [draft, setDraft] = useState<LogViewParams>(params);
  const custom = Boolean(draft.from) || draft.range === "custom";
  const set = (patch: Partial<LogViewParams>) => setDraft((d) => ({ ...d, ...patch }));

  const keyOptions: Option[] = options.keys.map((k) => ({
    value: k.keyId,
    label: k.name,
    hint: [k.partner, k.ownerEmail, k.keyId].filter(Boolean).join(" · "),
  }));
  const partnerOptions: Option[] = options.partners.map((p) => ({ value: p, label: p }));
  const routes = [...new Set(options.routes.map((r) => r.path))];

  function apply(d: LogViewParams) {
    const useCustom = (Boolean(d.from) || d.range === "custom") && d.from;
    onApply({
      ...d,
      range: useCustom ? "" : d.range === "custom" ? "24h" : d.range,
      from: useCustom ? d.from : "",
      to: useCustom ? d.to : "",
      requestId: d.requestId.trim(),
    });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    apply(draft);
  }

  /** Lists and menus apply as they change; typed values (request id, custom times) wait for Apply. */
  const setAndApply = (patch: Partial<LogViewParams>) => {
    const next = { ...draft, ...patch };
    setDraft(next);
    if (!(next.range === "custom" && !next.from)) apply(next);
  };

  return (
    <form
      onSubmit={submit}
      aria-label="Log filters"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-3 shadow-sm"
    >
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <div>
          <Label htmlFor="log-range">Time range</Label>
          <select
            id="log-range"
            className={`${select} mt-1 w-full`}
            value={custom ? "custom" : draft.range || "24h"}
            onChange={(event) => {
              const value = event.target.value;
              if (value === "custom") set({ range: "custom" });
              else setAndApply({ range: value, from: "", to: "" });
            }}
          >
            {RANGE_PRESETS.map((preset) => (
              <option key={preset} value={preset}>
                Last {RANGE_LABELS[preset]}
              </option>
            ))}
            <option value="custom">Custom…</option>
          </select>
        </div>
        {custom ? (
          <>
            <div>
              <Label htmlFor="log-from">From (your time)</Label>
              <Input
                id="log-from"
                type="datetime-local"
                className="mt-1"
                value={hydrated ? isoToLocalInput(draft.from) : ""}
                onChange={(event) => set({ from: localInputToIso(event.target.value) })}
                required
              />
            </div>
            <div>
              <Label htmlFor="log-to">To (your time, empty = now)</Label>
              <Input
                id="log-to"
                type="datetime-local"
                className="mt-1"
                value={hydrated ? isoToLocalInput(draft.to) : ""}
                onChange={(event) => set({ to: localInputToIso(event.target.value) })}
              />
            </div>
          </>
        ) : null}
        <div>
          <Label htmlFor="log-request-id">Request id</Label>
          <Input
            id="log-request-id"
            className="mt-1 font-mono text-xs"
            placeholder="req_…"
            value={draft.requestId}
            onChange={(event) => set({ requestId: event.target.value })}
          />
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <MultiSelect
          label="Key"
          allLabel="All keys"
          options={keyOptions}
          selected={draft.keyId}
          onChange={(keyId) => setAndApply({ keyId })}
          className="w-full sm:w-56"
        />
        <MultiSelect
          label="Partner"
          allLabel="All partners"
          options={partnerOptions}
          selected={draft.partner}
          onChange={(partner) => setAndApply({ partner })}
          className="w-full sm:w-52"
        />
        <MultiSelect
          label="Status"
          allLabel="Any status"
          options={STATUS_OPTIONS}
          selected={draft.status}
          onChange={(status) => setAndApply({ status })}
          className="w-full sm:w-44"
        />
        <select
          aria-label="Method"
          className={select}
          value={draft.method}
          onChange={(event) => setAndApply({ method: event.target.value })}
        >
          <option value="">Any method</option>
          {METHODS.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
        <select
          aria-label="Endpoint"
          className={`${select} w-full sm:w-auto sm:max-w-72`}
          value={draft.route}
          onChange={(event) => setAndApply({ route: event.target.value })}
        >
          <option value="">Any endpoint</option>
          {routes.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        {showUsers ? (
          <select
            aria-label="User"
            className={`${select} w-full sm:w-auto sm:max-w-64`}
            value={draft.user}
            onChange={(event) => setAndApply({ user: event.target.value })}
          >
            <option value="">All users</option>
            {(options.users ?? []).map((u) => (
              <option key={u.id} value={u.email}>
                {u.email}
              </option>
            ))}
          </select>
        ) : null}
        <div className="ml-auto flex items-center gap-2">
          <Button variant="ghost" onClick={() => onApply({ ...EMPTY_LOG_PARAMS, order: draft.order })}>
            Clear
          </Button>
          <Button type="submit" variant="primary">
            Apply filters
          </Button>
        </div>
      </div>
    </form>
  );
}

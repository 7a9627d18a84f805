import { RANGE_PRESETS } from "@/lib/logs/log-vocabulary";

/** The logs page's view as it sits in the URL: strings only, so a link can be pasted and reproduces it. */
export type LogViewParams = {
  range: string;
  from: string;
  to: string;
  keyId: string[];
  partner: string[];
  /** Partner entities by id (a partner page's "View all in Logs"). */
  partnerId: string[];
  status: string[];
  method: string;
  route: string;
  requestId: string;
  user: string;
  order: "desc" | "asc";
};

type RawParams = Record<string, string | string[] | undefined>;

const list = (value: string | string[] | undefined): string[] =>
  (Array.isArray(value) ? value : value ? [value] : []).flatMap((v) => v.split(",")).filter(Boolean);

const one = (value: string | string[] | undefined): string => (Array.isArray(value) ? value[0] : value)?.trim() ?? "";

export function readLogParams(params: RawParams): LogViewParams {
  const range = one(params.range);
  return {
    range: (RANGE_PRESETS as readonly string[]).includes(range) ? range : "",
    from: one(params.from),
    to: one(params.to),
    keyId: list(params.keyId),
    partner: list(params.partner),
    partnerId: list(params.partnerId),
    status: list(params.status),
    method: one(params.method),
    route: one(params.route),
    requestId: one(params.requestId),
    user: one(params.user),
    order: one(params.order) === "asc" ? "asc" : "desc",
  };
}

/** Only the filters that are set, in the shape lib/logs parses (it validates them). */
export function toFilterInput(p: LogViewParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (p.from) {
    out.from = p.from;
    if (p.to) out.to = p.to;
  } else if (p.range) out.range = p.range;
  if (p.keyId.length) out.keyId = p.keyId;
  if (p.partner.length) out.partner = p.partner;
  if (p.partnerId.length) out.partnerId = p.partnerId;
  if (p.status.length) out.status = p.status;
  if (p.method) out.method = p.method;
  if (p.route) out.route = p.route;
  if (p.requestId) out.requestId = p.requestId;
  if (p.user) out.user = p.user;
  return out;
}

/** The URL query for a view; the default order (newest first) is left out. */
export function toSearchParams(p: LogViewParams): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(toFilterInput(p))) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
  }
  if (p.order === "asc") params.set("order", "asc");
  return params;
}

export const EMPTY_LOG_PARAMS: LogViewParams = readLogParams({});

export function logsHref(p: Partial<LogViewParams>): string {
  const query = toSearchParams({ ...EMPTY_LOG_PARAMS, ...p }).toString();
  return query ? `/logs?${query}` : "/logs";
}

const pad = (n: number) => String(n).padStart(2, "0");

/** An instant as a datetime-local input value, in the browser's time zone. */
export function isoToLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (the browser's wall clock) as an exact instant. */
export function localInputToIso(value: string): string {
  if (!value) return "";
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? "" : d.toISOString();
}

/** The log's link parameters as the filter names the page shows (chips, filter bar). */
const PARAM_LABELS: Record<string, string> = {
  keyId: "Key",
  partner: "Partner",
  partnerId: "Partner",
  status: "Status",
  method: "Method",
  route: "Endpoint",
  requestId: "Request id",
  user: "User",
  from: "From",
  to: "To",
  range: "Time range",
  order: "Order",
  cursor: "Page",
};

/**
 * A malformed link's problems as sentences a person can act on: `query.status.0: expected …` (the validator's
 * field path) becomes `Status "abc": expected …`, naming the filter as the page does and quoting what the link held.
 */
export function describeLinkProblems(fields: Record<string, string>, params: LogViewParams): string[] {
  return Object.entries(fields).map(([field, message]) => {
    const [, name = field, index] = field.startsWith("query.") ? field.split(".") : [undefined, field];
    const label = PARAM_LABELS[name] ?? name;
    const held = (params as Record<string, unknown>)[name];
    const raw = Array.isArray(held) ? held[Number(index ?? 0)] : held;
    const value = typeof raw === "string" && raw ? ` "${raw.length > 60 ? `${raw.slice(0, 60)}…` : raw}"` : "";
    return `${label}${value}: ${message}.`;
  });
}

"use client";

import type { ReactNode } from "react";
import type { AuditView } from "@/lib/keys/audit";
import type { AuditAction } from "@/lib/keys/key-vocabulary";
import { Badge, type BadgeTone } from "../ui/badge";
import { LocalTime } from "../ui/local-time";

const ACTION_TONE: Record<AuditAction, BadgeTone> = {
  created: "green",
  updated: "indigo",
  rotated: "indigo",
  grace_ended: "amber",
  revoked: "red",
  expired: "amber",
  suspended: "amber",
  resumed: "green",
  leak_reported: "red",
  expiry_warning: "amber",
  error_spike: "red",
  imported: "green",
  replaced: "amber",
};

const FIELD_LABELS: Record<string, string> = {
  name: "Name",
  partner: "Partner",
  description: "Description",
  environment: "Environment",
  scopes: "Scopes",
  ipAllowlist: "IP allowlist",
  rateLimitPerMinute: "Rate limit",
  expiresAt: "Expiry",
  reason: "Reason",
  graceSeconds: "Grace period",
  previousSecretRetiresAt: "Old secret accepted until",
  newSecretLastFour: "New secret",
  source: "Found at",
  outcome: "Outcome",
  secretLastFour: "Secret",
  daysBefore: "Days before expiry",
  suspendedAt: "Suspended",
  suspendedReason: "Suspension reason",
  leakPolicy: "On a leak",
  retiredSecretLastFour: "Old secret retired",
  graceWasUntil: "Grace was until",
  replacementKeyId: "Replaced by",
  legacySecretRetiresAt: "Legacy secret accepted until",
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function duration(seconds: number): string {
  if (seconds === 0) return "none (old secret refused at once)";
  if (seconds % 86400 === 0) return `${seconds / 86400} day${seconds === 86400 ? "" : "s"}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? "" : "s"}`;
  return `${seconds} s`;
}

function renderValue(field: string, value: unknown): ReactNode {
  if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) {
    return <span className="text-slate-500">none</span>;
  }
  if (field === "graceSeconds" && typeof value === "number") return duration(value);
  if (
    (field === "newSecretLastFour" || field === "secretLastFour" || field === "retiredSecretLastFour") &&
    typeof value === "string"
  )
    return <span className="font-mono">…{value}</span>;
  if (field === "rateLimitPerMinute" && typeof value === "number") return `${value}/min`;
  if (typeof value === "string" && ISO_DATE.test(value)) return <LocalTime iso={value} />;
  if (Array.isArray(value)) return <span className="font-mono">{value.map(String).join(", ")}</span>;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function isChange(value: unknown): value is { from: unknown; to: unknown } {
  return typeof value === "object" && value !== null && "from" in value && "to" in value;
}

/** One line per field: "Scopes: inventory:read → inventory:read, offers:read" for edits, the value otherwise. */
function ChangeSummary({ changes }: { changes: Record<string, unknown> }) {
  const entries = Object.entries(changes).filter(([field]) => field !== "bySupport");
  if (entries.length === 0) return null;
  return (
    <ul className="mt-1 space-y-0.5 text-xs text-slate-600">
      {entries.map(([field, value]) => (
        <li key={field}>
          <span className="text-slate-500">{FIELD_LABELS[field] ?? field}: </span>
          {isChange(value) ? (
            <>
              {renderValue(field, value.from)} <span aria-label="changed to">→</span> {renderValue(field, value.to)}
            </>
          ) : (
            renderValue(field, value)
          )}
        </li>
      ))}
    </ul>
  );
}

export function AuditList({ events }: { events: AuditView[] }) {
  if (events.length === 0) return <p className="text-sm text-slate-500">No audit entries yet.</p>;
  return (
    <ol className="divide-y divide-slate-100" aria-label="Audit trail">
      {events.map((event, i) => (
        <li key={`${event.at}-${i}`} className="flex gap-3 py-2.5">
          <div className="w-28 shrink-0">
            <Badge tone={ACTION_TONE[event.action] ?? "neutral"}>{event.action.replaceAll("_", " ")}</Badge>
          </div>
          <div className="min-w-0 flex-1">
            <p className="text-sm text-slate-800">
              <span className="font-medium">{event.actor}</span>
              {event.changes.bySupport ? <span className="text-slate-500"> (support)</span> : null}
              {event.ip ? <span className="font-mono text-xs text-slate-500"> from {event.ip}</span> : null}
            </p>
            <ChangeSummary changes={event.changes} />
          </div>
          <LocalTime iso={event.at} className="shrink-0 text-xs text-slate-500" />
        </li>
      ))}
    </ol>
  );
}

import type { KeyEnvironment, KeyStatus } from "@/lib/keys/key-vocabulary";
import { Badge, type BadgeTone } from "../ui/badge";

const STATUS_TONE: Record<KeyStatus, BadgeTone> = {
  active: "green",
  suspended: "amber",
  expired: "amber",
  revoked: "red",
};

export function KeyStatusBadge({ status }: { status: KeyStatus }) {
  return <Badge tone={STATUS_TONE[status]}>{status}</Badge>;
}

export function EnvironmentBadge({ environment }: { environment: KeyEnvironment }) {
  return <Badge tone={environment === "live" ? "indigo" : "amber"}>{environment}</Badge>;
}

export function ScopeBadges({ scopes }: { scopes: readonly string[] }) {
  if (scopes.length === 0) return <span className="text-xs text-slate-500">No scopes</span>;
  return (
    <ul className="flex flex-wrap gap-1" aria-label="Scopes">
      {scopes.map((scope) => (
        <li key={scope}>
          <Badge mono>{scope}</Badge>
        </li>
      ))}
    </ul>
  );
}

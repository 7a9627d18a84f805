"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import type { LogRow } from "@/lib/logs/query-logs";
import type { KeyStateAtRequest, RefusalDetail } from "@/lib/logs/log-entry";
import { CopyButton } from "../ui/copy-button";
import { LocalTime } from "../ui/local-time";
import { Badge } from "../ui/badge";
import { formatMs } from "./format";
import { StatusBadge } from "@/components/ui/status-badge";

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid gap-1 py-2 sm:grid-cols-[9rem_1fr] sm:gap-3">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="min-w-0 text-sm break-words text-slate-900">{children}</dd>
    </div>
  );
}

const none = <span className="text-slate-500">—</span>;
export const detailLink =
  "text-indigo-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600";

const SECRET_WORDS: Record<KeyStateAtRequest["secret"], string> = {
  current: "the current secret",
  previous: "the previous secret, still accepted during its grace period",
  retired: "an old secret whose grace period had ended",
  wrong: "a secret that is not this key's",
};

/** The key as the guard saw it when it refused the request: what a person debugging the partner needs first. */
function KeyStateLine({ state }: { state: KeyStateAtRequest }) {
  return (
    <span className="flex flex-wrap items-center gap-1.5">
      <Badge tone={state.status === "active" ? "green" : state.status === "revoked" ? "red" : "amber"}>
        {state.status}
      </Badge>
      {state.inGrace ? <Badge tone="indigo">rotation in grace</Badge> : null}
      {state.secret === "previous" || state.secret === "retired" ? <Badge tone="amber">old secret used</Badge> : null}
      <span className="basis-full text-xs text-slate-600">Presented {SECRET_WORDS[state.secret]}.</span>
    </span>
  );
}

function SecretSlot({ slot }: { slot: string | null }) {
  if (slot === "previous") {
    return (
      <span>
        <span className="font-medium text-amber-800">previous</span>: a rotated-out secret, still accepted during its
        grace period
      </span>
    );
  }
  return slot ? <span>{slot}</span> : none;
}

/**
 * Everything recorded about one request. For a refusal, what the partner saw (the error message, the docs
 * anchor), why (required vs granted scopes, the key's state at that moment) and what was sent (the query string).
 */
export function RequestDetail({
  row,
  refusal,
  ownerEmail,
  refusalPending = false,
}: {
  row: LogRow;
  refusal: RefusalDetail | null;
  ownerEmail?: string;
  /** The refusal details are still being fetched. */
  refusalPending?: boolean;
}) {
  const keyKnown = Boolean(row.keyName && row.keyId);
  const missing =
    refusal?.requiredScope && refusal.grantedScopes && !refusal.grantedScopes.includes(refusal.requiredScope);
  return (
    <dl className="divide-y divide-slate-100" data-testid="request-detail">
      <Item label="Time">
        <LocalTime iso={row.timestamp} withSeconds />{" "}
        <span className="font-mono text-xs break-all text-slate-600">{row.timestamp}</span>
      </Item>
      <Item label="Request id">
        <span className="inline-flex flex-wrap items-center gap-2">
          <code className="font-mono text-xs break-all">{row.requestId}</code>
          <CopyButton text={row.requestId} label="Copy request id" />
        </span>
      </Item>
      <Item label="Status">
        <StatusBadge status={row.status} />
      </Item>
      {row.status >= 400 ? (
        <Item label="Partner was told">
          {refusal ? (
            <span className="block rounded bg-slate-100 px-2 py-1 font-mono text-xs" data-testid="refusal-message">
              {refusal.message}
            </span>
          ) : refusalPending ? (
            <span className="text-slate-500">Loading…</span>
          ) : (
            <span className="text-slate-500">Not recorded for this request</span>
          )}
        </Item>
      ) : null}
      <Item label="Error code">
        {row.errorCode ? (
          <Link href={`/docs#errors-${row.errorCode}`} className={`font-mono text-xs ${detailLink}`}>
            {row.errorCode} (docs)
          </Link>
        ) : (
          none
        )}
      </Item>
      <Item label="Endpoint">
        <span className="font-mono text-xs break-all">
          {row.method} {row.route}
        </span>
      </Item>
      <Item label="Path">
        <span className="font-mono text-xs break-all">{row.path}</span>
      </Item>
      {refusal?.query ? (
        <Item label="Query string">
          <span className="font-mono text-xs break-all">?{refusal.query}</span>
        </Item>
      ) : null}
      {refusal?.requiredScope ? (
        <Item label="Scopes">
          <span className="block text-xs">
            Required <code className="font-mono">{refusal.requiredScope}</code>
            {refusal.grantedScopes ? (
              <>
                {" · "}granted{" "}
                {refusal.grantedScopes.length ? (
                  <code className="font-mono">{refusal.grantedScopes.join(", ")}</code>
                ) : (
                  "none"
                )}
              </>
            ) : null}
            {missing ? <span className="ml-1 font-medium text-red-700">(missing)</span> : null}
          </span>
        </Item>
      ) : null}
      {refusal?.keyState ? (
        <Item label="Key at that moment">
          <KeyStateLine state={refusal.keyState} />
        </Item>
      ) : null}
      <Item label="Latency">{formatMs(row.latencyMs)}</Item>
      <Item label="Key">
        {keyKnown ? (
          <Link href={`/keys/${row.keyId}`} className={detailLink}>
            {row.keyName}
          </Link>
        ) : (
          <span className="text-slate-600">{row.keyId ? "Unknown key" : "No key sent"}</span>
        )}
      </Item>
      <Item label="Key id">
        {row.keyId ? (
          <span className="inline-flex flex-wrap items-center gap-2">
            <code className="font-mono text-xs break-all">{row.keyId}</code>
            <CopyButton text={row.keyId} label="Copy key id" />
          </span>
        ) : (
          none
        )}
      </Item>
      {ownerEmail ? <Item label="User">{ownerEmail}</Item> : null}
      <Item label="Partner">{row.partner ?? none}</Item>
      <Item label="Environment">{row.environment ?? none}</Item>
      <Item label="Secret slot">
        <SecretSlot slot={row.secretSlot} />
      </Item>
      <Item label="IP">{row.ip ? <span className="font-mono text-xs">{row.ip}</span> : none}</Item>
      <Item label="User agent">{row.userAgent ? <span className="text-xs">{row.userAgent}</span> : none}</Item>
    </dl>
  );
}

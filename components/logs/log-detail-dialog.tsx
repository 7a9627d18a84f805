"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import type { LogRow } from "@/lib/logs/query-logs";
import { CopyButton } from "../ui/copy-button";
import { Dialog } from "../ui/dialog";
import { LocalTime } from "../ui/local-time";
import { formatMs } from "./format";
import { logsHref } from "./log-params";
import { StatusBadge } from "@/components/ui/status-badge";

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[8rem_1fr] gap-3 py-2">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="min-w-0 text-sm break-words text-slate-900">{children}</dd>
    </div>
  );
}

const none = <span className="text-slate-400">—</span>;
const link = "text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600";

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

/** Everything recorded about one request, with ways to its key and to a view of just this request. */
export function LogDetailDialog({
  row,
  ownerEmail,
  onClose,
}: {
  row: LogRow | null;
  ownerEmail?: string;
  onClose: () => void;
}) {
  return (
    <Dialog open={row !== null} onClose={onClose} title="Request details" description={row?.requestId}>
      {row ? (
        <>
          <dl className="divide-y divide-slate-100">
            <Item label="Time">
              <LocalTime iso={row.timestamp} />{" "}
              <span className="font-mono text-xs text-slate-500">{row.timestamp}</span>
            </Item>
            <Item label="Request id">
              <span className="inline-flex flex-wrap items-center gap-2">
                <code className="font-mono text-xs">{row.requestId}</code>
                <CopyButton text={row.requestId} label="Copy request id" />
              </span>
            </Item>
            <Item label="Status">
              <StatusBadge status={row.status} />
            </Item>
            <Item label="Error code">
              {row.errorCode ? (
                <Link href={`/docs#errors-${row.errorCode}`} className={`font-mono text-xs ${link}`}>
                  {row.errorCode}
                </Link>
              ) : (
                none
              )}
            </Item>
            <Item label="Method">
              <span className="font-mono text-xs">{row.method}</span>
            </Item>
            <Item label="Endpoint">
              <span className="font-mono text-xs">{row.route}</span>
            </Item>
            <Item label="Path">
              <span className="font-mono text-xs">{row.path}</span>
            </Item>
            <Item label="Latency">{formatMs(row.latencyMs)}</Item>
            <Item label="Key">
              {row.keyName && row.keyId ? (
                <Link href={`/keys/${row.keyId}`} className={link}>
                  {row.keyName}
                </Link>
              ) : (
                <span className="text-slate-500">{row.keyId ? "Unknown key" : "No key sent"}</span>
              )}
            </Item>
            <Item label="Key id">{row.keyId ? <code className="font-mono text-xs">{row.keyId}</code> : none}</Item>
            {ownerEmail ? <Item label="User">{ownerEmail}</Item> : null}
            <Item label="Partner">{row.partner ?? none}</Item>
            <Item label="Environment">{row.environment ?? none}</Item>
            <Item label="Secret slot">
              <SecretSlot slot={row.secretSlot} />
            </Item>
            <Item label="IP">{row.ip ? <span className="font-mono text-xs">{row.ip}</span> : none}</Item>
            <Item label="User agent">{row.userAgent ? <span className="text-xs">{row.userAgent}</span> : none}</Item>
          </dl>
          <div className="mt-4 flex flex-wrap gap-4 border-t border-slate-100 pt-3 text-sm">
            <Link href={logsHref({ requestId: row.requestId, range: "30d" })} className={link} onClick={onClose}>
              Show only this request in Logs
            </Link>
            {row.keyName && row.keyId ? (
              <Link href={logsHref({ keyId: [row.keyId] })} className={link} onClick={onClose}>
                All requests of this key
              </Link>
            ) : null}
          </div>
        </>
      ) : null}
    </Dialog>
  );
}

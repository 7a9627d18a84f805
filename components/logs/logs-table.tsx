"use client";

import Link from "next/link";
import { useMemo, useState, type ReactNode } from "react";
import type { LogRow } from "@/lib/logs/query-logs";
import { DataTable, type ColumnDef, type DataTableProps } from "../data-table";
import { LocalTime } from "../ui/local-time";
import { formatMs } from "./format";
import { LogDetailDialog } from "./log-detail-dialog";
import { StatusBadge } from "@/components/ui/status-badge";

const mono = "font-mono text-xs whitespace-nowrap text-slate-700";
const muted = "text-xs whitespace-nowrap text-slate-500";

function logColumns(opts: {
  showKey: boolean;
  ownerEmails?: Record<string, string>;
  open: (row: LogRow) => void;
}): ColumnDef<LogRow>[] {
  const columns: (ColumnDef<LogRow> | false)[] = [
    {
      id: "time",
      header: "Time",
      // The table only offers sorting on columns that read a value; the order itself is the server's.
      accessorFn: (row) => row.timestamp,
      enableSorting: true,
      meta: { className: muted },
      cell: ({ row }) => <LocalTime iso={row.original.timestamp} />,
    },
    Boolean(opts.ownerEmails) && {
      id: "user",
      header: "User",
      meta: { className: "text-xs whitespace-nowrap" },
      cell: ({ row }) => (row.original.ownerId ? (opts.ownerEmails?.[row.original.ownerId] ?? "—") : "—"),
    },
    opts.showKey && {
      id: "key",
      header: "Key",
      meta: { className: "whitespace-nowrap" },
      cell: ({ row }) =>
        row.original.keyName && row.original.keyId ? (
          <Link
            href={`/keys/${row.original.keyId}`}
            className="font-medium text-slate-900 hover:text-indigo-700 hover:underline"
          >
            {row.original.keyName}
          </Link>
        ) : (
          <span className="text-xs text-slate-400">{row.original.keyId ?? "no key"}</span>
        ),
    },
    opts.showKey && {
      id: "partner",
      header: "Partner",
      meta: { className: "text-xs whitespace-nowrap" },
      cell: ({ row }) => row.original.partner ?? <span className="text-slate-400">—</span>,
    },
    {
      id: "method",
      header: "Method",
      meta: { className: mono },
      cell: ({ row }) => row.original.method,
    },
    {
      id: "endpoint",
      header: "Endpoint",
      meta: { className: mono },
      cell: ({ row }) => <span title={row.original.path}>{row.original.route}</span>,
    },
    {
      id: "status",
      header: "Status",
      cell: ({ row }) => <StatusBadge status={row.original.status} />,
    },
    {
      id: "latency",
      header: "Latency",
      meta: { className: "text-right text-xs whitespace-nowrap tabular-nums", headerClassName: "text-right" },
      cell: ({ row }) => formatMs(row.original.latencyMs),
    },
    {
      id: "ip",
      header: "IP",
      meta: { className: mono },
      cell: ({ row }) => row.original.ip ?? "—",
    },
    {
      id: "requestId",
      header: "Request id",
      cell: ({ row }) => (
        <button
          type="button"
          onClick={() => opts.open(row.original)}
          aria-label={`Details of request ${row.original.requestId}`}
          className="rounded font-mono text-xs whitespace-nowrap text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          {row.original.requestId}
        </button>
      ),
    },
    {
      id: "errorCode",
      header: "Error",
      meta: { className: "font-mono text-xs whitespace-nowrap text-slate-600" },
      cell: ({ row }) => row.original.errorCode ?? "",
    },
  ];
  return columns.filter((c): c is ColumnDef<LogRow> => Boolean(c));
}

/** Request log rows; a row (or its request id, for keyboard users) opens the request's detail panel. */
export function LogsTable({
  rows,
  showKey = true,
  ownerEmails,
  ...state
}: {
  rows: LogRow[];
  showKey?: boolean;
  /** Support view: owner id to email, for a User column. */
  ownerEmails?: Record<string, string>;
  emptyState: ReactNode;
} & Pick<
  DataTableProps<LogRow>,
  "sorting" | "onSortingChange" | "isLoading" | "error" | "onRetry" | "hasMore" | "onLoadMore" | "isLoadingMore"
>) {
  const [selected, setSelected] = useState<LogRow | null>(null);
  const columns = useMemo(() => logColumns({ showKey, ownerEmails, open: setSelected }), [showKey, ownerEmails]);
  return (
    <>
      <DataTable
        label="Request log"
        columns={columns}
        data={rows}
        getRowId={(row) => row.id}
        onRowClick={setSelected}
        {...state}
      />
      <LogDetailDialog
        row={selected}
        ownerEmail={selected?.ownerId ? ownerEmails?.[selected.ownerId] : undefined}
        onClose={() => setSelected(null)}
      />
    </>
  );
}

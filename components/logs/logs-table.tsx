"use client";

import Link from "next/link";
import { useEffect, useMemo, useState, type ReactNode } from "react";
import type { OnChangeFn, SortingState } from "@tanstack/react-table";
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
      cell: ({ row }) => <LocalTime iso={row.original.timestamp} compact />,
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
          <span className="text-xs text-slate-500">{row.original.keyId ?? "no key"}</span>
        ),
    },
    opts.showKey && {
      id: "partner",
      header: "Partner",
      meta: { className: "text-xs whitespace-nowrap" },
      cell: ({ row }) => row.original.partner ?? <span className="text-slate-500">—</span>,
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
      accessorFn: (row) => row.route,
      enableSorting: true,
      meta: { className: mono },
      cell: ({ row }) => <span title={row.original.path}>{row.original.route}</span>,
    },
    {
      id: "status",
      header: "Status",
      accessorFn: (row) => row.status,
      enableSorting: true,
      cell: ({ row }) => <StatusBadge status={row.original.status} />,
    },
    {
      id: "latency",
      header: "Latency",
      accessorFn: (row) => row.latencyMs,
      enableSorting: true,
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
      meta: { className: "font-mono text-xs whitespace-nowrap text-slate-700" },
      cell: ({ row }) => row.original.errorCode ?? "",
    },
  ];
  return columns.filter((c): c is ColumnDef<LogRow> => Boolean(c));
}

const CHOOSABLE: { id: string; label: string }[] = [
  { id: "user", label: "User" },
  { id: "key", label: "Key" },
  { id: "partner", label: "Partner" },
  { id: "method", label: "Method" },
  { id: "endpoint", label: "Endpoint" },
  { id: "latency", label: "Latency" },
  { id: "ip", label: "IP" },
  { id: "errorCode", label: "Error" },
];
const HIDDEN_KEY = "keyward.logColumns.hidden";

/** Which columns the reader hid, remembered in this browser. */
function useHiddenColumns(): [Set<string>, (id: string, hidden: boolean) => void] {
  const [hidden, setHidden] = useState<Set<string>>(() => new Set());
  useEffect(() => {
    try {
      const saved = JSON.parse(window.localStorage.getItem(HIDDEN_KEY) ?? "[]") as unknown;
      // eslint-disable-next-line react-hooks/set-state-in-effect -- reading browser storage after hydration
      if (Array.isArray(saved)) setHidden(new Set(saved.filter((v): v is string => typeof v === "string")));
    } catch {
      // A damaged entry: show every column.
    }
  }, []);
  const toggle = (id: string, hide: boolean) => {
    setHidden((prev) => {
      const next = new Set(prev);
      if (hide) next.add(id);
      else next.delete(id);
      window.localStorage.setItem(HIDDEN_KEY, JSON.stringify([...next]));
      return next;
    });
  };
  return [hidden, toggle];
}

function ColumnChooser({
  available,
  hidden,
  onToggle,
}: {
  available: string[];
  hidden: Set<string>;
  onToggle: (id: string, hidden: boolean) => void;
}) {
  return (
    <details className="relative">
      <summary className="inline-flex h-7 cursor-pointer list-none items-center rounded-md border border-slate-300 bg-white px-2.5 text-xs font-medium text-slate-800 hover:bg-slate-50">
        Columns
      </summary>
      <fieldset className="absolute right-0 z-20 mt-1 w-44 space-y-1 rounded-md border border-slate-200 bg-white p-2 shadow-lg">
        <legend className="sr-only">Columns to show</legend>
        {CHOOSABLE.filter((c) => available.includes(c.id)).map((c) => (
          <label key={c.id} className="flex items-center gap-2 text-xs text-slate-800">
            <input type="checkbox" checked={!hidden.has(c.id)} onChange={(e) => onToggle(c.id, !e.target.checked)} />
            {c.label}
          </label>
        ))}
      </fieldset>
    </details>
  );
}

/** The loaded rows in the order asked for; time order comes from the server, the others sort what is loaded. */
function sortRows(rows: LogRow[], sort: SortingState[number] | undefined): LogRow[] {
  if (!sort || sort.id === "time") return rows;
  const value = (r: LogRow): number | string =>
    sort.id === "status" ? r.status : sort.id === "latency" ? r.latencyMs : r.route;
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    const order = x < y ? -1 : x > y ? 1 : 0;
    return sort.desc ? -order : order;
  });
}

/** Request log rows; a row (or its request id, for keyboard users) opens the request's detail panel. */
export function LogsTable({
  rows,
  showKey = true,
  ownerEmails,
  sorting,
  onSortingChange,
  chooser = false,
  ...state
}: {
  rows: LogRow[];
  showKey?: boolean;
  /** Support view: owner id to email, for a User column. */
  ownerEmails?: Record<string, string>;
  emptyState: ReactNode;
  /** Show the column chooser and keep the header in view (the Logs page). */
  chooser?: boolean;
} & Pick<
  DataTableProps<LogRow>,
  "sorting" | "onSortingChange" | "isLoading" | "error" | "onRetry" | "hasMore" | "onLoadMore" | "isLoadingMore"
>) {
  const [selected, setSelected] = useState<LogRow | null>(null);
  const [localSort, setLocalSort] = useState<SortingState>([]);
  const [hidden, toggleColumn] = useHiddenColumns();
  const columns = useMemo(() => logColumns({ showKey, ownerEmails, open: setSelected }), [showKey, ownerEmails]);
  const sortable = Boolean(onSortingChange);
  const current = localSort[0] && localSort[0].id !== "time" ? localSort : (sorting ?? []);
  const handleSorting: OnChangeFn<SortingState> = (updater) => {
    const next = typeof updater === "function" ? updater(current) : updater;
    const first = next[0];
    if (!first || first.id === "time") {
      setLocalSort([]);
      // Time order is the server's: a click on Time asks for the other direction (the table's own cycle would
      // clear the sort on the second click instead).
      if (current[0]?.id === "time") onSortingChange?.([{ id: "time", desc: !current[0].desc }]);
      return;
    }
    setLocalSort([first]);
  };
  const visibility = chooser ? Object.fromEntries([...hidden].map((id) => [id, false])) : undefined;
  return (
    <>
      {chooser ? (
        <div className="mb-2 flex flex-wrap items-center justify-end gap-2 text-xs text-slate-600">
          {current[0] && current[0].id !== "time" ? <span>Sorted within the loaded rows</span> : null}
          <ColumnChooser available={columns.map((c) => c.id!)} hidden={hidden} onToggle={toggleColumn} />
        </div>
      ) : null}
      <DataTable
        label="Request log"
        columns={columns}
        data={sortRows(rows, current[0])}
        getRowId={(row) => row.id}
        onRowClick={setSelected}
        sorting={sortable ? current : undefined}
        onSortingChange={sortable ? handleSorting : undefined}
        columnVisibility={visibility}
        stickyHeader={chooser}
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

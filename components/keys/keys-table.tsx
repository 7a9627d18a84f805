"use client";

import Link from "next/link";
import { useMemo } from "react";
import type { KeyView } from "@/lib/keys/key-view";
import { DataTable, type ColumnDef } from "../data-table";
import { LocalTime } from "../ui/local-time";
import { KeyStatusBadge, ScopeBadges } from "./key-badges";

const muted = "text-xs whitespace-nowrap text-slate-500";

function keyColumns(showOwner: boolean): ColumnDef<KeyView>[] {
  return [
    {
      id: "name",
      header: "Name",
      cell: ({ row }) => (
        <Link
          href={`/keys/${row.original.keyId}`}
          className="font-medium text-slate-900 hover:text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          {row.original.name}
        </Link>
      ),
    },
    ...(showOwner
      ? [
          {
            id: "owner",
            header: "Owner",
            cell: ({ row }) => row.original.ownerEmail ?? "—",
          } satisfies ColumnDef<KeyView>,
        ]
      : []),
    {
      id: "partner",
      header: "Partner",
      cell: ({ row }) => row.original.partner ?? <span className="text-slate-400">—</span>,
    },
    {
      id: "keyId",
      header: "Key ID",
      cell: ({ row }) => (
        <code className="font-mono text-xs whitespace-nowrap text-slate-700">{row.original.keyId}</code>
      ),
    },
    { id: "scopes", header: "Scopes", cell: ({ row }) => <ScopeBadges scopes={row.original.scopes} /> },
    { id: "status", header: "Status", cell: ({ row }) => <KeyStatusBadge status={row.original.status} /> },
    {
      id: "lastUsedAt",
      header: "Last used",
      meta: { className: muted },
      cell: ({ row }) => <LocalTime iso={row.original.lastUsedAt} empty="Never" />,
    },
    {
      id: "createdAt",
      header: "Created",
      meta: { className: muted },
      cell: ({ row }) => <LocalTime iso={row.original.createdAt} />,
    },
    {
      id: "expiresAt",
      header: "Expires",
      meta: { className: muted },
      cell: ({ row }) => <LocalTime iso={row.original.expiresAt} empty="Never" />,
    },
  ];
}

export function KeysTable({
  keys,
  showOwner,
  ...state
}: {
  keys: KeyView[];
  showOwner: boolean;
  isLoading?: boolean;
  error?: string | null;
  onRetry?: () => void;
  hasMore?: boolean;
  onLoadMore?: () => void;
  isLoadingMore?: boolean;
  emptyState: React.ReactNode;
}) {
  const columns = useMemo(() => keyColumns(showOwner), [showOwner]);
  return (
    <DataTable
      label="API keys"
      columns={columns}
      data={keys}
      getRowId={(key) => key.keyId}
      rowHref={(key) => `/keys/${key.keyId}`}
      {...state}
    />
  );
}

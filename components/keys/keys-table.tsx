"use client";

import Link from "next/link";
import { useEffect, useMemo, useState, type CSSProperties, type MouseEvent } from "react";
import type { KeyView } from "@/lib/keys/key-view";
import { DataTable, type ColumnDef, type SortingState } from "../data-table";
import { CopyButton } from "../ui/copy-button";
import { LocalTime } from "../ui/local-time";
import { KeyStatusBadge, ScopeBadges } from "./key-badges";
import { RevokeKeyDialog } from "./revoke-key-dialog";
import { RotateKeyDialog } from "./rotate-key-dialog";

const muted = "text-xs whitespace-nowrap text-slate-600";

type RowAction = { key: KeyView; action: "rotate" | "revoke" } | null;

/** Copy the id, rotate, revoke: the row's menu (a disclosure, so it works with keyboard and screen readers). */
function RowMenu({ apiKey, onAction }: { apiKey: KeyView; onAction: (a: RowAction) => void }) {
  const done = apiKey.status === "revoked";
  const item =
    "block w-full rounded px-2 py-1.5 text-left text-xs text-slate-800 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600 disabled:text-slate-500";
  // Choosing an item closes the menu (else the open menu would cover the rows below it).
  const choose = (e: MouseEvent<HTMLButtonElement>, act: () => void) => {
    (e.currentTarget.closest("details") as HTMLDetailsElement).open = false;
    act();
  };
  // The menu is placed against the viewport (position: fixed), so the table's scroll box cannot clip it on the last
  // rows; it opens upwards when the viewport has no room below. Scrolling or resizing closes it (it would drift).
  const [place, setPlace] = useState<CSSProperties | null>(null);
  useEffect(() => {
    if (!place) return;
    const close = () => {
      for (const open of document.querySelectorAll<HTMLDetailsElement>("details[data-row-menu][open]"))
        open.open = false;
      setPlace(null);
    };
    window.addEventListener("scroll", close, { capture: true, passive: true });
    window.addEventListener("resize", close);
    return () => {
      window.removeEventListener("scroll", close, { capture: true });
      window.removeEventListener("resize", close);
    };
  }, [place]);
  return (
    <details
      className="relative"
      data-row-menu
      onToggle={(e) => {
        const opened = e.currentTarget;
        if (!opened.open) {
          setPlace(null);
          return;
        }
        // One row menu open at a time.
        for (const other of document.querySelectorAll<HTMLDetailsElement>("details[data-row-menu][open]"))
          if (other !== opened) other.open = false;
        const anchor = opened.querySelector("summary")!.getBoundingClientRect();
        const right = window.innerWidth - anchor.right;
        const menuHeight = 112;
        setPlace(
          anchor.bottom + 4 + menuHeight <= window.innerHeight
            ? { top: anchor.bottom + 4, right }
            : { bottom: window.innerHeight - anchor.top + 4, right },
        );
      }}
    >
      <summary
        aria-label={`Actions for ${apiKey.name}`}
        className="flex size-7 cursor-pointer list-none items-center justify-center rounded-md text-slate-700 hover:bg-slate-100"
      >
        <span aria-hidden="true">⋯</span>
      </summary>
      <div
        className="fixed z-30 w-40 rounded-md border border-slate-200 bg-white p-1 shadow-lg"
        style={place ?? { visibility: "hidden" }}
        data-testid="row-menu"
      >
        <button
          type="button"
          className={item}
          onClick={(e) => choose(e, () => void navigator.clipboard?.writeText(apiKey.keyId))}
        >
          Copy key id
        </button>
        <button
          type="button"
          className={item}
          disabled={apiKey.status !== "active"}
          onClick={(e) => choose(e, () => onAction({ key: apiKey, action: "rotate" }))}
        >
          Rotate secret
        </button>
        <button
          type="button"
          className={item}
          disabled={done}
          onClick={(e) => choose(e, () => onAction({ key: apiKey, action: "revoke" }))}
        >
          Revoke
        </button>
      </div>
    </details>
  );
}

function keyColumns(showOwner: boolean, onAction: (a: RowAction) => void): ColumnDef<KeyView>[] {
  return [
    {
      id: "name",
      header: "Name",
      accessorFn: (k) => k.name.toLowerCase(),
      enableSorting: true,
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
            accessorFn: (k) => k.ownerEmail ?? "",
            enableSorting: true,
            cell: ({ row }) => row.original.ownerEmail ?? "—",
          } satisfies ColumnDef<KeyView>,
        ]
      : []),
    {
      id: "partner",
      header: "Partner",
      accessorFn: (k) => (k.partner ?? "").toLowerCase(),
      enableSorting: true,
      cell: ({ row }) => row.original.partner ?? <span className="text-slate-500">—</span>,
    },
    {
      id: "keyId",
      header: "Key ID",
      cell: ({ row }) => (
        <span className="inline-flex items-center gap-1.5">
          <code className="font-mono text-xs whitespace-nowrap text-slate-700">{row.original.keyId}</code>
          <CopyButton text={row.original.keyId} label="Copy" />
        </span>
      ),
    },
    { id: "scopes", header: "Scopes", cell: ({ row }) => <ScopeBadges scopes={row.original.scopes} /> },
    {
      id: "status",
      header: "Status",
      accessorFn: (k) => k.status,
      enableSorting: true,
      cell: ({ row }) => <KeyStatusBadge status={row.original.status} />,
    },
    {
      id: "lastUsedAt",
      header: "Last used",
      accessorFn: (k) => k.lastUsedAt ?? "",
      enableSorting: true,
      meta: { className: muted },
      cell: ({ row }) => <LocalTime iso={row.original.lastUsedAt} empty="Never" />,
    },
    {
      id: "createdAt",
      header: "Created",
      accessorFn: (k) => k.createdAt,
      enableSorting: true,
      meta: { className: muted },
      cell: ({ row }) => <LocalTime iso={row.original.createdAt} />,
    },
    {
      id: "expiresAt",
      header: "Expires",
      // Never expiring sorts after every date.
      accessorFn: (k) => k.expiresAt ?? "9999",
      enableSorting: true,
      meta: { className: muted },
      cell: ({ row }) => <LocalTime iso={row.original.expiresAt} empty="Never" />,
    },
    {
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) => <RowMenu apiKey={row.original} onAction={onAction} />,
    },
  ];
}

function sortKeys(keys: KeyView[], columns: ColumnDef<KeyView>[], sort: SortingState[number] | undefined) {
  if (!sort) return keys;
  const column = columns.find((c) => c.id === sort.id) as { accessorFn?: (k: KeyView) => string } | undefined;
  const value = column?.accessorFn;
  if (!value) return keys;
  return [...keys].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    const order = x < y ? -1 : x > y ? 1 : 0;
    return sort.desc ? -order : order;
  });
}

/** The keys list. Sorting orders the loaded keys (newest first from the server); the count says how many. */
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
  const [action, setAction] = useState<RowAction>(null);
  const [sorting, setSorting] = useState<SortingState>([]);
  const columns = useMemo(() => keyColumns(showOwner, setAction), [showOwner]);
  const close = () => setAction(null);
  return (
    <>
      <p className="text-xs text-slate-600" aria-live="polite" data-testid="keys-count">
        {keys.length} key{keys.length === 1 ? "" : "s"}
        {state.hasMore ? " shown (more to load)" : ""}
      </p>
      <DataTable
        label="API keys"
        columns={columns}
        data={sortKeys(keys, columns, sorting[0])}
        getRowId={(key) => key.keyId}
        rowHref={(key) => `/keys/${key.keyId}`}
        sorting={sorting}
        onSortingChange={setSorting}
        {...state}
      />
      {action ? (
        <>
          <RotateKeyDialog apiKey={action.key} open={action.action === "rotate"} onClose={close} />
          <RevokeKeyDialog apiKey={action.key} open={action.action === "revoke"} onClose={close} />
        </>
      ) : null}
    </>
  );
}

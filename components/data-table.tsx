"use client";

import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type OnChangeFn,
  type SortingState,
  type VisibilityState,
} from "@tanstack/react-table";
import { useRouter } from "next/navigation";
import type { ReactNode } from "react";
import { Alert } from "./ui/alert";
import { Button } from "./ui/button";
import { cn } from "./ui/cn";

export type { ColumnDef, SortingState } from "@tanstack/react-table";

/** Extra per-column presentation, set through a column's `meta`. */
type ColumnMeta = { className?: string; headerClassName?: string };

export type DataTableProps<T> = {
  columns: ColumnDef<T>[];
  data: T[];
  getRowId: (row: T) => string;
  /** Accessible name of the table. */
  label: string;
  columnVisibility?: VisibilityState;
  /** Sorting is done by the server: pass the current state and a handler that refetches. Omit to disable. */
  sorting?: SortingState;
  onSortingChange?: OnChangeFn<SortingState>;
  /** A refetch is under way: the current rows stay visible, dimmed. With no rows yet, skeleton rows show. */
  isLoading?: boolean;
  error?: string | null;
  onRetry?: () => void;
  emptyState?: ReactNode;
  /** Keyset pagination: the server said there is a next page. */
  hasMore?: boolean;
  onLoadMore?: () => void;
  isLoadingMore?: boolean;
  /** Makes the whole row open this address on click; keep a real link in one cell for keyboard users. */
  rowHref?: (row: T) => string;
  /** Or runs this on a row click (e.g. opens a detail panel); keep a real button in one cell for keyboard users. */
  onRowClick?: (row: T) => void;
  /** Long lists: the table scrolls inside a viewport-high box and its header row stays in view. */
  stickyHeader?: boolean;
};

/**
 * The one table wrapper for server-driven lists (keys, logs): the server owns paging, sorting and filtering;
 * this renders a page, its empty, loading and error states, and asks for the next page by cursor.
 */
export function DataTable<T>({
  columns,
  data,
  getRowId,
  label,
  columnVisibility,
  sorting,
  onSortingChange,
  isLoading = false,
  error,
  onRetry,
  emptyState,
  hasMore = false,
  onLoadMore,
  isLoadingMore = false,
  rowHref,
  onRowClick,
  stickyHeader = false,
}: DataTableProps<T>) {
  const router = useRouter();
  // The app does not run the React Compiler, and TanStack's instance is meant to be rebuilt each render.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data,
    columns,
    getRowId: (row) => getRowId(row),
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    manualSorting: true,
    manualFiltering: true,
    enableSorting: Boolean(onSortingChange),
    state: { sorting: sorting ?? [], ...(columnVisibility ? { columnVisibility } : {}) },
    onSortingChange,
  });
  const visibleColumns = table.getVisibleLeafColumns().length;
  const rows = table.getRowModel().rows;

  let body: ReactNode;
  if (error) {
    body = (
      <tr>
        <td colSpan={visibleColumns} className="p-4">
          <Alert tone="error" title="Could not load this list.">
            <p>{error}</p>
            {onRetry ? (
              <Button size="sm" className="mt-2" onClick={onRetry}>
                Try again
              </Button>
            ) : null}
          </Alert>
        </td>
      </tr>
    );
  } else if (rows.length === 0 && isLoading) {
    body = Array.from({ length: 3 }, (_, i) => (
      <tr key={i} aria-hidden="true">
        {table.getVisibleLeafColumns().map((column) => (
          <td key={column.id} className="px-3 py-3">
            <div className="h-3 animate-pulse rounded bg-slate-200" />
          </td>
        ))}
      </tr>
    ));
  } else if (rows.length === 0) {
    body = (
      <tr>
        <td colSpan={visibleColumns} className="px-4 py-12 text-center text-sm text-slate-500">
          {emptyState ?? "Nothing to show."}
        </td>
      </tr>
    );
  } else {
    body = rows.map((row) => {
      const href = rowHref?.(row.original);
      const activate = href ? () => router.push(href) : onRowClick ? () => onRowClick(row.original) : undefined;
      return (
        <tr
          key={row.id}
          onClick={
            activate
              ? (event) => {
                  // Let real links, buttons and text selection inside the row behave as themselves.
                  if (
                    (event.target as HTMLElement).closest("a,button,input,summary,details") ||
                    window.getSelection()?.toString()
                  )
                    return;
                  activate();
                }
              : undefined
          }
          className={cn("border-t border-slate-100", activate && "cursor-pointer hover:bg-slate-50")}
        >
          {row.getVisibleCells().map((cell, i) => (
            <td
              key={cell.id}
              className={cn(
                "px-3 py-2 align-middle",
                // The first column stays put while a narrow screen scrolls the table sideways.
                i === 0 && "sticky left-0 z-[1] bg-white",
                (cell.column.columnDef.meta as ColumnMeta | undefined)?.className,
              )}
            >
              {flexRender(cell.column.columnDef.cell, cell.getContext())}
            </td>
          ))}
        </tr>
      );
    });
  }

  return (
    <div className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
      <div
        // relative: the header's visually hidden labels (absolute) stay inside the scroll box, else they widen the page.
        className={cn("relative overflow-x-auto", stickyHeader && "max-h-[calc(100dvh-8rem)] overflow-y-auto")}
        // Scrollable regions must be reachable by keyboard (axe: scrollable-region-focusable).
        tabIndex={0}
        role="region"
        aria-label={`${label} (scrolls)`}
      >
        <table
          aria-label={label}
          aria-busy={isLoading || undefined}
          className={cn("w-full text-left text-sm transition-opacity", isLoading && rows.length > 0 && "opacity-60")}
        >
          <thead className={cn("bg-slate-50 text-xs font-medium text-slate-600", stickyHeader && "sticky top-0 z-[2]")}>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header, i) => {
                  const sorted = header.column.getIsSorted();
                  const canSort = header.column.getCanSort();
                  const content = header.isPlaceholder
                    ? null
                    : flexRender(header.column.columnDef.header, header.getContext());
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                      className={cn(
                        "bg-slate-50 px-3 py-2 font-medium whitespace-nowrap",
                        i === 0 && "sticky left-0 z-[3]",
                        (header.column.columnDef.meta as ColumnMeta | undefined)?.headerClassName,
                      )}
                    >
                      {canSort ? (
                        <button
                          type="button"
                          onClick={header.column.getToggleSortingHandler()}
                          className="inline-flex items-center gap-1 rounded hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-indigo-600"
                        >
                          {content}
                          <span aria-hidden="true">{sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}</span>
                        </button>
                      ) : (
                        content
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>{body}</tbody>
        </table>
      </div>
      {hasMore && onLoadMore && !error ? (
        <div className="flex justify-center border-t border-slate-100 p-2">
          <Button size="sm" variant="ghost" onClick={onLoadMore} pending={isLoadingMore}>
            Load more
          </Button>
        </div>
      ) : null}
    </div>
  );
}

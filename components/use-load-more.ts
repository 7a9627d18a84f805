import { useState, useTransition } from "react";
import type { ActionResult } from "@/app/_server/run-action";

type Page = { data: unknown[]; nextCursor: string | null };
type Row<P extends Page> = P["data"][number];

/**
 * "Load more" for a server-rendered keyset page (keys, logs): appends the next pages to the first one.
 * Pages loaded earlier belong to the first page they followed: a refreshed list whose first page moved on
 * starts over, and `reset()` starts over for a new filter.
 */
export function useLoadMore<P extends Page>(
  page: P | null,
  getId: (row: Row<P>) => string,
  fetchPage: (cursor: string, first: P) => Promise<ActionResult<{ data: Row<P>[]; nextCursor: string | null }>>,
) {
  const [isLoadingMore, startLoadingMore] = useTransition();
  const [more, setMore] = useState<{ after: string; rows: Row<P>[]; nextCursor: string | null } | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  const first: Row<P>[] = page?.data ?? [];
  const extra = page && more && more.after === page.nextCursor ? more : null;
  const seen = new Set(first.map(getId));
  const rows = [...first, ...(extra?.rows.filter((row) => !seen.has(getId(row))) ?? [])];
  const nextCursor = extra ? extra.nextCursor : (page?.nextCursor ?? null);

  function loadMore() {
    if (!nextCursor || !page) return;
    startLoadingMore(async () => {
      const result = await fetchPage(nextCursor, page);
      if (!result.ok) {
        setLoadError(result.error.message);
        return;
      }
      setLoadError(null);
      setMore({
        after: page.nextCursor ?? "",
        rows: [...(extra?.rows ?? []), ...result.data.data],
        nextCursor: result.data.nextCursor,
      });
    });
  }

  function reset() {
    setMore(null);
    setLoadError(null);
  }

  return { rows, hasMore: Boolean(nextCursor), loadMore, isLoadingMore, loadError, reset };
}

"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { listKeysAction } from "@/app/(dashboard)/keys/actions";
import type { KeyPage } from "@/lib/keys/list-keys";
import type { KeyView } from "@/lib/keys/key-view";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { CreateKeyDialog } from "./create-key-dialog";
import { KeysFilters, type KeyFilters } from "./keys-filters";
import { KeysTable } from "./keys-table";

/**
 * The keys list: filters drive the server page through the URL; "Load more" appends the next keyset page.
 * The create dialog lives here, above the table and its empty state, so the secret panel survives the list
 * refreshing underneath it when the new key arrives.
 */
export function KeysScreen({
  page,
  error,
  filters,
  showOwner,
}: {
  page: KeyPage;
  error: string | null;
  filters: KeyFilters;
  showOwner: boolean;
}) {
  const router = useRouter();
  const [navigating, startNavigation] = useTransition();
  const [loadingMore, startLoadingMore] = useTransition();
  const [more, setMore] = useState<{ after: string; keys: KeyView[]; nextCursor: string | null } | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);

  // Pages loaded earlier belong to the first page they followed: a refreshed list whose first page moved on
  // starts over, and so does a new filter.
  const extra = more && more.after === page.nextCursor ? more : null;
  const seen = new Set(page.data.map((key) => key.keyId));
  const keys = [...page.data, ...(extra?.keys.filter((key) => !seen.has(key.keyId)) ?? [])];
  const nextCursor = extra ? extra.nextCursor : page.nextCursor;
  const filtered = Boolean(filters.q || filters.status);

  function loadMore() {
    if (!nextCursor) return;
    startLoadingMore(async () => {
      const result = await listKeysAction({
        ...(filters.q ? { q: filters.q } : {}),
        ...(filters.status ? { status: filters.status } : {}),
        cursor: nextCursor,
      });
      if (!result.ok) {
        setLoadError(result.error.message);
        return;
      }
      setLoadError(null);
      setMore({
        after: page.nextCursor ?? "",
        keys: [...(extra?.keys ?? []), ...result.data.data],
        nextCursor: result.data.nextCursor,
      });
    });
  }

  const emptyState = filtered ? (
    <p>No keys match these filters.</p>
  ) : (
    <div className="space-y-3">
      <p className="text-base font-medium text-slate-800">No API keys yet</p>
      <p>Create a key for each partner integration, with only the scopes it needs.</p>
      <Button variant="primary" onClick={() => setCreating(true)}>
        Create key
      </Button>
    </div>
  );

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">API keys</h1>
          <p className="text-sm text-slate-500">
            {showOwner ? "Every user's keys (support view)." : "Keys your partners use to call the API."}
          </p>
        </div>
        <Button variant="primary" onClick={() => setCreating(true)}>
          Create key
        </Button>
      </div>
      <KeysFilters
        filters={filters}
        onNavigate={(href) => {
          setMore(null);
          startNavigation(() => router.replace(href));
        }}
      />
      <KeysTable
        keys={keys}
        showOwner={showOwner}
        isLoading={navigating}
        error={error}
        onRetry={() => startNavigation(() => router.refresh())}
        hasMore={Boolean(nextCursor)}
        onLoadMore={loadMore}
        isLoadingMore={loadingMore}
        emptyState={emptyState}
      />
      {loadError ? (
        <Alert tone="error" title="Could not load more keys.">
          {loadError}
        </Alert>
      ) : null}
      <CreateKeyDialog open={creating} onClose={() => setCreating(false)} />
    </div>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { listKeysAction } from "@/app/_server/actions/keys";
import type { KeyPage } from "@/lib/keys/list-keys";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { useLoadMore } from "../use-load-more";
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
  const [creating, setCreating] = useState(false);
  const {
    rows: keys,
    hasMore,
    loadMore,
    isLoadingMore,
    loadError,
    reset,
  } = useLoadMore(
    page,
    (key) => key.keyId,
    (cursor) =>
      listKeysAction({
        ...(filters.q ? { q: filters.q } : {}),
        ...(filters.status ? { status: filters.status } : {}),
        cursor,
      }),
  );
  const filtered = Boolean(filters.q || filters.status);

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
          reset();
          startNavigation(() => router.replace(href));
        }}
      />
      <KeysTable
        keys={keys}
        showOwner={showOwner}
        isLoading={navigating}
        error={error}
        onRetry={() => startNavigation(() => router.refresh())}
        hasMore={hasMore}
        onLoadMore={loadMore}
        isLoadingMore={isLoadingMore}
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

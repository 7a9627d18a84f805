import type { Metadata } from "next";
import { requireSessionActor } from "@/app/_server/session";
import { runAction } from "@/app/_server/run-action";
import { listKeys } from "@/lib/keys/list-keys";
import { listKeysQuery } from "@/lib/keys/key-input";
import { parseOrThrow } from "@/lib/errors";
import { KeysScreen } from "@/components/keys/keys-screen";
import type { KeyFilters } from "@/components/keys/keys-filters";
import { KEY_LIST_STATUSES } from "@/lib/keys/key-vocabulary";

export const metadata: Metadata = { title: "API keys" };

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

/** Only values the list accepts reach it, so a hand-edited URL shows a list rather than an error. */
function readFilters(params: Record<string, string | string[] | undefined>): KeyFilters {
  const status = first(params.status);
  return {
    q: first(params.q).trim().slice(0, 80),
    status: (KEY_LIST_STATUSES as readonly string[]).includes(status) ? (status as KeyFilters["status"]) : "",
  };
}

export default async function KeysPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requireSessionActor();
  const filters = readFilters(await searchParams);
  const result = await runAction(() =>
    listKeys(
      actor,
      parseOrThrow(
        listKeysQuery,
        { ...(filters.q ? { q: filters.q } : {}), ...(filters.status ? { status: filters.status } : {}) },
        "query",
      ),
    ),
  );
  return (
    <KeysScreen
      page={result.ok ? result.data : { data: [], nextCursor: null }}
      error={result.ok ? null : result.error.message}
      filters={filters}
      showOwner={actor.role === "support"}
    />
  );
}

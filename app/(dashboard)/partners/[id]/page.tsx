import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireSessionActor } from "@/app/_server/session";
import { runAction } from "@/app/_server/run-action";
import { rethrowForPage } from "@/app/_server/page-error";
import { ApiError, parseOrThrow } from "@/lib/errors";
import { getPartnerOrThrow } from "@/lib/partners/list-partners";
import { listKeys } from "@/lib/keys/list-keys";
import { listKeysQuery } from "@/lib/keys/key-input";
import { logStats } from "@/lib/logs/log-stats";
import { queryLogs } from "@/lib/logs/query-logs";
import { logPageInput } from "@/lib/logs/log-query-input";
import { KeysTable } from "@/components/keys/keys-table";
import { ScopeBadges } from "@/components/keys/key-badges";
import { PartnerFormButton } from "@/components/partners/partner-form-dialog";
import { PartnerKeyActions } from "@/components/partners/partner-key-actions";
import { RequestsChart } from "@/components/logs/requests-chart";
import { StatCards } from "@/components/logs/stat-cards";
import { LogsTable } from "@/components/logs/logs-table";
import { logsHref } from "@/components/logs/log-params";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { BackLink } from "@/components/ui/back-link";

type Params = { params: Promise<{ id: string }> };

export const metadata: Metadata = { title: "Partner" };

async function loadOrNotFound<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (err instanceof ApiError && err.code === "not_found") notFound();
    rethrowForPage(err);
  }
}

export default async function PartnerPage({ params }: Params) {
  const actor = await requireSessionActor();
  const { id } = await params;
  const partner = await loadOrNotFound(() => getPartnerOrThrow(actor, id));
  const [keys, stats, latest] = await Promise.all([
    runAction(() => listKeys(actor, parseOrThrow(listKeysQuery, { partnerId: id, limit: 200 }, "query"))),
    runAction(() => logStats(actor, { partnerId: [id], range: "7d" })),
    runAction(() =>
      queryLogs(actor, parseOrThrow(logPageInput, { partnerId: [id], range: "30d", limit: 20 }, "query")),
    ),
  ]);
  const own = partner.ownerEmail === undefined || partner.ownerEmail === actor.email;

  return (
    <div className="space-y-5">
      <div>
        <BackLink href="/partners">Partners</BackLink>
        <div className="mt-1 flex flex-wrap items-start justify-between gap-3">
          <div className="min-w-0">
            <h1 className="truncate text-xl font-semibold text-slate-900">{partner.name}</h1>
            <p className="text-sm text-slate-500">
              {partner.contactEmail ?? "No contact email"}
              {partner.ownerEmail !== undefined ? ` · owner ${partner.ownerEmail}` : null}
            </p>
          </div>
          {own ? (
            <div className="flex flex-wrap gap-2">
              <PartnerFormButton partner={partner} />
              <PartnerKeyActions partnerId={partner.id} partnerName={partner.name} />
            </div>
          ) : null}
        </div>
        {partner.notes ? <p className="mt-2 text-sm whitespace-pre-line text-slate-700">{partner.notes}</p> : null}
      </div>

      <div className="flex flex-wrap gap-4 text-xs text-slate-600">
        <span>
          {partner.keys.active} active key{partner.keys.active === 1 ? "" : "s"} of {partner.keys.total}
          {partner.keys.legacy ? ` (${partner.keys.legacy} legacy)` : ""}
        </span>
        <span className="flex items-center gap-1">
          Scopes granted: <ScopeBadges scopes={partner.scopesGranted} />
        </span>
        <span className="flex items-center gap-1">
          In use (30 days): <ScopeBadges scopes={partner.scopesInUse} />
        </span>
      </div>

      <Card id="partner-keys" title="Keys">
        {keys.ok ? (
          <KeysTable
            keys={keys.data.data}
            showOwner={false}
            emptyState={<p>No keys for this partner yet. Choose this partner when you create a key.</p>}
          />
        ) : (
          <div className="p-3">
            <Alert tone="error">{keys.error.message}</Alert>
          </div>
        )}
      </Card>

      {stats.ok ? (
        <>
          <StatCards totals={stats.data.totals} />
          <Card id="partner-requests" title="Requests by status, last 7 days">
            <div className="p-3">
              <RequestsChart series={stats.data.series} bucketMs={stats.data.bucketMs} className="h-56" />
            </div>
          </Card>
        </>
      ) : (
        <Alert tone="error" title="Usage could not be loaded.">
          {stats.error.message}
        </Alert>
      )}

      <Card
        id="partner-log"
        title="Latest requests"
        actions={
          <Link
            href={logsHref({ partnerId: [partner.id] })}
            className="text-xs font-medium text-indigo-700 hover:underline"
          >
            View all in Logs
          </Link>
        }
      >
        <div className="p-3">
          {latest.ok ? (
            <LogsTable
              rows={latest.data.data}
              showKey
              emptyState={<p>No requests with this partner&apos;s keys in the last 30 days.</p>}
            />
          ) : (
            <Alert tone="error">{latest.error.message}</Alert>
          )}
        </div>
      </Card>
    </div>
  );
}

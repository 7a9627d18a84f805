import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { requireSessionActor } from "@/app/_server/session";
import { ApiError, parseOrThrow } from "@/lib/errors";
import { getKeyAuditOrThrow, getKeyOrThrow } from "@/lib/keys/get-key-or-throw";
import { graceAdvice } from "@/lib/keys/grace-advice";
import { graceUsage } from "@/lib/keys/grace-usage";
import { logStats } from "@/lib/logs/log-stats";
import { queryLogs } from "@/lib/logs/query-logs";
import { runAction } from "@/app/_server/run-action";
import { logPageInput } from "@/lib/logs/log-query-input";
import { rethrowForPage } from "@/app/_server/page-error";
import { AuditList } from "@/components/keys/audit-list";
import { EnvironmentBadge, KeyStatusBadge, ScopeBadges } from "@/components/keys/key-badges";
import { KeyActions } from "@/components/keys/key-actions";
import { daysUntilExpiry, KeyEventBanners } from "@/components/keys/key-banners";
import { GraceUsagePanel } from "@/components/keys/grace-usage-panel";
import { EndGraceButton } from "@/components/keys/end-grace-button";
import { CopyButton } from "@/components/ui/copy-button";
import { LegacyMigrationPanel } from "@/components/keys/legacy-migration-panel";
import { legacyMigration } from "@/lib/keys/legacy-migration";
import { Badge } from "@/components/ui/badge";
import { KeyUsage } from "@/components/logs/key-usage";
import { Alert } from "@/components/ui/alert";
import { LocalTime } from "@/components/ui/local-time";
import { BackLink } from "@/components/ui/back-link";

type Params = { params: Promise<{ keyId: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: (await params).keyId };
}

/** Another owner's key is "not found" in lib/, and so it is here: a 404 page, never a hint that it exists. */
async function loadOrNotFound<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (err instanceof ApiError && err.code === "not_found") notFound();
    rethrowForPage(err);
  }
}

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid gap-1 px-4 py-2.5 sm:grid-cols-[10rem_1fr] sm:gap-4">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="min-w-0 text-sm text-slate-900">{children}</dd>
    </div>
  );
}

const none = <span className="text-slate-500">—</span>;

export default async function KeyDetailPage({ params }: Params) {
  const actor = await requireSessionActor();
  const { keyId } = await params;
  const [key, audit] = await Promise.all([
    loadOrNotFound(() => getKeyOrThrow(actor, keyId)),
    loadOrNotFound(() => getKeyAuditOrThrow(actor, keyId)),
  ]);
  const inGrace = key.status !== "revoked" && key.secretsInGrace.length > 0;
  const [stats, latest, grace, migration] = await Promise.all([
    runAction(() => logStats(actor, { keyId: [keyId], range: "24h" })),
    runAction(() => queryLogs(actor, parseOrThrow(logPageInput, { keyId: [keyId], range: "30d", limit: 20 }, "query"))),
    inGrace && !key.legacy ? runAction(() => graceUsage(actor, keyId)) : null,
    key.legacy ? runAction(() => legacyMigration(actor, keyId)) : null,
  ]);
  // The grace that ends last is the one the user waits for.
  const graceEnds = key.secretsInGrace
    .map((s) => s.retiresAt)
    .sort()
    .at(-1);
  const othersKey = actor.role === "support" && key.ownerEmail !== undefined && key.ownerEmail !== actor.email;

  return (
    <div className="space-y-6">
      <div>
        <BackLink href="/keys">API keys</BackLink>
        <div className="mt-1 flex flex-wrap items-start justify-between gap-3">
          <div className="min-w-0">
            <div className="flex flex-wrap items-center gap-2">
              <h1 className="min-w-0 truncate text-xl font-semibold text-slate-900">{key.name}</h1>
              <KeyStatusBadge status={key.status} />
              <EnvironmentBadge environment={key.environment} />
              {key.legacy ? <Badge tone="amber">Legacy</Badge> : null}
            </div>
            <p className="mt-0.5 flex flex-wrap items-center gap-2 font-mono text-xs break-all text-slate-600">
              {key.keyId}
              <CopyButton text={key.keyId} label="Copy key id" />
            </p>
          </div>
          <KeyActions apiKey={key} />
        </div>
        {othersKey && key.status !== "revoked" ? (
          <p className="mt-2 text-xs text-slate-500">
            This key belongs to {key.ownerEmail}. As support staff you can revoke it; only its owner can change it.
          </p>
        ) : null}
      </div>

      {key.status === "revoked" ? (
        <Alert tone="error" title="This key is revoked. Every request with it is refused.">
          Revoked <LocalTime iso={key.revokedAt} />
          {key.revokedReason ? <> · Reason: {key.revokedReason}</> : null}
        </Alert>
      ) : null}
      {key.status === "expired" ? (
        <Alert tone="warning" title="This key has expired. Requests with it are refused.">
          Set a new expiry in Edit to bring it back.
        </Alert>
      ) : null}
      <KeyEventBanners apiKey={key} expiresInDays={daysUntilExpiry(key)} />
      {inGrace ? (
        <div className="space-y-2">
          {key.secretsInGrace.map((old) => (
            <Alert key={old.lastFour + old.retiresAt} tone="info">
              The previous secret (<span className="font-mono">…{old.lastFour}</span>) is still accepted until{" "}
              <LocalTime iso={old.retiresAt} />.
            </Alert>
          ))}
          {!othersKey ? (
            <EndGraceButton keyId={key.keyId} lastFour={key.secretsInGrace.map((s) => s.lastFour)} />
          ) : null}
        </div>
      ) : null}

      <section aria-labelledby="key-details" className="rounded-lg border border-slate-200 bg-white shadow-sm">
        <h2 id="key-details" className="border-b border-slate-100 px-4 py-2.5 text-sm font-semibold">
          Details
        </h2>
        <dl className="divide-y divide-slate-100">
          {key.ownerEmail !== undefined ? <Item label="Owner">{key.ownerEmail}</Item> : null}
          <Item label="Partner">
            {key.partnerId ? (
              <Link href={`/partners/${key.partnerId}`} className="text-indigo-700 hover:underline">
                {key.partner}
              </Link>
            ) : (
              none
            )}
          </Item>
          <Item label="Description">
            {key.description ? <span className="whitespace-pre-line">{key.description}</span> : none}
          </Item>
          <Item label="Scopes">
            <ScopeBadges scopes={key.scopes} />
          </Item>
          <Item label="Current secret">
            {key.secret ? (
              <>
                <span className="font-mono">…{key.secret.lastFour}</span>
                <span className="text-xs text-slate-500">
                  {" "}
                  · issued <LocalTime iso={key.secret.createdAt} />
                </span>
              </>
            ) : (
              none
            )}
          </Item>
          <Item label="Expires">
            <LocalTime iso={key.expiresAt} empty="Never" />
          </Item>
          <Item label="IP allowlist">
            {key.ipAllowlist.length ? (
              <span className="font-mono text-xs">{key.ipAllowlist.join(", ")}</span>
            ) : (
              <span className="text-slate-500">Any IP</span>
            )}
          </Item>
          <Item label="Rate limit">
            {key.rateLimitPerMinute ? (
              `${key.rateLimitPerMinute} requests/min`
            ) : (
              <span className="text-slate-500">No per-key limit</span>
            )}
          </Item>
          <Item label="Last used">
            <LocalTime iso={key.lastUsedAt} empty="Never" />
          </Item>
          <Item label="Created">
            <LocalTime iso={key.createdAt} />
          </Item>
          <Item label="Updated">
            <LocalTime iso={key.updatedAt} />
          </Item>
        </dl>
      </section>

      {migration ? (
        migration.ok ? (
          <LegacyMigrationPanel keyId={key.keyId} migration={migration.data} />
        ) : (
          <Alert tone="error" title="Could not read this legacy key's traffic.">
            {migration.error.message}
          </Alert>
        )
      ) : null}

      {grace && graceEnds ? (
        grace.ok ? (
          <GraceUsagePanel usage={grace.data} advice={graceAdvice(grace.data)} retiresAt={graceEnds} />
        ) : (
          <Alert tone="error" title="Could not read who still uses the old secret.">
            {grace.error.message}
          </Alert>
        )
      ) : null}

      {stats.ok && latest.ok ? (
        <KeyUsage keyId={key.keyId} stats={stats.data} latest={latest.data.data} />
      ) : (
        <Alert tone="error" title="Could not load this key's requests.">
          {stats.ok ? (latest.ok ? null : latest.error.message) : stats.error.message}
        </Alert>
      )}

      <section
        aria-labelledby="key-audit"
        className="rounded-lg border border-slate-200 bg-white px-4 py-2.5 shadow-sm"
      >
        <h2 id="key-audit" className="text-sm font-semibold">
          Audit trail
        </h2>
        <AuditList events={audit} />
      </section>
    </div>
  );
}

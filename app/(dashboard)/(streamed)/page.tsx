import type { Metadata } from "next";
import Link from "next/link";
import { requireSessionActor } from "@/app/_server/session";
import { runAction } from "@/app/_server/run-action";
import { keysNeedingAttention } from "@/lib/keys/keys-needing-attention";
import { keyAlerts } from "@/lib/keys/key-alerts";
import { OverviewKeyBanners } from "@/components/keys/overview-key-banners";
import { legacyKeysInUse } from "@/lib/keys/legacy-migration";
import { LegacyKeysCard } from "@/components/keys/legacy-keys-card";
import { RANGE_PRESETS, type RangePreset } from "@/lib/logs/log-vocabulary";
import { logStats } from "@/lib/logs/log-stats";
import { AttentionList } from "@/components/logs/attention-list";
import { Card } from "@/components/ui/card";
import { logsHref } from "@/components/logs/log-params";
import { RangePresets, RANGE_LABELS } from "@/components/logs/range-presets";
import { RequestsChart } from "@/components/logs/requests-chart";
import { StatCards } from "@/components/logs/stat-cards";
import { TopEndpointsTable, TopKeysTable } from "@/components/logs/top-tables";
import { Alert } from "@/components/ui/alert";
import { FirstRun } from "@/components/overview/first-run";
import { ZoneToggle } from "@/components/logs/zone-toggle";
import { listKeys } from "@/lib/keys/list-keys";
import { queryLogs } from "@/lib/logs/query-logs";
import { logPageInput } from "@/lib/logs/log-query-input";
import { parseOrThrow } from "@/lib/errors";

export const metadata: Metadata = { title: "Overview" };

function readRange(raw: string | string[] | undefined): RangePreset {
  const value = Array.isArray(raw) ? raw[0] : raw;
  return (RANGE_PRESETS as readonly string[]).includes(value ?? "") ? (value as RangePreset) : "24h";
}

const link = "text-xs font-medium text-indigo-700 hover:underline";

export default async function OverviewPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requireSessionActor();
  const range = readRange((await searchParams).range);
  const support = actor.role === "support";
  const [stats, attention, alerts, anyRequest, newestKey, legacy] = await Promise.all([
    runAction(() => logStats(actor, { range })),
    runAction(() => keysNeedingAttention(actor)),
    runAction(() => keyAlerts(actor)),
    runAction(() => queryLogs(actor, parseOrThrow(logPageInput, { range: "30d", limit: 1 }, "query"))),
    runAction(() => listKeys(actor, { limit: 1 })),
    runAction(() => legacyKeysInUse(actor)),
  ]);
  // A newcomer (no request in the log yet) gets the first-run guide instead of empty charts, unless a key already
  // needs them (leaked, expiring, flagged, a legacy key to migrate): then the overview with its banners.
  const somethingToAct =
    (alerts.ok && (alerts.data.leaked.length > 0 || alerts.data.expiring.length > 0)) ||
    (attention.ok && attention.data.length > 0) ||
    (legacy.ok && legacy.data.active > 0);
  const firstRun = !support && anyRequest.ok && anyRequest.data.data.length === 0 && !somethingToAct;
  if (firstRun) {
    return (
      <div className="space-y-5">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">Welcome to Keyward</h1>
          <p className="text-sm text-slate-600">
            Give each partner its own scoped key, and see every call they make, refused ones included.
          </p>
        </div>
        <FirstRun existingKeyId={newestKey.ok ? (newestKey.data.data[0]?.keyId ?? null) : null} />
      </div>
    );
  }

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">Overview</h1>
          <p className="text-sm text-slate-500">
            {support
              ? `API traffic of all users, last ${RANGE_LABELS[range]} (support view).`
              : `Your partners' API traffic, last ${RANGE_LABELS[range]}.`}
          </p>
        </div>
        <div className="flex flex-col items-end gap-1">
          <RangePresets current={range} hrefFor={(preset) => (preset === "24h" ? "/" : `/?range=${preset}`)} />
          <ZoneToggle />
        </div>
      </div>

      {alerts.ok ? <OverviewKeyBanners alerts={alerts.data} /> : null}

      {stats.ok ? (
        <>
          <StatCards totals={stats.data.totals} />
          <Card
            id="overview-requests"
            title="Requests by status"
            actions={
              <Link href={logsHref({ range })} className={link}>
                Open in Logs
              </Link>
            }
          >
            <div className="p-3">
              <RequestsChart series={stats.data.series} bucketMs={stats.data.bucketMs} className="h-64" />
            </div>
          </Card>
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-2 [&>*]:min-w-0">
            <Card id="overview-top-keys" title="Top keys">
              <div className="overflow-x-auto">
                <TopKeysTable keys={stats.data.topKeys} />
              </div>
            </Card>
            <Card id="overview-top-endpoints" title="Top endpoints">
              <div className="overflow-x-auto">
                <TopEndpointsTable endpoints={stats.data.topEndpoints} range={range} />
              </div>
            </Card>
          </div>
        </>
      ) : (
        <Alert tone="error" title="Usage could not be loaded.">
          {stats.error.message}
        </Alert>
      )}

      {legacy.ok && legacy.data.active > 0 ? <LegacyKeysCard summary={legacy.data} /> : null}

      <Card
        id="overview-attention"
        title="Keys needing attention"
        actions={
          <Link href="/keys" className={link}>
            All keys
          </Link>
        }
      >
        {attention.ok ? (
          <AttentionList items={attention.data} />
        ) : (
          <div className="p-3">
            <Alert tone="error" title="Could not check the keys.">
              {attention.error.message}
            </Alert>
          </div>
        )}
      </Card>
    </div>
  );
}

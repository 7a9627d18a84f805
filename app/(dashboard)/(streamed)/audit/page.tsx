import type { Metadata } from "next";
import Link from "next/link";
import { requireSessionActor } from "@/app/_server/session";
import { runAction } from "@/app/_server/run-action";
import { parseOrThrow } from "@/lib/errors";
import { auditPageInput } from "@/lib/audit/audit-input";
import { listAudit } from "@/lib/audit/list-audit";
import { AUDIT_ACTIONS } from "@/lib/keys/key-vocabulary";
import { AuditTable } from "@/components/audit/audit-table";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { buttonClasses } from "@/components/ui/button";

export const metadata: Metadata = { title: "Audit trail" };

function first(value: string | string[] | undefined): string {
  return ((Array.isArray(value) ? value[0] : value) ?? "").trim();
}

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requireSessionActor();
  const params = await searchParams;
  const action = first(params.action);
  const filters = {
    keyId: first(params.keyId).slice(0, 40),
    actor: first(params.actor).slice(0, 120),
    action: (AUDIT_ACTIONS as readonly string[]).includes(action) ? action : "",
    cursor: first(params.cursor).slice(0, 100),
  };
  const query = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== ""));
  const result = await runAction(() =>
    listAudit(actor, parseOrThrow(auditPageInput, { ...query, limit: 100 }, "query")),
  );
  const exportQuery = new URLSearchParams(
    Object.entries(filters).filter(([k, v]) => v !== "" && k !== "cursor") as [string, string][],
  ).toString();
  const nextQuery = (cursor: string) => new URLSearchParams({ ...query, cursor }).toString();
  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-xl font-semibold text-slate-900">Audit trail</h1>
        <p className="text-sm text-slate-500">
          {actor.role === "support" ? "Every key event of every user (support view)." : "Every event of your keys."}
        </p>
      </div>
      <form role="search" className="flex flex-wrap items-end gap-2" action="/audit">
        <label className="text-xs font-medium text-slate-700">
          Key id
          <input
            name="keyId"
            defaultValue={filters.keyId}
            placeholder="kw_live_…"
            className="mt-1 block h-8 rounded-md border border-slate-300 px-2.5 font-mono text-xs"
          />
        </label>
        <label className="text-xs font-medium text-slate-700">
          Actor
          <input
            name="actor"
            defaultValue={filters.actor}
            placeholder="email, key id or system"
            className="mt-1 block h-8 rounded-md border border-slate-300 px-2.5 text-sm"
          />
        </label>
        <label className="text-xs font-medium text-slate-700">
          Event
          <select
            name="action"
            defaultValue={filters.action}
            className="mt-1 block h-8 rounded-md border border-slate-300 px-2 text-sm"
          >
            <option value="">All events</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className={buttonClasses("primary")}>
          Filter
        </button>
        <a
          href={`/audit/export${exportQuery ? `?${exportQuery}` : ""}`}
          className={buttonClasses("secondary")}
          download
        >
          Export CSV
        </a>
      </form>
      <Card id="audit-entries" title="Entries">
        {result.ok ? (
          <>
            <AuditTable entries={result.data.data} showOwner={actor.role === "support"} />
            {result.data.nextCursor ? (
              <div className="border-t border-slate-100 px-4 py-2.5">
                <Link
                  href={`/audit?${nextQuery(result.data.nextCursor)}`}
                  className="text-xs font-medium text-indigo-700 hover:underline"
                >
                  Older entries
                </Link>
              </div>
            ) : null}
          </>
        ) : (
          <div className="p-3">
            <Alert tone="error" title="Could not load the audit trail.">
              {result.error.message}
            </Alert>
          </div>
        )}
      </Card>
    </div>
  );
}

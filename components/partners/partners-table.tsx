import Link from "next/link";
import type { PartnerView } from "@/lib/partners/partner-input";
import { ScopeBadges } from "../keys/key-badges";
import { LocalTime } from "../ui/local-time";
import { formatCount, formatPercent } from "../logs/format";

/** The partners list: keys, last request, 7-day volume and error rate, scopes actually used. */
export function PartnersTable({ partners, showOwner }: { partners: PartnerView[]; showOwner: boolean }) {
  if (partners.length === 0) {
    return (
      <p className="px-4 py-6 text-sm text-slate-600">
        No partners yet. Create one here, or name a partner when you create a key.
      </p>
    );
  }
  return (
    <table className="w-full text-left text-sm" aria-label="Partners">
      <thead className="border-b border-slate-100 text-xs text-slate-500">
        <tr>
          <th className="px-4 py-2 font-medium">Partner</th>
          {showOwner ? <th className="px-4 py-2 font-medium">Owner</th> : null}
          <th className="px-4 py-2 font-medium">Keys</th>
          <th className="px-4 py-2 font-medium">Last request</th>
          <th className="px-4 py-2 text-right font-medium">Requests (7 days)</th>
          <th className="px-4 py-2 text-right font-medium">Error rate</th>
          <th className="px-4 py-2 font-medium">Scopes in use</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {partners.map((p) => (
          <tr key={p.id}>
            <td className="px-4 py-2">
              <Link href={`/partners/${p.id}`} className="font-medium text-indigo-700 hover:underline">
                {p.name}
              </Link>
              {p.contactEmail ? <div className="text-xs text-slate-500">{p.contactEmail}</div> : null}
            </td>
            {showOwner ? <td className="px-4 py-2 text-xs text-slate-600">{p.ownerEmail}</td> : null}
            <td className="px-4 py-2 text-xs text-slate-700">
              {p.keys.active} active / {p.keys.total}
              {p.keys.legacy ? <span className="ml-1 text-amber-700">({p.keys.legacy} legacy)</span> : null}
            </td>
            <td className="px-4 py-2 text-xs">
              <LocalTime iso={p.lastRequestAt} empty="Never" />
            </td>
            <td className="px-4 py-2 text-right tabular-nums">{formatCount(p.requests7d)}</td>
            <td className="px-4 py-2 text-right tabular-nums">{p.requests7d ? formatPercent(p.errorRate7d) : "—"}</td>
            <td className="px-4 py-2">
              {p.scopesInUse.length ? (
                <ScopeBadges scopes={p.scopesInUse} />
              ) : (
                <span className="text-xs text-slate-500">none yet</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

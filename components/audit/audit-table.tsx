import Link from "next/link";
import type { AuditEntry } from "@/lib/audit/audit-input";
import { Badge } from "../ui/badge";
import { LocalTime } from "../ui/local-time";

/** One row per key event: when, which key, what, who, and the recorded details. */
export function AuditTable({ entries, showOwner }: { entries: AuditEntry[]; showOwner: boolean }) {
  if (entries.length === 0) return <p className="px-4 py-3 text-sm text-slate-500">No entries match.</p>;
  return (
    <div className="relative overflow-x-auto">
      <table className="w-full text-left text-sm" aria-label="Audit trail">
        <thead className="border-b border-slate-100 text-xs text-slate-500">
          <tr>
            <th className="px-4 py-2 font-medium">When</th>
            <th className="px-4 py-2 font-medium">Key</th>
            {showOwner ? <th className="px-4 py-2 font-medium">Owner</th> : null}
            <th className="px-4 py-2 font-medium">Event</th>
            <th className="px-4 py-2 font-medium">Actor</th>
            <th className="px-4 py-2 font-medium">Details</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {entries.map((e) => (
            <tr key={e.id}>
              <td className="px-4 py-2 text-xs whitespace-nowrap text-slate-600">
                <LocalTime iso={e.at} />
              </td>
              <td className="px-4 py-2">
                <Link href={`/keys/${e.keyId}`} className="text-indigo-700 hover:underline">
                  {e.keyName}
                </Link>
                <div className="font-mono text-[11px] text-slate-500">{e.keyId}</div>
              </td>
              {showOwner ? <td className="px-4 py-2 text-xs">{e.ownerEmail}</td> : null}
              <td className="px-4 py-2">
                <Badge mono>{e.action}</Badge>
              </td>
              <td className="px-4 py-2 text-xs">
                {e.actor}
                {e.ip ? <span className="font-mono text-slate-500"> from {e.ip}</span> : null}
              </td>
              <td className="max-w-md px-4 py-2 font-mono text-[11px] break-all text-slate-600">
                {Object.keys(e.changes).length ? JSON.stringify(e.changes) : ""}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

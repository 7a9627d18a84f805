import Link from "next/link";
import { Card } from "../ui/card";
import { LocalTime } from "../ui/local-time";

type Summary = {
  active: number;
  inUse: number;
  recent: { keyId: string; name: string; partner: string | null; lastUsedAt: string }[];
};

/** Overview: imported legacy keys still in use, the ones to move to scoped keys next. */
export function LegacyKeysCard({ summary }: { summary: Summary }) {
  return (
    <Card id="overview-legacy" title="Legacy keys">
      <div className="space-y-2 p-4 text-sm">
        <p data-testid="legacy-in-use">
          <span className="font-semibold text-slate-900">{summary.inUse}</span> of {summary.active} active legacy key
          {summary.active === 1 ? "" : "s"} still in use (a successful request in the last 30 days).
        </p>
        {summary.recent.length ? (
          <ul className="divide-y divide-slate-100">
            {summary.recent.map((k) => (
              <li key={k.keyId} className="flex items-center justify-between gap-3 py-1.5">
                <Link href={`/keys/${k.keyId}`} className="text-indigo-700 hover:underline">
                  {k.name}
                  {k.partner ? <span className="text-slate-500"> · {k.partner}</span> : null}
                </Link>
                <span className="text-xs text-slate-500">
                  last <LocalTime iso={k.lastUsedAt} />
                </span>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </Card>
  );
}

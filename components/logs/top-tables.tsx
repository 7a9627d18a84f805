import Link from "next/link";
import type { ReactNode } from "react";
import type { LogStats } from "@/lib/logs/log-stats";
import { Badge } from "../ui/badge";
import { formatCount, formatMs, formatPercent } from "./format";
import { logsHref } from "./log-params";

const th = "px-4 py-2 font-medium whitespace-nowrap";
const td = "px-4 py-2 whitespace-nowrap";

function ErrorShare({ errors, requests }: { errors: number; requests: number }) {
  if (!errors) return <span className="text-slate-500">0</span>;
  return (
    <span className="text-amber-800">
      {formatCount(errors)} <span className="text-xs text-slate-500">({formatPercent(errors / requests)})</span>
    </span>
  );
}

/** A ranked list as a table; numeric columns are right-aligned. */
function RankTable({
  label,
  columns,
  empty,
  children,
}: {
  label: string;
  columns: { label: string; numeric?: boolean }[];
  empty: boolean;
  children: ReactNode;
}) {
  if (empty) return <p className="px-4 py-6 text-sm text-slate-500">No requests in this range.</p>;
  return (
    <table className="w-full text-left text-sm" aria-label={label}>
      <thead className="bg-slate-50 text-xs text-slate-500">
        <tr>
          {columns.map((column) => (
            <th key={column.label} scope="col" className={column.numeric ? `${th} text-right` : th}>
              {column.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

export function TopKeysTable({ keys }: { keys: LogStats["topKeys"] }) {
  return (
    <RankTable
      label="Top keys"
      columns={[
        { label: "Key" },
        { label: "Partner" },
        { label: "Requests", numeric: true },
        { label: "Errors", numeric: true },
      ]}
      empty={keys.length === 0}
    >
      {keys.map((k, i) => (
        <tr key={k.keyId ?? `none-${i}`} className="border-t border-slate-100">
          <td className={td}>
            {k.keyId && k.keyName ? (
              <Link
                href={`/keys/${k.keyId}`}
                className="font-medium text-slate-900 hover:text-indigo-700 hover:underline"
              >
                {k.keyName}
              </Link>
            ) : (
              <span className="text-xs text-slate-500">{k.keyId ?? "No or unknown key"}</span>
            )}
          </td>
          <td className={`${td} text-xs text-slate-600`}>{k.partner ?? "—"}</td>
          <td className={`${td} text-right tabular-nums`}>{formatCount(k.requests)}</td>
          <td className={`${td} text-right tabular-nums`}>
            <ErrorShare errors={k.errors} requests={k.requests} />
          </td>
        </tr>
      ))}
    </RankTable>
  );
}

export function TopEndpointsTable({ endpoints, range }: { endpoints: LogStats["topEndpoints"]; range: string }) {
  return (
    <RankTable
      label="Top endpoints"
      columns={[
        { label: "Endpoint" },
        { label: "Requests", numeric: true },
        { label: "Errors", numeric: true },
        { label: "p95", numeric: true },
      ]}
      empty={endpoints.length === 0}
    >
      {endpoints.map((e) => (
        <tr key={`${e.method} ${e.route}`} className="border-t border-slate-100">
          <td className={td}>
            <Link
              href={logsHref({ method: e.method, route: e.route, range })}
              className="inline-flex items-center gap-1.5 hover:text-indigo-700 hover:underline"
            >
              <Badge mono>{e.method}</Badge>
              <span className="font-mono text-xs">{e.route}</span>
            </Link>
          </td>
          <td className={`${td} text-right tabular-nums`}>{formatCount(e.requests)}</td>
          <td className={`${td} text-right tabular-nums`}>
            <ErrorShare errors={e.errors} requests={e.requests} />
          </td>
          <td className={`${td} text-right text-xs tabular-nums`}>{formatMs(e.p95)}</td>
        </tr>
      ))}
    </RankTable>
  );
}

import type { GraceAdvice } from "@/lib/keys/grace-advice";
import type { GraceUsage } from "@/lib/keys/grace-usage";
import { LocalTime } from "@/components/ui/local-time";
import { Card } from "@/components/ui/card";
import { formatCount } from "@/components/logs/format";

function Advice({ advice, retiresAt }: { advice: GraceAdvice; retiresAt: string }) {
  if (advice.state === "unused") {
    return (
      <p>
        No request has used the old secret since the rotation: every client has the new one, and it looks safe to end
        the grace period now. Otherwise it ends on its own <LocalTime iso={retiresAt} />.
      </p>
    );
  }
  if (advice.state === "quiet") {
    return (
      <p>
        The old secret was last used <LocalTime iso={advice.lastSeenAt} />, more than a day ago: it looks safe to end
        the grace period now.
      </p>
    );
  }
  if (advice.safeAfter >= retiresAt) {
    return (
      <p>
        Some clients still send the old secret: update them before the grace period ends on its own{" "}
        <LocalTime iso={retiresAt} />. After that their requests are refused; do not end it earlier.
      </p>
    );
  }
  return (
    <p>
      Some clients still send the old secret. Update them; once a full day passes with no request on it, it looks safe
      to end the grace period: at the earliest <LocalTime iso={advice.safeAfter} />, if none uses it from now on. The
      grace ends on its own <LocalTime iso={retiresAt} />.
    </p>
  );
}

/** During a rotation's grace period: who still uses the rotated-out secret, so the user knows when to end it. */
export function GraceUsagePanel({
  usage,
  advice,
  retiresAt,
}: {
  usage: GraceUsage;
  advice: GraceAdvice;
  retiresAt: string;
}) {
  return (
    <Card id="grace-usage" title="Still using the old secret">
      <div className="space-y-3 px-4 py-3 text-sm text-slate-700">
        <p>
          <span className="text-2xl font-semibold text-slate-900 tabular-nums">{formatCount(usage.requests)}</span>{" "}
          request{usage.requests === 1 ? "" : "s"} with the old secret since the rotation
          {usage.lastSeenAt ? (
            <>
              {" "}
              · last seen <LocalTime iso={usage.lastSeenAt} />
            </>
          ) : null}
        </p>
        {usage.byIp.length ? (
          <table className="w-full max-w-xl text-left text-sm" aria-label="Old secret use by IP">
            <thead className="text-xs text-slate-500">
              <tr>
                <th scope="col" className="py-1 pr-4 font-medium">
                  IP
                </th>
                <th scope="col" className="py-1 pr-4 text-right font-medium">
                  Requests
                </th>
                <th scope="col" className="py-1 font-medium">
                  Last seen
                </th>
              </tr>
            </thead>
            <tbody>
              {usage.byIp.map((row) => (
                <tr key={row.ip ?? "unknown"} className="border-t border-slate-100">
                  <td className="py-1.5 pr-4 font-mono text-xs">{row.ip ?? "unknown"}</td>
                  <td className="py-1.5 pr-4 text-right tabular-nums">{formatCount(row.requests)}</td>
                  <td className="py-1.5 text-xs text-slate-600">
                    <LocalTime iso={row.lastSeenAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <Advice advice={advice} retiresAt={retiresAt} />
      </div>
    </Card>
  );
}

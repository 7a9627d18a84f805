import Link from "next/link";
import type { KeyAlerts } from "@/lib/keys/key-alerts";
import { Alert } from "../ui/alert";
import { LocalTime } from "../ui/local-time";

const keyLink = "font-medium underline underline-offset-2";

/** Overview banners: reported leaks first (they need action now), then keys about to expire. */
export function OverviewKeyBanners({ alerts }: { alerts: KeyAlerts }) {
  return (
    <>
      {alerts.leaked.length > 0 ? (
        <Alert tone="error" title="Leaked secrets were reported.">
          <ul className="mt-1 space-y-0.5">
            {alerts.leaked.map((k) => (
              <li key={k.keyId}>
                <Link href={`/keys/${k.keyId}`} className={keyLink}>
                  {k.name}
                </Link>{" "}
                <span className="font-mono text-xs">{k.keyId}</span> · found at {k.source} ·{" "}
                <LocalTime iso={k.reportedAt} /> · {k.revoked ? "revoked" : "still active: rotate or revoke it"}
              </li>
            ))}
          </ul>
        </Alert>
      ) : null}
      {alerts.expiring.length > 0 ? (
        <Alert
          tone="warning"
          title={`${alerts.expiring.length} key${alerts.expiring.length === 1 ? "" : "s"} expiring within 14 days.`}
        >
          <ul className="mt-1 space-y-0.5">
            {alerts.expiring.map((k) => (
              <li key={k.keyId}>
                <Link href={`/keys/${k.keyId}`} className={keyLink}>
                  {k.name}
                </Link>{" "}
                expires <LocalTime iso={k.expiresAt} />
              </li>
            ))}
          </ul>
          <Link href="/keys?status=expiring" className={keyLink}>
            Show them in Keys
          </Link>
        </Alert>
      ) : null}
    </>
  );
}

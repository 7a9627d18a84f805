import type { KeyView } from "@/lib/keys/key-view";
import { EXPIRING_SOON_DAYS } from "@/lib/keys/key-vocabulary";
import { Alert } from "../ui/alert";
import { LocalTime } from "../ui/local-time";

const DAY_MS = 86_400_000;

/** Whole days left before an active key expires, when that is within the "expiring soon" window; else null. */
export function daysUntilExpiry(key: Pick<KeyView, "status" | "expiresAt">, now: number = Date.now()): number | null {
  if (key.status !== "active" || !key.expiresAt) return null;
  const left = new Date(key.expiresAt).getTime() - now;
  if (left <= 0 || left > EXPIRING_SOON_DAYS * DAY_MS) return null;
  return Math.max(1, Math.ceil(left / DAY_MS));
}

/** The key page's event banners: a reported leak, a suspension, an expiry within 14 days. */
export function KeyEventBanners({ apiKey, expiresInDays }: { apiKey: KeyView; expiresInDays: number | null }) {
  const days = expiresInDays;
  return (
    <>
      {apiKey.leak ? (
        <Alert tone="error" title="A secret of this key was reported leaked.">
          Found at {apiKey.leak.source} · reported <LocalTime iso={apiKey.leak.reportedAt} />.{" "}
          {apiKey.status === "revoked"
            ? "The key was revoked at once."
            : "Its leak policy is notify only, so it still works: rotate its secret or revoke it."}
        </Alert>
      ) : null}
      {apiKey.status === "suspended" ? (
        <Alert tone="warning" title="This key is suspended. Requests with it are refused with key_suspended.">
          Suspended <LocalTime iso={apiKey.suspendedAt} />
          {apiKey.suspendedReason ? <> · Reason: {apiKey.suspendedReason}</> : null}. Resume it to accept requests
          again.
        </Alert>
      ) : null}
      {days !== null ? (
        <Alert tone="warning" title={`This key expires in ${days} day${days === 1 ? "" : "s"}.`}>
          Expires <LocalTime iso={apiKey.expiresAt} />. Set a later expiry in Edit, or hand the partner a new key.
        </Alert>
      ) : null}
    </>
  );
}

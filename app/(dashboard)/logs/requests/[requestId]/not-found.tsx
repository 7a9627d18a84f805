import { FindRequestForm } from "@/components/layout/find-request";
import { Alert } from "@/components/ui/alert";
import { services } from "@/lib/services";
import { BackLink } from "@/components/ui/back-link";

/** A request id that is not in the reader's log (another owner's, mistyped, or past retention): one answer for all. */
export default function RequestNotFound() {
  const days = services().env.KEYWARD_LOG_RETENTION_DAYS;
  return (
    <div className="space-y-4">
      <div>
        <BackLink href="/logs">Request log</BackLink>
        <h1 className="mt-1 text-xl font-semibold text-slate-900">Request not found</h1>
      </div>
      <div className="max-w-xl space-y-3">
        <Alert tone="warning" title="No such request in your log">
          No request with this id in the last {days} days of your log. Check the id (it is in the partner&apos;s error
          body as <code>requestId</code>) or try another.
        </Alert>
        <FindRequestForm id="find-request-again" />
      </div>
    </div>
  );
}

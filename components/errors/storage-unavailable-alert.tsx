import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

/** What a page says when the server's storage is full, read-only or stalled: plainly that, and a retry. */
export function StorageUnavailableAlert({ reset }: { reset: () => void }) {
  return (
    <Alert tone="error" title="Storage unavailable">
      <p>
        The server cannot use its database right now (its disk is full or read-only, or the database is busy). Nothing
        was changed. This clears without a restart once the operator frees space; try again in a few seconds.
      </p>
      <div className="mt-2">
        <Button size="sm" onClick={reset}>
          Try again
        </Button>
      </div>
    </Alert>
  );
}

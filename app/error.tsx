"use client";

import { useEffect } from "react";
import { isStorageUnavailable } from "@/components/errors/storage-digest";
import { StorageUnavailableAlert } from "@/components/errors/storage-unavailable-alert";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

/** A failure above the page boundaries (e.g. the dashboard layout reading the session's user). */
export default function RootError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error("[keyward] page failed:", error);
  }, [error]);
  return (
    <main className="mx-auto max-w-xl p-6">
      {isStorageUnavailable(error) ? (
        <StorageUnavailableAlert reset={reset} />
      ) : (
        <Alert tone="error" title="This page could not be loaded.">
          <p>Something went wrong on our side{error.digest ? ` (reference ${error.digest})` : ""}. Please try again.</p>
          <div className="mt-2">
            <Button size="sm" onClick={reset}>
              Try again
            </Button>
          </div>
        </Alert>
      )}
    </main>
  );
}

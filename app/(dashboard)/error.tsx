"use client";

import Link from "next/link";
import { useEffect } from "react";
import { Alert } from "@/components/ui/alert";
import { isStorageUnavailable } from "@/components/errors/storage-digest";
import { StorageUnavailableAlert } from "@/components/errors/storage-unavailable-alert";
import { Button } from "@/components/ui/button";

/** Any dashboard page that fails unexpectedly: say so, give the reference, offer a retry. */
export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error("[keyward] dashboard page failed:", error);
  }, [error]);
  if (isStorageUnavailable(error)) return <StorageUnavailableAlert reset={reset} />;
  return (
    <div className="space-y-4">
      <Alert tone="error" title="This page could not be loaded.">
        <p>Something went wrong on our side{error.digest ? ` (reference ${error.digest})` : ""}. Please try again.</p>
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <Button size="sm" onClick={reset}>
            Try again
          </Button>
          <Link href="/" className="text-sm font-medium underline">
            Go to the overview
          </Link>
        </div>
      </Alert>
    </div>
  );
}

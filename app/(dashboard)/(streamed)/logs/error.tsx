"use client";

import Link from "next/link";
import { useEffect } from "react";
import { Alert } from "@/components/ui/alert";
import { isStorageUnavailable } from "@/components/errors/storage-digest";
import { StorageUnavailableAlert } from "@/components/errors/storage-unavailable-alert";
import { Button, buttonClasses } from "@/components/ui/button";

/** An unexpected failure reading the log: say so, offer a retry, and a way back to the unfiltered view. */
export default function LogsError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error("[keyward] logs page failed:", error);
  }, [error]);
  if (isStorageUnavailable(error)) return <StorageUnavailableAlert reset={reset} />;
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold text-slate-900">Request log</h1>
      <Alert tone="error" title="The request log could not be loaded.">
        <p>Something went wrong on our side{error.digest ? ` (reference ${error.digest})` : ""}. Please try again.</p>
        <div className="mt-2 flex gap-2">
          <Button size="sm" onClick={reset}>
            Try again
          </Button>
          <Link href="/logs" className={buttonClasses("ghost", "sm")}>
            Reset filters
          </Link>
        </div>
      </Alert>
    </div>
  );
}

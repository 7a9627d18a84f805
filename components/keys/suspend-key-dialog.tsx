"use client";

import { useState, useTransition } from "react";
import { resumeKeyAction, suspendKeyAction } from "@/app/_server/actions/keys";
import type { KeyView } from "@/lib/keys/key-view";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { ReasonDialog } from "./reason-dialog";

export function SuspendKeyDialog({ apiKey, open, onClose }: { apiKey: KeyView; open: boolean; onClose: () => void }) {
  return (
    <ReasonDialog
      apiKey={apiKey}
      open={open}
      onClose={onClose}
      title={`Suspend ${apiKey.name}?`}
      notice={
        <Alert tone="info" title="You can resume it at any time.">
          Every request with this key is refused with <code className="font-mono">key_suspended</code> from the next one
          on, until you resume it.
        </Alert>
      }
      placeholder="Checking a possible leak"
      submitLabel="Suspend key"
      act={suspendKeyAction}
    />
  );
}

/** Resume needs no form: one click, with the failure shown inline. */
export function ResumeKeyButton({ apiKey }: { apiKey: KeyView }) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <Button
        variant="primary"
        pending={pending}
        onClick={() =>
          startTransition(async () => {
            const result = await resumeKeyAction(apiKey.keyId, {});
            setError(result.ok ? null : result.error.message);
          })
        }
      >
        Resume
      </Button>
      {error ? (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      ) : null}
    </>
  );
}

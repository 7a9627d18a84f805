"use client";

import { useId, useState, useTransition } from "react";
import { resumeKeyAction, suspendKeyAction } from "@/app/_server/actions/keys";
import type { KeyView } from "@/lib/keys/key-view";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog, DialogFooter } from "../ui/dialog";
import { Field, Textarea } from "../ui/field";
import { fieldError, type FieldErrors } from "./form-errors";

export function SuspendKeyDialog({ apiKey, open, onClose }: { apiKey: KeyView; open: boolean; onClose: () => void }) {
  const id = useId();
  const [pending, startTransition] = useTransition();
  const [fields, setFields] = useState<FieldErrors>(undefined);
  const [error, setError] = useState<string | null>(null);

  function close() {
    setFields(undefined);
    setError(null);
    onClose();
  }

  return (
    <Dialog open={open} onClose={close} title={`Suspend ${apiKey.name}?`} description={apiKey.keyId}>
      <form
        noValidate
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          const reason = String(new FormData(event.currentTarget).get("reason") ?? "");
          startTransition(async () => {
            const result = await suspendKeyAction(apiKey.keyId, { reason });
            if (result.ok) {
              close();
            } else {
              setFields(result.error.fields);
              setError(result.error.fields ? null : result.error.message);
            }
          });
        }}
      >
        <Alert tone="info" title="You can resume it at any time.">
          Every request with this key is refused with <code className="font-mono">key_suspended</code> from the next one
          on, until you resume it.
        </Alert>
        {error ? <Alert tone="error">{error}</Alert> : null}
        <Field
          id={`${id}-reason`}
          label="Reason"
          hint="Recorded in the audit trail."
          error={fieldError(fields, "reason", "Reason")}
        >
          {(control) => (
            <Textarea {...control} name="reason" required rows={2} placeholder="Checking a possible leak" />
          )}
        </Field>
        <DialogFooter>
          <Button onClick={close} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" pending={pending}>
            Suspend key
          </Button>
        </DialogFooter>
      </form>
    </Dialog>
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

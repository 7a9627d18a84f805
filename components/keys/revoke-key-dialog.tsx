"use client";

import { useId, useState, useTransition } from "react";
import { revokeKeyAction } from "@/app/_server/actions/keys";
import type { KeyView } from "@/lib/keys/key-view";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog, DialogFooter } from "../ui/dialog";
import { Field, Textarea } from "../ui/field";
import { fieldError, type FieldErrors } from "./form-errors";

export function RevokeKeyDialog({ apiKey, open, onClose }: { apiKey: KeyView; open: boolean; onClose: () => void }) {
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
    <Dialog open={open} onClose={close} title={`Revoke ${apiKey.name}?`} description={apiKey.keyId}>
      <form
        noValidate
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          const reason = String(new FormData(event.currentTarget).get("reason") ?? "");
          startTransition(async () => {
            const result = await revokeKeyAction(apiKey.keyId, { reason });
            if (result.ok) {
              close();
            } else {
              setFields(result.error.fields);
              setError(result.error.fields ? null : result.error.message);
            }
          });
        }}
      >
        <Alert tone="warning" title="This cannot be undone.">
          Every request with this key is refused from the next one on, including its secrets in a grace period.
        </Alert>
        {error ? <Alert tone="error">{error}</Alert> : null}
        <Field
          id={`${id}-reason`}
          label="Reason"
          hint="Recorded in the audit trail."
          error={fieldError(fields, "reason", "Reason")}
        >
          {(control) => (
            <Textarea {...control} name="reason" required rows={2} placeholder="Leaked in a public repository" />
          )}
        </Field>
        <DialogFooter>
          <Button onClick={close} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" pending={pending}>
            Revoke key
          </Button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}

"use client";

import { useId, useState, useTransition, type ReactNode } from "react";
import type { ActionResult } from "@/app/_server/run-action";
import type { KeyView } from "@/lib/keys/key-view";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog, DialogFooter } from "../ui/dialog";
import { Field, Textarea } from "../ui/field";
import { fieldError, type FieldErrors } from "./form-errors";

/** A key change that asks for an audited reason (revoke, suspend): one form, the action and its wording given. */
export function ReasonDialog(props: {
  apiKey: KeyView;
  open: boolean;
  onClose: () => void;
  title: string;
  notice: ReactNode;
  placeholder: string;
  submitLabel: string;
  act: (keyId: string, input: { reason: string }) => Promise<ActionResult<KeyView>>;
}) {
  const { apiKey, open, onClose } = props;
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
    <Dialog open={open} onClose={close} title={props.title} description={apiKey.keyId}>
      <form
        noValidate
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          const reason = String(new FormData(event.currentTarget).get("reason") ?? "");
          startTransition(async () => {
            const result = await props.act(apiKey.keyId, { reason });
            if (result.ok) {
              close();
            } else {
              setFields(result.error.fields);
              setError(result.error.fields ? null : result.error.message);
            }
          });
        }}
      >
        {props.notice}
        {error ? <Alert tone="error">{error}</Alert> : null}
        <Field
          id={`${id}-reason`}
          label="Reason"
          hint="Recorded in the audit trail."
          error={fieldError(fields, "reason", "Reason")}
        >
          {(control) => <Textarea {...control} name="reason" required rows={2} placeholder={props.placeholder} />}
        </Field>
        <DialogFooter>
          <Button onClick={close} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" pending={pending}>
            {props.submitLabel}
          </Button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}

"use client";

import { useState, useTransition } from "react";
import { createKeyAction } from "@/app/_server/actions/keys";
import { Button } from "../ui/button";
import { Dialog, DialogFooter } from "../ui/dialog";
import { KeyForm, type KeyFormValues } from "./key-form";
import { SecretOncePanel } from "./secret-once-panel";
import type { FieldErrors } from "./form-errors";

type Issued = { keyId: string; secret: string };

export function CreateKeyDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  /** Told the new key's id (never its secret), e.g. by the first-run guide to watch for its first request. */
  onCreated?: (keyId: string) => void;
}) {
  const [pending, startTransition] = useTransition();
  const [fields, setFields] = useState<FieldErrors>(undefined);
  const [formError, setFormError] = useState<string | null>(null);
  const [issued, setIssued] = useState<Issued | null>(null);

  function close() {
    setIssued(null);
    setFields(undefined);
    setFormError(null);
    onClose();
  }

  function submit(values: KeyFormValues) {
    startTransition(async () => {
      const result = await createKeyAction({
        ...values,
        partner: values.partner || null,
        description: values.description || null,
      });
      if (result.ok) {
        setFields(undefined);
        setFormError(null);
        setIssued({ keyId: result.data.key.keyId, secret: result.data.secret });
        onCreated?.(result.data.key.keyId);
      } else {
        setFields(result.error.fields);
        setFormError(result.error.fields ? "Check the highlighted fields." : result.error.message);
      }
    });
  }

  return (
    <Dialog
      open={open}
      onClose={close}
      dismissible={!issued}
      title={issued ? "Your new API key" : "Create API key"}
      description={issued ? undefined : "Grant only what the partner's integration needs."}
    >
      {issued ? (
        <SecretOncePanel keyId={issued.keyId} secret={issued.secret} onDone={close} />
      ) : (
        <KeyForm
          mode="create"
          fields={fields}
          formError={formError}
          onSubmit={submit}
          footer={
            <DialogFooter>
              <Button onClick={close} disabled={pending}>
                Cancel
              </Button>
              <Button type="submit" variant="primary" pending={pending}>
                Create key
              </Button>
            </DialogFooter>
          }
        />
      )}
    </Dialog>
  );
}

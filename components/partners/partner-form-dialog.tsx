"use client";

import { useId, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { createPartnerAction, updatePartnerAction } from "@/app/_server/actions/partners";
import type { PartnerView } from "@/lib/partners/partner-input";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog, DialogFooter } from "../ui/dialog";
import { Field, Input, Textarea } from "../ui/field";
import { fieldError, type FieldErrors } from "../keys/form-errors";

/** Create a partner (then open its page), or edit one: name, contact email, notes. */
export function PartnerFormButton({ partner }: { partner?: PartnerView }) {
  const id = useId();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [pending, startTransition] = useTransition();
  const [fields, setFields] = useState<FieldErrors>(undefined);
  const [error, setError] = useState<string | null>(null);

  function close() {
    setFields(undefined);
    setError(null);
    setOpen(false);
  }

  return (
    <>
      <Button variant={partner ? "secondary" : "primary"} onClick={() => setOpen(true)}>
        {partner ? "Edit" : "New partner"}
      </Button>
      <Dialog open={open} onClose={close} title={partner ? `Edit ${partner.name}` : "New partner"}>
        <form
          noValidate
          className="space-y-4"
          onSubmit={(event) => {
            event.preventDefault();
            const data = new FormData(event.currentTarget);
            const input = {
              name: String(data.get("name") ?? ""),
              contactEmail: String(data.get("contactEmail") ?? ""),
              notes: String(data.get("notes") ?? ""),
            };
            startTransition(async () => {
              const result = partner ? await updatePartnerAction(partner.id, input) : await createPartnerAction(input);
              if (result.ok) {
                close();
                if (!partner) router.push(`/partners/${result.data.id}`);
              } else {
                setFields(result.error.fields);
                setError(result.error.fields ? null : result.error.message);
              }
            });
          }}
        >
          {error ? <Alert tone="error">{error}</Alert> : null}
          <Field id={`${id}-name`} label="Name" error={fieldError(fields, "name", "Name")}>
            {(control) => <Input {...control} name="name" defaultValue={partner?.name} placeholder="Acme Ltd" />}
          </Field>
          <Field id={`${id}-contact`} label="Contact email" error={fieldError(fields, "contactEmail", "Contact email")}>
            {(control) => (
              <Input
                {...control}
                name="contactEmail"
                type="email"
                defaultValue={partner?.contactEmail ?? ""}
                placeholder="integrations@acme.example"
              />
            )}
          </Field>
          <Field id={`${id}-notes`} label="Notes" error={fieldError(fields, "notes", "Notes")}>
            {(control) => <Textarea {...control} name="notes" rows={3} defaultValue={partner?.notes ?? ""} />}
          </Field>
          <DialogFooter>
            <Button onClick={close} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" pending={pending}>
              {partner ? "Save" : "Create partner"}
            </Button>
          </DialogFooter>
        </form>
      </Dialog>
    </>
  );
}

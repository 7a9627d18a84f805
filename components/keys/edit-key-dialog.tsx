"use client";

import { useState, useTransition } from "react";
import { updateKeyAction } from "@/app/_server/actions/keys";
import type { KeyView } from "@/lib/keys/key-view";
import { normaliseScopes } from "@/lib/scopes";
import { Button } from "../ui/button";
import { Dialog, DialogFooter } from "../ui/dialog";
import { KeyForm, toLocalInputValue, type KeyFormValues } from "./key-form";
import type { FieldErrors } from "./form-errors";

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Only the fields the user changed are sent: an untouched past expiry on an expired key must not fail the
 * "must be in the future" rule when only the name changes, and the audit entry then shows just the edit.
 */
function changedFields(key: KeyView, values: KeyFormValues): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  if (values.name.trim() !== key.name) patch.name = values.name;
  if ((values.partner.trim() || null) !== key.partner) patch.partner = values.partner || null;
  if ((values.description.trim() || null) !== key.description) patch.description = values.description || null;
  if (!same(normaliseScopes(values.scopes), key.scopes)) patch.scopes = values.scopes;
  if (toLocalInputValue(values.expiresAt) !== toLocalInputValue(key.expiresAt)) patch.expiresAt = values.expiresAt;
  if (!same(values.ipAllowlist, key.ipAllowlist)) patch.ipAllowlist = values.ipAllowlist;
  if (values.rateLimitPerMinute !== key.rateLimitPerMinute) patch.rateLimitPerMinute = values.rateLimitPerMinute;
  if (values.leakPolicy !== key.leakPolicy) patch.leakPolicy = values.leakPolicy;
  return patch;
}

export function EditKeyDialog({ apiKey, open, onClose }: { apiKey: KeyView; open: boolean; onClose: () => void }) {
  const [pending, startTransition] = useTransition();
  const [fields, setFields] = useState<FieldErrors>(undefined);
  const [formError, setFormError] = useState<string | null>(null);

  function close() {
    setFields(undefined);
    setFormError(null);
    onClose();
  }

  function submit(values: KeyFormValues) {
    const patch = changedFields(apiKey, values);
    if (Object.keys(patch).length === 0) {
      close();
      return;
    }
    startTransition(async () => {
      const result = await updateKeyAction(apiKey.keyId, patch);
      if (result.ok) {
        close();
      } else {
        setFields(result.error.fields);
        setFormError(result.error.fields ? "Check the highlighted fields." : result.error.message);
      }
    });
  }

  return (
    <Dialog open={open} onClose={close} title={`Edit ${apiKey.name}`} description={apiKey.keyId}>
      <KeyForm
        mode="edit"
        initial={apiKey}
        fields={fields}
        formError={formError}
        onSubmit={submit}
        footer={
          <DialogFooter>
            <Button onClick={close} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" pending={pending}>
              Save changes
            </Button>
          </DialogFooter>
        }
      />
    </Dialog>
  );
}

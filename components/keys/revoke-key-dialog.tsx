"use client";

import { revokeKeyAction } from "@/app/_server/actions/keys";
import type { KeyView } from "@/lib/keys/key-view";
import { Alert } from "../ui/alert";
import { ReasonDialog } from "./reason-dialog";

export function RevokeKeyDialog({ apiKey, open, onClose }: { apiKey: KeyView; open: boolean; onClose: () => void }) {
  return (
    <ReasonDialog
      apiKey={apiKey}
      open={open}
      onClose={onClose}
      title={`Revoke ${apiKey.name}?`}
      notice={
        <Alert tone="warning" title="This cannot be undone.">
          Every request with this key is refused from the next one on, including its secrets in a grace period.
        </Alert>
      }
      placeholder="Leaked in a public repository"
      submitLabel="Revoke key"
      act={revokeKeyAction}
    />
  );
}

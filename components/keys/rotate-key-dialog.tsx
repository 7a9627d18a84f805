"use client";

import { useState, useTransition } from "react";
import { rotateKeyAction } from "@/app/_server/actions/keys";
import { GRACE_PRESETS } from "@/lib/keys/key-vocabulary";
import { GraceChoices } from "./grace-choices";
import type { KeyView } from "@/lib/keys/key-view";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog, DialogFooter } from "../ui/dialog";
import { SecretOncePanel } from "./secret-once-panel";

export function RotateKeyDialog({ apiKey, open, onClose }: { apiKey: KeyView; open: boolean; onClose: () => void }) {
  const [pending, startTransition] = useTransition();
  const [graceSeconds, setGraceSeconds] = useState<number>(3600);
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);

  function close() {
    setSecret(null);
    setError(null);
    onClose();
  }

  function rotate() {
    startTransition(async () => {
      const result = await rotateKeyAction(apiKey.keyId, { graceSeconds });
      if (result.ok) {
        setError(null);
        setSecret(result.data.secret);
      } else {
        setError(result.error.message);
      }
    });
  }

  const current = apiKey.secret ? `…${apiKey.secret.lastFour}` : "the current secret";

  return (
    <Dialog
      open={open}
      onClose={close}
      dismissible={!secret}
      title={secret ? "Your new secret" : "Rotate secret"}
      description={secret ? undefined : `Issue a new secret for ${apiKey.keyId}. The key id stays the same.`}
    >
      {secret ? (
        <SecretOncePanel keyId={apiKey.keyId} secret={secret} onDone={close} />
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            rotate();
          }}
          className="space-y-4"
        >
          {error ? <Alert tone="error">{error}</Alert> : null}
          <fieldset>
            <legend className="text-sm font-medium text-slate-800">Keep the old secret ({current}) working for</legend>
            <GraceChoices presets={GRACE_PRESETS} selected={graceSeconds} onSelect={setGraceSeconds} />
          </fieldset>
          {graceSeconds === 0 ? (
            <Alert tone="warning">The old secret stops working immediately. Requests still using it will fail.</Alert>
          ) : (
            <p className="text-xs text-slate-500">
              Both secrets are accepted during the grace period, so the partner can deploy the new one without downtime.
            </p>
          )}
          <DialogFooter>
            <Button onClick={close} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" pending={pending}>
              Rotate secret
            </Button>
          </DialogFooter>
        </form>
      )}
    </Dialog>
  );
}

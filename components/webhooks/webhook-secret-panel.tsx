"use client";

import { useRef } from "react";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { CopyButton } from "../ui/copy-button";

/** A webhook signing secret, shown once: Keyward keeps it only encrypted, and never shows it again. */
export function WebhookSecretPanel({ secret, onDone }: { secret: string; onDone: () => void }) {
  const ref = useRef<HTMLInputElement>(null);
  return (
    <div className="space-y-3 rounded-md border border-amber-200 bg-white p-3">
      <Alert tone="warning" title="Copy the signing secret now. It will not be shown again.">
        Verify each delivery&apos;s <code className="font-mono">webhook-signature</code> with it (Standard Webhooks). If
        you lose it, rotate the secret.
      </Alert>
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor="webhook-secret-once" className="sr-only">
          Signing secret
        </label>
        <input
          id="webhook-secret-once"
          ref={ref}
          readOnly
          value={secret}
          spellCheck={false}
          autoComplete="off"
          onFocus={(e) => e.currentTarget.select()}
          className="h-8 min-w-0 flex-1 rounded-md border border-amber-300 bg-amber-50/50 px-2.5 font-mono text-xs"
        />
        <CopyButton text={secret} fallbackTarget={ref} label="Copy secret" />
        <Button variant="primary" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}

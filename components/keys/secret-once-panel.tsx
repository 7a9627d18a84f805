"use client";

import { useRef } from "react";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { CopyButton } from "../ui/copy-button";
import { DialogFooter } from "../ui/dialog";

/**
 * Shows a freshly issued secret, once. Keyward stores only its hash, so this panel is the user's one chance
 * to copy it; the secret lives only in the parent's state and is dropped when the panel closes.
 */
export function SecretOncePanel({ keyId, secret, onDone }: { keyId: string; secret: string; onDone: () => void }) {
  const secretRef = useRef<HTMLInputElement>(null);
  const keyIdRef = useRef<HTMLInputElement>(null);
  const curlRef = useRef<HTMLTextAreaElement>(null);
  // Rendered only in the browser (the dialog mounts its content when opened), so the origin is known.
  const curl = `curl -H "X-API-Key: ${keyId}" -H "X-API-Secret: ${secret}" ${window.location.origin}/api/v1/inventory?limit=1`;
  return (
    <div className="space-y-4">
      <Alert tone="warning" title="Copy the secret now. It will not be shown again.">
        Keyward keeps only a hash of it. If you lose it, rotate the key to get a new one.
      </Alert>
      <div>
        <label htmlFor="secret-once-key-id" className="block text-xs font-medium text-slate-700">
          Key ID
        </label>
        <div className="mt-1 flex items-center gap-2">
          <input
            id="secret-once-key-id"
            ref={keyIdRef}
            readOnly
            value={keyId}
            onFocus={(e) => e.currentTarget.select()}
            className="h-8 w-full rounded-md border border-slate-300 bg-slate-50 px-2.5 font-mono text-xs"
          />
          <CopyButton text={keyId} fallbackTarget={keyIdRef} label="Copy key ID" />
        </div>
      </div>
      <div>
        <label htmlFor="secret-once-secret" className="block text-xs font-medium text-slate-700">
          Secret
        </label>
        <div className="mt-1 flex flex-wrap items-center gap-2">
          <input
            id="secret-once-secret"
            ref={secretRef}
            readOnly
            value={secret}
            spellCheck={false}
            autoComplete="off"
            onFocus={(e) => e.currentTarget.select()}
            className="h-8 min-w-0 flex-1 rounded-md border border-amber-300 bg-amber-50/50 px-2.5 font-mono text-xs"
          />
          <CopyButton text={secret} fallbackTarget={secretRef} label="Copy secret" />
        </div>
        <p className="mt-1 text-xs text-slate-500">
          Send both in the <code className="font-mono">X-API-Key</code> and{" "}
          <code className="font-mono">X-API-Secret</code> headers.
        </p>
      </div>
      <div>
        <label htmlFor="secret-once-curl" className="block text-xs font-medium text-slate-700">
          Try it: a ready curl command
        </label>
        <div className="mt-1 flex flex-wrap items-start gap-2">
          <textarea
            id="secret-once-curl"
            ref={curlRef}
            readOnly
            rows={3}
            value={curl}
            spellCheck={false}
            onFocus={(e) => e.currentTarget.select()}
            className="min-w-0 flex-1 resize-none rounded-md border border-slate-300 bg-slate-50 px-2.5 py-1.5 font-mono text-xs break-all"
          />
          <CopyButton text={curl} fallbackTarget={curlRef} label="Copy curl" />
        </div>
      </div>
      <DialogFooter>
        <Button variant="primary" onClick={onDone}>
          Done, I have stored it
        </Button>
      </DialogFooter>
    </div>
  );
}

"use client";

import { useId, useState, useTransition } from "react";
import { revokePartnerKeysAction, rotatePartnerKeysAction } from "@/app/_server/actions/partners";
import { GRACE_PRESETS } from "@/lib/keys/key-vocabulary";
import { GraceChoices } from "../keys/grace-choices";
import type { PartnerKeyOutcome } from "@/lib/partners/partner-key-actions";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { CopyButton } from "../ui/copy-button";
import { Dialog, DialogFooter } from "../ui/dialog";
import { Field, Textarea } from "../ui/field";

/** Each key's outcome; new secrets appear here once (Keyward keeps only their hashes). */
function Outcomes({ outcomes }: { outcomes: PartnerKeyOutcome[] }) {
  if (outcomes.length === 0) return <p className="text-sm text-slate-600">This partner has no key to act on.</p>;
  return (
    <table className="w-full text-left text-xs" aria-label="Results">
      <thead className="text-slate-500">
        <tr>
          <th className="py-1 pr-2 font-medium">Key</th>
          <th className="py-1 pr-2 font-medium">Result</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {outcomes.map((o) => (
          <tr key={o.keyId}>
            <td className="py-1.5 pr-2 align-top">
              <div className="font-medium text-slate-900">{o.name}</div>
              <div className="font-mono text-slate-600">{o.keyId}</div>
            </td>
            <td className="py-1.5 pr-2 align-top">
              {o.ok ? (
                o.secret ? (
                  <div className="flex items-center gap-2">
                    <code className="break-all text-slate-900" data-testid={`new-secret-${o.keyId}`}>
                      {o.secret}
                    </code>
                    <CopyButton text={o.secret} label="Copy secret" />
                  </div>
                ) : (
                  <span className="text-emerald-700">Done</span>
                )
              ) : (
                <span className="text-red-700">{o.message}</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "Rotate all keys of this partner" and "Revoke all keys of this partner", each key audited on its own. */
export function PartnerKeyActions({ partnerId, partnerName }: { partnerId: string; partnerName: string }) {
  const id = useId();
  const [mode, setMode] = useState<"rotate" | "revoke" | null>(null);
  const [graceSeconds, setGraceSeconds] = useState<number>(3600);
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [outcomes, setOutcomes] = useState<PartnerKeyOutcome[] | null>(null);

  function close() {
    setMode(null);
    setError(null);
    setOutcomes(null);
  }

  const withSecrets = outcomes?.some((o) => o.ok && o.secret) ?? false;

  return (
    <>
      <Button onClick={() => setMode("rotate")}>Rotate all keys</Button>
      <Button variant="danger" onClick={() => setMode("revoke")}>
        Revoke all keys
      </Button>
      <Dialog
        open={mode !== null}
        onClose={close}
        dismissible={!withSecrets}
        title={mode === "rotate" ? `Rotate all keys of ${partnerName}` : `Revoke all keys of ${partnerName}?`}
      >
        {outcomes ? (
          <div className="space-y-4">
            {withSecrets ? (
              <Alert tone="warning" title="Copy the new secrets now. They will not be shown again." />
            ) : null}
            <Outcomes outcomes={outcomes} />
            <DialogFooter>
              <Button variant="primary" onClick={close}>
                Done
              </Button>
            </DialogFooter>
          </div>
        ) : (
          <form
            noValidate
            className="space-y-4"
            onSubmit={(event) => {
              event.preventDefault();
              const reason = String(new FormData(event.currentTarget).get("reason") ?? "");
              startTransition(async () => {
                const result =
                  mode === "rotate"
                    ? await rotatePartnerKeysAction(partnerId, { graceSeconds })
                    : await revokePartnerKeysAction(partnerId, { reason });
                if (result.ok) {
                  setError(null);
                  setOutcomes(result.data);
                } else {
                  setError(result.error.message);
                }
              });
            }}
          >
            {error ? <Alert tone="error">{error}</Alert> : null}
            {mode === "rotate" ? (
              <fieldset>
                <legend className="text-sm font-medium text-slate-800">Keep each old secret working for</legend>
                <GraceChoices presets={GRACE_PRESETS} selected={graceSeconds} onSelect={setGraceSeconds} />
              </fieldset>
            ) : (
              <>
                <Alert tone="warning" title="This cannot be undone.">
                  Every key of this partner is refused from its next request on.
                </Alert>
                <Field id={`${id}-reason`} label="Reason" hint="Recorded in each key's audit trail.">
                  {(control) => <Textarea {...control} name="reason" required rows={2} />}
                </Field>
              </>
            )}
            <DialogFooter>
              <Button onClick={close} disabled={pending}>
                Cancel
              </Button>
              <Button type="submit" variant={mode === "rotate" ? "primary" : "danger"} pending={pending}>
                {mode === "rotate" ? "Rotate all keys" : "Revoke all keys"}
              </Button>
            </DialogFooter>
          </form>
        )}
      </Dialog>
    </>
  );
}

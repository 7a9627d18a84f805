"use client";

import Link from "next/link";
import { useState, useTransition } from "react";
import { replaceLegacyKeyAction } from "@/app/_server/actions/partners";
import { GRACE_PRESETS } from "@/lib/keys/key-vocabulary";
import { GraceChoices } from "./grace-choices";
import type { LegacyMigration } from "@/lib/keys/legacy-migration";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Dialog, DialogFooter } from "../ui/dialog";
import { Input } from "../ui/field";
import { LocalTime } from "../ui/local-time";
import { formatCount } from "../logs/format";
import { ScopeBadges } from "./key-badges";
import { SecretOncePanel } from "./secret-once-panel";

const GRACE_CHOICES = GRACE_PRESETS.filter((p) => p.seconds > 0);

/**
 * The migration assistant on a legacy key's page: what the key really used in the last 30 days, a scoped
 * replacement with exactly those scopes, and, once replaced, whether the legacy key has gone quiet.
 */
export function LegacyMigrationPanel({ keyId, migration }: { keyId: string; migration: LegacyMigration }) {
  const [open, setOpen] = useState(false);
  const [graceSeconds, setGraceSeconds] = useState<number>(7 * 86400);
  const [custom, setCustom] = useState("");
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [issued, setIssued] = useState<{ keyId: string; secret: string } | null>(null);
  const r = migration.replacement;

  function close() {
    setOpen(false);
    setError(null);
    setIssued(null);
  }

  return (
    <Card id="legacy-migration" title="Migration assistant">
      <div className="space-y-3 p-4 text-sm">
        <p className="text-slate-700">
          This key was imported from the previous one-key-per-user scheme. Its own traffic over the last 30 days:
        </p>
        {migration.endpoints.length ? (
          <table className="w-full text-left text-xs" aria-label="Endpoints used">
            <thead className="text-slate-500">
              <tr>
                <th className="py-1 pr-2 font-medium">Endpoint</th>
                <th className="py-1 pr-2 font-medium">Scope</th>
                <th className="py-1 pr-2 text-right font-medium">Requests</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {migration.endpoints.map((e) => (
                <tr key={`${e.method} ${e.route}`}>
                  <td className="py-1 pr-2 font-mono">
                    {e.method} {e.route}
                  </td>
                  <td className="py-1 pr-2">{e.scope ?? "—"}</td>
                  <td className="py-1 pr-2 text-right tabular-nums">{formatCount(e.requests)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="text-slate-500">No successful request in the last 30 days.</p>
        )}
        <div className="flex items-center gap-2" data-testid="proposed-scopes">
          <span className="text-xs font-medium text-slate-600">Scopes it needs:</span>
          {migration.proposedScopes.length ? (
            <ScopeBadges scopes={migration.proposedScopes} />
          ) : (
            <span className="text-xs text-slate-500">none</span>
          )}
        </div>

        {r ? (
          <Alert
            tone={r.advice.state === "in_use" ? "warning" : "success"}
            title={
              r.advice.state === "in_use"
                ? "The legacy key is still in use."
                : "The legacy key has gone quiet: it is safe to revoke."
            }
          >
            Replaced by{" "}
            <Link href={`/keys/${r.keyId}`} className="font-mono underline">
              {r.keyId}
            </Link>{" "}
            <LocalTime iso={r.at} />. {formatCount(r.requestsSince)} successful request
            {r.requestsSince === 1 ? "" : "s"} with the legacy key since
            {r.advice.state === "in_use" ? (
              <>
                , the last <LocalTime iso={r.advice.lastSeenAt} />; quiet from <LocalTime iso={r.advice.safeAfter} /> if
                nothing else arrives.
              </>
            ) : (
              "."
            )}
            {r.legacySecretRetiresAt ? (
              <>
                {" "}
                The legacy secret is accepted until <LocalTime iso={r.legacySecretRetiresAt} />.
              </>
            ) : null}
          </Alert>
        ) : (
          <Button variant="primary" disabled={migration.proposedScopes.length === 0} onClick={() => setOpen(true)}>
            Replace with a scoped key
          </Button>
        )}
      </div>

      <Dialog
        open={open}
        onClose={close}
        dismissible={!issued}
        title={issued ? "The scoped key" : "Replace with a scoped key"}
        description={issued ? undefined : `A new key with exactly the scopes ${keyId} used, for the same partner.`}
      >
        {issued ? (
          <SecretOncePanel keyId={issued.keyId} secret={issued.secret} onDone={close} />
        ) : (
          <form
            className="space-y-4"
            onSubmit={(event) => {
              event.preventDefault();
              const seconds = custom.trim() ? Number(custom) : graceSeconds;
              startTransition(async () => {
                const result = await replaceLegacyKeyAction(keyId, { graceSeconds: seconds });
                if (result.ok) {
                  setError(null);
                  setIssued({ keyId: result.data.key.keyId, secret: result.data.secret });
                } else setError(result.error.message);
              });
            }}
          >
            {error ? <Alert tone="error">{error}</Alert> : null}
            <ScopeBadges scopes={migration.proposedScopes} />
            <fieldset>
              <legend className="text-sm font-medium text-slate-800">Keep the legacy secret working for</legend>
              <GraceChoices
                presets={GRACE_CHOICES}
                selected={custom ? null : graceSeconds}
                onSelect={(seconds) => {
                  setCustom("");
                  setGraceSeconds(seconds);
                }}
                columns="grid-cols-3"
              />
              <label className="mt-2 block text-xs text-slate-600">
                or seconds
                <Input
                  name="customGrace"
                  inputMode="numeric"
                  value={custom}
                  onChange={(e) => setCustom(e.target.value)}
                  className="mt-1"
                />
              </label>
            </fieldset>
            <DialogFooter>
              <Button onClick={close} disabled={pending}>
                Cancel
              </Button>
              <Button type="submit" variant="primary" pending={pending}>
                Create scoped key
              </Button>
            </DialogFooter>
          </form>
        )}
      </Dialog>
    </Card>
  );
}

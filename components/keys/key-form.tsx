"use client";

import { useId, useState, type FormEvent, type ReactNode } from "react";
import type { Scope } from "@/lib/scopes";
import type { KeyView } from "@/lib/keys/key-view";
import { Field, Input, Textarea } from "../ui/field";
import { Alert } from "../ui/alert";
import { cn } from "../ui/cn";
import { ScopePicker } from "./scope-picker";
import { fieldError, otherFieldErrors, type FieldErrors } from "./form-errors";
import { KEY_ENVIRONMENTS, type KeyEnvironment, type LeakPolicy } from "@/lib/keys/key-vocabulary";

/** What the form produces, in the shape lib/keys/key-input.ts parses. */
export type KeyFormValues = {
  name: string;
  partner: string;
  description: string;
  environment?: KeyEnvironment;
  scopes: Scope[];
  expiresAt: string | null;
  ipAllowlist: string[];
  rateLimitPerMinute: number | null;
  leakPolicy: LeakPolicy;
};

const FIELDS = [
  "name",
  "partner",
  "description",
  "environment",
  "scopes",
  "expiresAt",
  "ipAllowlist",
  "rateLimitPerMinute",
  "leakPolicy",
] as const;

/** "2026-05-01T14:30" in the browser's zone, the value a datetime-local input shows. */
export function toLocalInputValue(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function fromLocalInputValue(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  // An unparseable value goes through as typed, so the server's message explains it.
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

function parseIpList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function parseRateLimit(text: string): number | null {
  const trimmed = text.trim();
  return trimmed === "" ? null : Number(trimmed);
}

/**
 * The fields of a key, for creating (with environment) and editing. Values are read on submit; only the
 * scopes are controlled, because the picker renders from them.
 */
export function KeyForm({
  mode,
  initial,
  fields,
  formError,
  onSubmit,
  footer,
}: {
  mode: "create" | "edit";
  initial?: KeyView;
  fields: FieldErrors;
  formError?: string | null;
  onSubmit: (values: KeyFormValues) => void;
  footer: ReactNode;
}) {
  const id = useId();
  const [scopes, setScopes] = useState<Scope[]>(initial?.scopes ?? []);
  const unclaimed = otherFieldErrors(fields, FIELDS);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: string) => String(data.get(name) ?? "");
    onSubmit({
      name: text("name"),
      partner: text("partner"),
      description: text("description"),
      ...(mode === "create" ? { environment: text("environment") === "test" ? "test" : "live" } : {}),
      scopes,
      expiresAt: fromLocalInputValue(text("expiresAt")),
      ipAllowlist: parseIpList(text("ipAllowlist")),
      rateLimitPerMinute: parseRateLimit(text("rateLimitPerMinute")),
      leakPolicy: text("leakPolicy") === "notify" ? "notify" : "revoke",
    });
  }

  return (
    <form onSubmit={handleSubmit} noValidate className="space-y-4">
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      {unclaimed.length > 0 ? (
        <Alert tone="error">
          <ul className="list-inside list-disc">
            {unclaimed.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </Alert>
      ) : null}

      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Field id={`${id}-name`} label="Name" error={fieldError(fields, "name", "Name")}>
          {(control) => (
            <Input {...control} name="name" required defaultValue={initial?.name} placeholder="Acme inventory feed" />
          )}
        </Field>
        <Field id={`${id}-partner`} label="Partner" error={fieldError(fields, "partner", "Partner")}>
          {(control) => (
            <Input {...control} name="partner" defaultValue={initial?.partner ?? ""} placeholder="Acme Ltd" />
          )}
        </Field>
      </div>

      <Field id={`${id}-description`} label="Description" error={fieldError(fields, "description", "Description")}>
        {(control) => (
          <Textarea
            {...control}
            name="description"
            rows={2}
            defaultValue={initial?.description ?? ""}
            placeholder="What this key is for"
          />
        )}
      </Field>

      {mode === "create" ? (
        <fieldset>
          <legend className="text-xs font-medium text-slate-700">Environment</legend>
          <div className="mt-1 flex gap-4 text-sm">
            {KEY_ENVIRONMENTS.map((env) => (
              <label key={env} className="inline-flex items-center gap-1.5">
                <input type="radio" name="environment" value={env} defaultChecked={env === "live"} />
                {env === "live" ? "Live" : "Test"}
              </label>
            ))}
          </div>
          <p className="mt-1 text-xs text-slate-500">Test keys see only test data.</p>
          {fieldError(fields, "environment", "Environment") ? (
            <p className="mt-1 text-xs text-red-600">{fieldError(fields, "environment", "Environment")}</p>
          ) : null}
        </fieldset>
      ) : null}

      <div>
        <p className="text-xs font-medium text-slate-700">Permissions</p>
        <div className="mt-1">
          <ScopePicker value={scopes} onChange={setScopes} error={fieldError(fields, "scopes", "Scopes")} />
        </div>
      </div>

      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Field
          id={`${id}-expires`}
          label="Expiry"
          hint="Optional, in your local time. Empty: never expires."
          error={fieldError(fields, "expiresAt", "Expiry")}
        >
          {(control) => (
            <Input
              {...control}
              type="datetime-local"
              name="expiresAt"
              defaultValue={toLocalInputValue(initial?.expiresAt ?? null)}
            />
          )}
        </Field>
        <Field
          id={`${id}-rate`}
          label="Rate limit (requests/min)"
          hint="Optional. Empty: the default limit."
          error={fieldError(fields, "rateLimitPerMinute", "Rate limit")}
        >
          {(control) => (
            <Input
              {...control}
              type="number"
              inputMode="numeric"
              min={1}
              step={1}
              name="rateLimitPerMinute"
              defaultValue={initial?.rateLimitPerMinute ?? ""}
            />
          )}
        </Field>
      </div>

      <Field
        id={`${id}-ips`}
        label="IP allowlist"
        hint="Optional. IPv4/IPv6 addresses or CIDR ranges, one per line or comma separated. Empty: any IP."
        error={fieldError(fields, "ipAllowlist", "IP allowlist")}
      >
        {(control) => (
          <Textarea
            {...control}
            name="ipAllowlist"
            rows={2}
            className={cn("font-mono text-xs")}
            defaultValue={initial?.ipAllowlist.join("\n") ?? ""}
            placeholder={"203.0.113.7\n198.51.100.0/24"}
          />
        )}
      </Field>

      <fieldset>
        <legend className="text-xs font-medium text-slate-700">If a secret of this key is reported leaked</legend>
        <div className="mt-1 flex flex-wrap gap-4 text-sm">
          <label className="inline-flex items-center gap-1.5">
            <input type="radio" name="leakPolicy" value="revoke" defaultChecked={initial?.leakPolicy !== "notify"} />
            Revoke it at once
          </label>
          <label className="inline-flex items-center gap-1.5">
            <input type="radio" name="leakPolicy" value="notify" defaultChecked={initial?.leakPolicy === "notify"} />
            Notify only
          </label>
        </div>
        <p className="mt-1 text-xs text-slate-500">
          Secret scanners report leaked Keyward secrets to Keyward. &ldquo;Notify only&rdquo; flags the key and sends
          key.leaked, leaving it working.
        </p>
      </fieldset>

      {footer}
    </form>
  );
}

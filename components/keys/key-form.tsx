"use client";

import { useEffect, useId, useState, type FormEvent, type ReactNode } from "react";
import { partnerChoicesAction } from "@/app/_server/actions/partners";
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
  "partnerId",
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

const DAY_MS = 86_400_000;
/** Expiry choices as GitHub offers them for tokens: a preset from now, a date of one's own, or never. */
const EXPIRY_PRESETS = [
  { value: "30", label: "30 days" },
  { value: "60", label: "60 days" },
  { value: "90", label: "90 days" },
  { value: "custom", label: "Custom" },
  { value: "never", label: "Never" },
] as const;
type ExpiryChoice = (typeof EXPIRY_PRESETS)[number]["value"];

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
  const [partners, setPartners] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    // The owner's partners, offered as choices; a new name creates the partner with the key.
    let live = true;
    void partnerChoicesAction().then((result) => {
      if (live && result.ok) setPartners(result.data);
    });
    return () => {
      live = false;
    };
  }, []);
  const [expiry, setExpiry] = useState<ExpiryChoice>(initial ? (initial.expiresAt ? "custom" : "never") : "90");
  // A field's error from the last submit disappears as soon as that field is changed (the fix is under way).
  const [edited, setEdited] = useState<{ for: FieldErrors; names: Set<string> }>({ for: fields, names: new Set() });
  const editedNames = edited.for === fields ? edited.names : new Set<string>();
  const [scopeMissing, setScopeMissing] = useState(false);
  const shown: FieldErrors = fields
    ? Object.fromEntries(
        Object.entries(fields).filter(
          ([path]) => ![...editedNames].some((n) => path === n || path.startsWith(`${n}.`)),
        ),
      )
    : undefined;
  const unclaimed = otherFieldErrors(shown, FIELDS);
  const markEdited = (name: string) =>
    setEdited((prev) => ({ for: fields, names: new Set([...(prev.for === fields ? prev.names : []), name]) }));

  function expiresAtOf(text: (name: string) => string): string | null {
    if (expiry === "never") return null;
    if (expiry === "custom") return fromLocalInputValue(text("expiresAt"));
    return new Date(Date.now() + Number(expiry) * DAY_MS).toISOString();
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // A key with no scope can call nothing: say so here rather than create a useless key.
    if (scopes.length === 0) {
      setScopeMissing(true);
      return;
    }
    const data = new FormData(event.currentTarget);
    const text = (name: string) => String(data.get(name) ?? "");
    setEdited({ for: fields, names: new Set() });
    onSubmit({
      name: text("name"),
      partner: text("partner"),
      description: text("description"),
      ...(mode === "create" ? { environment: text("environment") === "test" ? "test" : "live" } : {}),
      scopes,
      expiresAt: expiresAtOf(text),
      ipAllowlist: parseIpList(text("ipAllowlist")),
      rateLimitPerMinute: parseRateLimit(text("rateLimitPerMinute")),
      leakPolicy: text("leakPolicy") === "notify" ? "notify" : "revoke",
    });
  }

  return (
    <form
      onSubmit={handleSubmit}
      onChange={(event) => {
        const name = (event.target as unknown as { name?: string }).name;
        if (name) markEdited(name === "expiryPreset" ? "expiresAt" : name);
      }}
      noValidate
      className="space-y-4"
    >
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
        <Field id={`${id}-name`} label="Name" error={fieldError(shown, "name", "Name")}>
          {(control) => (
            <Input {...control} name="name" required defaultValue={initial?.name} placeholder="Acme inventory feed" />
          )}
        </Field>
        <Field
          id={`${id}-partner`}
          label="Partner"
          hint="Choose one of your partners, or type a new name to create it."
          error={fieldError(shown, "partner", "Partner") ?? fieldError(shown, "partnerId", "Partner")}
        >
          {(control) => (
            <>
              <Input
                {...control}
                name="partner"
                list={`${id}-partners`}
                autoComplete="off"
                defaultValue={initial?.partner ?? ""}
                placeholder="Acme Ltd"
              />
              <datalist id={`${id}-partners`}>
                {partners.map((p) => (
                  <option key={p.id} value={p.name} />
                ))}
              </datalist>
            </>
          )}
        </Field>
      </div>

      <Field id={`${id}-description`} label="Description" error={fieldError(shown, "description", "Description")}>
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
          {fieldError(shown, "environment", "Environment") ? (
            <p className="mt-1 text-xs text-red-600">{fieldError(shown, "environment", "Environment")}</p>
          ) : null}
        </fieldset>
      ) : null}

      <div>
        <p className="text-xs font-medium text-slate-700">Permissions</p>
        <div className="mt-1">
          <ScopePicker
            value={scopes}
            onChange={(next) => {
              setScopes(next);
              markEdited("scopes");
              if (next.length > 0) setScopeMissing(false);
            }}
            error={
              scopeMissing
                ? "Choose at least one scope: a key without scopes cannot call any endpoint."
                : fieldError(shown, "scopes", "Scopes")
            }
          />
        </div>
      </div>

      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <fieldset>
          <legend className="text-xs font-medium text-slate-700">Expiry</legend>
          <div className="mt-1 flex flex-wrap gap-x-3 gap-y-1 text-sm">
            {EXPIRY_PRESETS.map((p) => (
              <label key={p.value} className="inline-flex items-center gap-1.5">
                <input
                  type="radio"
                  name="expiryPreset"
                  value={p.value}
                  checked={expiry === p.value}
                  onChange={() => setExpiry(p.value)}
                />
                {p.label}
              </label>
            ))}
          </div>
          {expiry === "custom" ? (
            <Field
              id={`${id}-expires`}
              label="Expires at (your local time)"
              className="mt-2"
              error={fieldError(shown, "expiresAt", "Expiry")}
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
          ) : (
            <p className="mt-1 text-xs text-slate-600">
              {expiry === "never" ? "The key never expires." : `Expires ${expiry} days after it is saved.`}
            </p>
          )}
          {expiry !== "custom" && fieldError(shown, "expiresAt", "Expiry") ? (
            <p className="mt-1 text-xs text-red-600">{fieldError(shown, "expiresAt", "Expiry")}</p>
          ) : null}
        </fieldset>
        <Field
          id={`${id}-rate`}
          label="Rate limit (requests/min)"
          hint="Optional. Empty: no per-key limit."
          error={fieldError(shown, "rateLimitPerMinute", "Rate limit")}
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
        error={fieldError(shown, "ipAllowlist", "IP allowlist")}
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

      {/* The actions stay in view however long the form is (the dialog scrolls under them). */}
      <div className="sticky -bottom-4 z-10 -mx-4 bg-white px-4 pb-1 sm:-bottom-5 sm:-mx-5 sm:px-5">{footer}</div>
    </form>
  );
}

"use client";

import Link from "next/link";
import { useId, useState, useTransition } from "react";
import { createWebhookAction, deleteWebhookAction, rotateWebhookSecretAction } from "@/app/_server/actions/webhooks";
import { WEBHOOK_EVENT_TYPES } from "@/lib/keys/key-vocabulary";
import type { WebhookView } from "@/lib/webhooks/webhook-input";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, Input } from "../ui/field";
import { LocalTime } from "../ui/local-time";
import { WebhookSecretPanel } from "./webhook-secret-panel";

type FieldErrors = Record<string, string> | undefined;

function RegisterForm({ onCreated }: { onCreated: (secret: string) => void }) {
  const id = useId();
  const [pending, startTransition] = useTransition();
  const [fields, setFields] = useState<FieldErrors>(undefined);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      noValidate
      className="space-y-3 p-4"
      onSubmit={(event) => {
        event.preventDefault();
        const form = event.currentTarget;
        const data = new FormData(form);
        const input = {
          url: String(data.get("url") ?? ""),
          description: String(data.get("description") ?? ""),
          events: data.getAll("events").map(String),
        };
        startTransition(async () => {
          const result = await createWebhookAction(input);
          if (result.ok) {
            setFields(undefined);
            setError(null);
            form.reset();
            onCreated(result.data.secret);
          } else {
            setFields(result.error.fields);
            setError(result.error.fields ? null : result.error.message);
          }
        });
      }}
    >
      {error ? <Alert tone="error">{error}</Alert> : null}
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Field id={`${id}-url`} label="Endpoint URL" error={fields?.url}>
          {(control) => (
            <Input {...control} name="url" required type="url" placeholder="https://example.com/keyward-events" />
          )}
        </Field>
        <Field id={`${id}-description`} label="Description" error={fields?.description}>
          {(control) => <Input {...control} name="description" placeholder="Pager on leaks" />}
        </Field>
      </div>
      <fieldset>
        <legend className="text-xs font-medium text-slate-700">Events</legend>
        <div className="mt-1 grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-3">
          {WEBHOOK_EVENT_TYPES.map((type) => (
            <label key={type} className="inline-flex items-center gap-1.5 font-mono text-xs">
              <input type="checkbox" name="events" value={type} defaultChecked />
              {type}
            </label>
          ))}
        </div>
        {fields?.events ? <p className="mt-1 text-xs text-red-600">{fields.events}</p> : null}
      </fieldset>
      <Button type="submit" variant="primary" pending={pending}>
        Register endpoint
      </Button>
    </form>
  );
}

function EndpointRow({ endpoint, onSecret }: { endpoint: WebhookView; onSecret: (secret: string) => void }) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  return (
    <li className="space-y-2 px-4 py-3">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <Link href={`/webhooks/${endpoint.id}`} className="font-mono text-sm text-indigo-700 hover:underline">
            {endpoint.url}
          </Link>
          <p className="text-xs text-slate-500">
            {endpoint.description ? `${endpoint.description} · ` : null}
            {endpoint.id} · registered <LocalTime iso={endpoint.createdAt} />
            {endpoint.previousSecretSignsUntil ? (
              <>
                {" "}
                · previous secret signs until <LocalTime iso={endpoint.previousSecretSignsUntil} />
              </>
            ) : null}
          </p>
        </div>
        <div className="flex items-center gap-2">
          <Link href={`/webhooks/${endpoint.id}`} className="text-xs font-medium text-indigo-700 hover:underline">
            Deliveries
          </Link>
          <Button
            disabled={pending}
            onClick={() =>
              startTransition(async () => {
                const result = await rotateWebhookSecretAction(endpoint.id);
                if (result.ok) onSecret(result.data.secret);
                setError(result.ok ? null : result.error.message);
              })
            }
          >
            Rotate secret
          </Button>
          {confirming ? (
            <Button
              variant="danger"
              pending={pending}
              onClick={() =>
                startTransition(async () => {
                  const result = await deleteWebhookAction(endpoint.id);
                  setError(result.ok ? null : result.error.message);
                  setConfirming(false);
                })
              }
            >
              Confirm delete
            </Button>
          ) : (
            <Button variant="danger" onClick={() => setConfirming(true)}>
              Delete
            </Button>
          )}
        </div>
      </div>
      <ul className="flex flex-wrap gap-1" aria-label="Events">
        {endpoint.events.map((e) => (
          <li key={e}>
            <Badge mono>{e}</Badge>
          </li>
        ))}
      </ul>
      {error ? <Alert tone="error">{error}</Alert> : null}
    </li>
  );
}

/** Register endpoints, see them, rotate their secrets, delete them. The secret shows once, here. */
export function WebhooksScreen({ endpoints, error }: { endpoints: WebhookView[]; error: string | null }) {
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-xl font-semibold text-slate-900">Webhooks</h1>
        <p className="text-sm text-slate-500">
          Keyward POSTs key events (signed per Standard Webhooks) to these URLs and retries failures for up to 24 hours.
        </p>
      </div>
      {secret ? <WebhookSecretPanel secret={secret} onDone={() => setSecret(null)} /> : null}
      <Card id="webhooks-register" title="Register an endpoint">
        <RegisterForm onCreated={setSecret} />
      </Card>
      <Card id="webhooks-list" title="Endpoints">
        {error ? (
          <div className="p-3">
            <Alert tone="error" title="Could not load the endpoints.">
              {error}
            </Alert>
          </div>
        ) : endpoints.length === 0 ? (
          <p className="px-4 py-3 text-sm text-slate-500">No endpoints yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {endpoints.map((e) => (
              <EndpointRow key={e.id} endpoint={e} onSecret={setSecret} />
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

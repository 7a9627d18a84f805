"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { signUpAction } from "@/app/_server/actions/sign-up";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Field, Input } from "../ui/field";

const FORM_FIELDS = ["email", "password", "name"] as const;
type Fields = Partial<Record<(typeof FORM_FIELDS)[number], string>>;

function pickFormFields(issues: Record<string, string> | undefined): Fields {
  const picked: Fields = {};
  for (const field of FORM_FIELDS) {
    const message = issues?.[field];
    if (message) picked[field] = message;
  }
  return picked;
}

export function SignUpForm() {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [fields, setFields] = useState<Fields>({});
  const [error, setError] = useState<string | null>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const email = String(data.get("email") ?? "");
    const password = String(data.get("password") ?? "");
    const name = String(data.get("name") ?? "");
    startTransition(async () => {
      let result: Awaited<ReturnType<typeof signUpAction>>;
      try {
        result = await signUpAction({ email, password, ...(name.trim() ? { name } : {}) });
      } catch {
        setError("Could not reach the server. Check your connection and try again.");
        return;
      }
      if (!result.ok) {
        const known = pickFormFields(result.error.fields);
        setFields(known);
        // A problem no field can show (throttling, an unexpected key) goes in the banner, never nowhere.
        setError(Object.keys(known).length ? null : result.error.message);
        return;
      }
      setFields({});
      setError(null);
      const session = await signIn("credentials", { redirect: false, email, password });
      if (session?.ok && !session.error) {
        router.replace("/keys");
        router.refresh();
      } else {
        // The account exists; only the automatic sign-in failed, so send the user to sign in by hand.
        router.replace("/sign-in");
      }
    });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      {error ? <Alert tone="error">{error}</Alert> : null}
      <Field id="name" label="Name" hint="Optional." error={fields.name}>
        {(control) => <Input {...control} name="name" autoComplete="name" />}
      </Field>
      <Field id="email" label="Email" error={fields.email}>
        {(control) => <Input {...control} name="email" type="email" autoComplete="email" required />}
      </Field>
      <Field
        id="password"
        label="Password"
        // The rule once: as the hint, or as the error that repeats it.
        hint={fields.password ? undefined : "At least 10 characters, with a digit or symbol."}
        error={fields.password}
      >
        {(control) => <Input {...control} name="password" type="password" autoComplete="new-password" required />}
      </Field>
      <Button type="submit" variant="primary" pending={pending} className="w-full">
        Create account
      </Button>
    </form>
  );
}

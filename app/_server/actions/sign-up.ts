"use server";

import { headers } from "next/headers";
import { runAction, type ActionResult } from "@/app/_server/run-action";
import { signUp } from "@/lib/auth/users";
import { clientIp } from "@/lib/http/client-ip";

/**
 * Creates the account only; the client then signs in through next-auth so the session cookie is set there.
 * The answer is the same whether the email was new or already had an account (lib/auth/users.ts signUp).
 */
export async function signUpAction(input: unknown): Promise<ActionResult<{ email: string }>> {
  return runAction(async () => {
    const { email } = await signUp(input, { ip: clientIp(await headers()) });
    return { email };
  });
}

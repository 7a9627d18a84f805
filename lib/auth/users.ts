import "server-only";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { db } from "../db";
import { ApiError, issuesDetail, parseOrThrow } from "../errors";
import { services } from "../services";
import { retryAfterPhrase, type AuthThrottle, type SignInVerdict, type Verdict } from "../rate-limit/auth-throttle";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./password";

export const ROLES = ["user", "support"] as const;
export type Role = (typeof ROLES)[number];

type SessionUser = { id: string; email: string; name: string | null; role: Role };

const passwordRule = z
  .string()
  .min(10, "Use at least 10 characters.")
  .max(200, "Use at most 200 characters.")
  .refine((p) => /[a-z]/i.test(p) && /[^a-z]/i.test(p), "Mix letters with at least one digit or symbol.");

// Strict: the sign-up form sends exactly these keys, so anything else is a tampered request, not a typo.
export const signUpInput = z.strictObject({
  email: z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address, like name@example.com.")),
  password: passwordRule,
  name: z.string().trim().max(80, "Use at most 80 characters.").optional(),
});

const signInInput = z.object({
  email: z.string().trim().toLowerCase().max(320),
  password: z.string().max(200),
});

function toSessionUser(user: { id: string; email: string; name: string | null; role: string }): SessionUser {
  return { id: user.id, email: user.email, name: user.name, role: user.role === "support" ? "support" : "user" };
}

type AuthContext = {
  ip: string | null;
  throttle?: AuthThrottle;
  /** How the sign-in throttle's slowdown waits (a test records the delay instead). */
  wait?: (ms: number) => Promise<unknown>;
};

export async function signUp(
  input: unknown,
  { ip, throttle = services().authThrottle, role = "user" }: AuthContext & { role?: Role },
): Promise<SessionUser> {
  const { email, password, name } = parseOrThrow(signUpInput, input);
  throwIfThrottled(await throttle.beforeSignUp(ip), "Too many sign-up attempts from your network.");
  const existing = await db().user.findUnique({ where: { email }, select: { id: true } });
  if (existing) {
    throw new ApiError("conflict", "An account with this email already exists. Sign in instead.", {
      details: issuesDetail({ field: "email", message: "An account with this email already exists." }),
    });
  }
  const user = await db().user.create({
    data: { email, name: name || null, role, passwordHash: await hashPassword(password) },
  });
  return toSessionUser(user);
}

/**
 * The user for these credentials, or null for any wrong or unknown email/password (one answer for both, so
 * accounts cannot be enumerated). Throws ApiError "rate_limited" while this address is throttled, for this
 * email or for all; an email under attack from many addresses is only slowed down (see AuthThrottle), so the
 * owner's correct password still works from any address that has not failed itself.
 */
export async function signInWithCredentials(
  input: unknown,
  { ip, throttle = services().authThrottle, wait = sleep }: AuthContext,
): Promise<SessionUser | null> {
  const parsed = signInInput.safeParse(input);
  const email = parsed.success && parsed.data.email ? parsed.data.email : null;
  const verdict = await throttle.beforeSignIn(email, ip);
  throwIfThrottled(verdict, "Too many attempts.");
  // Before the check, whatever its outcome, so a wrong guess is not answered any sooner than a right one.
  if (verdict.allowed && verdict.delayMs > 0) await wait(verdict.delayMs);
  const user = parsed.success ? await verifyCredentials(parsed.data) : null;
  if (user && email) await throttle.signInSucceeded(email, ip);
  else await throttle.signInFailed(email);
  return user;
}

/** Unknown emails cost as much time as wrong passwords. */
async function verifyCredentials({ email, password }: z.infer<typeof signInInput>): Promise<SessionUser | null> {
  const user = await db().user.findUnique({ where: { email } });
  if (!user) {
    await burnPasswordCheck(password);
    return null;
  }
  return (await verifyPassword(user.passwordHash, password)) ? toSessionUser(user) : null;
}

function throwIfThrottled(verdict: Verdict | SignInVerdict, what: string): void {
  if (verdict.allowed) return;
  throw new ApiError("rate_limited", `${what} ${retryAfterPhrase(verdict.retryAfterSeconds)}`, {
    headers: { "Retry-After": String(verdict.retryAfterSeconds) },
  });
}

export async function getUserById(id: string): Promise<SessionUser | null> {
  const user = await db().user.findUnique({ where: { id } });
  return user ? toSessionUser(user) : null;
}

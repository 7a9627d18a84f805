import "server-only";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { db } from "../db";
import { ApiError, parseOrThrow, toApiError } from "../errors";
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

/**
 * Create an account. An email that already has one gets the same treatment and, to the caller, the same
 * answer (`user: null` here, which the edge reports as it reports a success): the password is hashed all the same,
 * nothing is written, and no message says the address is taken, so sign-up cannot be used to learn who has
 * an account. `email` is the normalised address either way. (Whether the chosen password then signs in still differs; only email verification could hide
 * that, and Keyward sends no mail. See SECURITY.md.)
 */
export async function signUp(
  input: unknown,
  { ip, throttle = services().authThrottle, role = "user" }: AuthContext & { role?: Role },
): Promise<{ email: string; user: SessionUser | null }> {
  const { email, password, name } = parseOrThrow(signUpInput, input);
  throwIfThrottled(await throttle.beforeSignUp(ip), "Too many sign-up attempts from your network.");
  const passwordHash = await hashPassword(password);
  const existing = await db().user.findUnique({ where: { email }, select: { id: true } });
  if (existing) return { email, user: null };
  try {
    const user = await db().user.create({ data: { email, name: name || null, role, passwordHash } });
    return { email, user: toSessionUser(user) };
  } catch (err) {
    // Two sign-ups for one new email at once: the loser is treated as "already taken", like any other.
    if (toApiError(err).code === "conflict") return { email, user: null };
    throw err;
  }
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

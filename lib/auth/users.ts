import { z } from "zod";
import { db } from "../db";
import { ApiError, parseOrThrow } from "../errors";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./password";

export const ROLES = ["user", "support"] as const;
export type Role = (typeof ROLES)[number];

export type SessionUser = { id: string; email: string; name: string | null; role: Role };

export const passwordRule = z
  .string()
  .min(10, "Use at least 10 characters.")
  .max(200, "Use at most 200 characters.")
  .refine((p) => /[a-z]/i.test(p) && /[^a-z]/i.test(p), "Mix letters with at least one digit or symbol.");

export const signUpInput = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address, like name@example.com.")),
  password: passwordRule,
  name: z.string().trim().max(80, "Use at most 80 characters.").optional(),
});

export const signInInput = z.object({
  email: z.string().trim().toLowerCase().max(320),
  password: z.string().max(200),
});

function toSessionUser(user: { id: string; email: string; name: string | null; role: string }): SessionUser {
  return { id: user.id, email: user.email, name: user.name, role: user.role === "support" ? "support" : "user" };
}

export async function signUp(input: unknown, role: Role = "user"): Promise<SessionUser> {
  const { email, password, name } = parseOrThrow(signUpInput, input);
  const existing = await db().user.findUnique({ where: { email }, select: { id: true } });
  if (existing) {
    throw new ApiError("conflict", "An account with this email already exists. Sign in instead.", {
      details: { issues: [{ field: "email", message: "An account with this email already exists." }] },
    });
  }
  const user = await db().user.create({
    data: { email, name: name || null, role, passwordHash: await hashPassword(password) },
  });
  return toSessionUser(user);
}

/** The user for these credentials, or null. Unknown emails cost as much time as wrong passwords. */
export async function verifyCredentials(input: unknown): Promise<SessionUser | null> {
  const parsed = signInInput.safeParse(input);
  if (!parsed.success) return null;
  const user = await db().user.findUnique({ where: { email: parsed.data.email } });
  if (!user) {
    await burnPasswordCheck(parsed.data.password);
    return null;
  }
  return (await verifyPassword(user.passwordHash, parsed.data.password)) ? toSessionUser(user) : null;
}

export async function getUserById(id: string): Promise<SessionUser | null> {
  const user = await db().user.findUnique({ where: { id } });
  return user ? toSessionUser(user) : null;
}

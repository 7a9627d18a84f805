import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, test, vi } from "vitest";
import { captureLogs, overrideServices } from "@/test/fixtures";
import { AuthThrottle, authLimits } from "@/lib/rate-limit/auth-throttle";
import { db } from "@/lib/db";
import { hashPassword } from "@/lib/auth/password";
import { signInErrorMessage } from "@/components/auth/sign-in-error";
import { sessionOptions } from "./auth-options";

type Authorize = (
  credentials: Record<string, string> | undefined,
  req: { headers?: Record<string, unknown> },
) => Promise<unknown>;

// CredentialsProvider keeps the configured authorize under `options`; next-auth merges it in at runtime.
const { authorize } = (sessionOptions.providers[0] as unknown as { options: { authorize: Authorize } }).options;

let restore: (() => void) | null = null;
const uniqueEmail = () => `nobody-${randomUUID().slice(0, 8)}@example.test`;

afterEach(() => {
  restore?.();
  restore = null;
  vi.restoreAllMocks();
});

describe("the credentials provider's authorize", () => {
  test("a wrong password is a plain null (next-auth's CredentialsSignin), not a message", async () => {
    const req = { headers: { "x-keyward-client-ip": "203.0.113.30" } };
    expect(await authorize({ email: uniqueEmail(), password: "wrong-password-1" }, req)).toBeNull();
  });

  test("throttling surfaces as an Error whose message the sign-in form shows", async () => {
    const email = uniqueEmail();
    const req = { headers: { "x-keyward-client-ip": "203.0.113.31" } };
    for (let i = 0; i < 5; i++) expect(await authorize({ email, password: "wrong-password-1" }, req)).toBeNull();
    await expect(authorize({ email, password: "wrong-password-1" }, req)).rejects.toThrow(
      new Error("Too many attempts. Try again in 15 minutes."),
    );
  });

  test("an attacker's address is throttled with the form's message; the owner signs in from another address", async () => {
    const email = uniqueEmail();
    await db().user.create({
      data: { email, role: "user", passwordHash: await hashPassword("owners-password-1") },
    });
    const attacker = { headers: { "x-keyward-client-ip": "198.51.100.77" } };
    for (let i = 0; i < 5; i++) expect(await authorize({ email, password: `guess-${i}-abc` }, attacker)).toBeNull();
    let error: unknown;
    try {
      await authorize({ email, password: "owners-password-1" }, attacker);
    } catch (err) {
      error = err;
    }
    // What the sign-in form shows the attacker (next-auth hands the thrown message to signIn()'s result).
    expect(signInErrorMessage({ error: (error as Error).message })).toBe("Too many attempts. Try again in 15 minutes.");

    // The owner, from another address, is let in (without any slowdown: lib/auth/users.test.ts measures that).
    const owner = { headers: { "x-keyward-client-ip": "192.0.2.77" } };
    expect(await authorize({ email, password: "owners-password-1" }, owner)).toMatchObject({ email });
  });

  test("the IP comes from x-keyward-client-ip, not a client-sent x-forwarded-for", async () => {
    const throttle = new AuthThrottle({ ...authLimits(), signInPerIp: { points: 2, durationSeconds: 900 } });
    restore = overrideServices({ authThrottle: () => throttle });
    const from = (ip: string) => ({
      headers: { "x-keyward-client-ip": ip, "x-forwarded-for": `198.51.100.${ip.length}` },
    });
    expect(await authorize({ email: uniqueEmail(), password: "wrong-password-1" }, from("203.0.113.32"))).toBeNull();
    expect(await authorize({ email: uniqueEmail(), password: "wrong-password-1" }, from("203.0.113.32"))).toBeNull();
    await expect(
      authorize({ email: uniqueEmail(), password: "wrong-password-1" }, from("203.0.113.32")),
    ).rejects.toThrow(/^Too many attempts\./);
    expect(await authorize({ email: uniqueEmail(), password: "wrong-password-1" }, from("203.0.113.33"))).toBeNull();
  });

  test("an unexpected failure is logged and reaches the client only as a fixed code", async () => {
    const broken = { beforeSignIn: () => Promise.reject(new Error("store unreachable: redis://secret-host")) };
    const logs = captureLogs();
    restore = overrideServices({ authThrottle: () => broken as unknown as AuthThrottle, logger: () => logs.logger });
    await expect(authorize({ email: uniqueEmail(), password: "x" }, { headers: {} })).rejects.toThrow(
      new Error("SignInUnavailable"),
    );
    expect(logs.events()).toEqual([
      expect.objectContaining({
        level: "error",
        msg: "sign-in failed",
        err: expect.objectContaining({ message: "store unreachable: redis://secret-host" }),
      }),
    ]);
  });
});

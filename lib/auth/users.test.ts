import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { runAction } from "@/app/_server/run-action";
import { rejectionOf } from "@/test/fixtures";
import { db } from "../db";
import { AuthThrottle, authLimits } from "../rate-limit/auth-throttle";
import { hashPassword } from "./password";
import { signInWithCredentials, signUp, signUpInput } from "./users";

const PASSWORD = "correct-horse-9";
const WRONG = "not-the-password-1";
let passwordHash: Promise<string> | undefined;

/** Password hashing takes a while on a busy machine: the window's remaining seconds are only bounded. */
const retryAfter = (err: { headers?: Record<string, string> }) => Number(err.headers?.["Retry-After"]);

const uniqueEmail = (tag: string) => `${tag}-${randomUUID().slice(0, 8)}@example.test`;

async function makeAccount(): Promise<string> {
  const email = uniqueEmail("user");
  passwordHash ??= hashPassword(PASSWORD);
  await db().user.create({ data: { email, role: "user", passwordHash: await passwordHash } });
  return email;
}

/** The production limits (5 per email and IP, 50 per IP per 15 minutes…), in a throttle of the test's own. */
const freshThrottle = () => new AuthThrottle(authLimits());

describe("signInWithCredentials", () => {
  test("signs in with the right password", async () => {
    const email = await makeAccount();
    const user = await signInWithCredentials(
      { email, password: PASSWORD },
      { ip: "203.0.113.1", throttle: freshThrottle() },
    );
    expect(user).toMatchObject({ email, role: "user" });
  });

  test.each([
    ["an existing account", makeAccount],
    ["an unknown email (no hint that it does not exist)", async () => uniqueEmail("nobody")],
  ])(
    "for %s, five wrong passwords from one address answer null and its sixth attempt is throttled",
    async (_name, account) => {
      const email = await account();
      const throttle = freshThrottle();
      for (let i = 0; i < 5; i++) {
        expect(await signInWithCredentials({ email, password: WRONG }, { ip: "203.0.113.2", throttle })).toBeNull();
      }
      const err = await rejectionOf(signInWithCredentials({ email, password: WRONG }, { ip: "203.0.113.2", throttle }));
      expect(err.code).toBe("rate_limited");
      expect(err.status).toBe(429);
      expect(err.message).toBe("Too many attempts. Try again in 15 minutes.");
      expect(err.headers).toEqual({ "Retry-After": expect.stringMatching(/^\d+$/) });
      expect(retryAfter(err)).toBeGreaterThan(800); // the window started with the first attempt, seconds ago
      expect(retryAfter(err)).toBeLessThanOrEqual(900);
    },
  );

  test("an attacker's failures never refuse the owner's correct password from another address", async () => {
    const victim = await makeAccount();
    const throttle = freshThrottle();
    const waited: number[] = [];
    const attacker = { ip: "198.51.100.66", throttle, wait: async (ms: number) => waited.push(ms) };
    for (let i = 0; i < 5; i++) {
      expect(await signInWithCredentials({ email: victim.toUpperCase(), password: WRONG }, attacker)).toBeNull();
    }
    // The attacker's address is throttled for this email, whatever it sends (the email's case does not matter)…
    for (const password of [WRONG, PASSWORD]) {
      const err = await rejectionOf(signInWithCredentials({ email: ` ${victim} `, password }, attacker));
      expect(err.message).toBe("Too many attempts. Try again in 15 minutes.");
    }
    // …and the owner, from anywhere else, signs in at once: no refusal, no wait.
    const owner = { ip: "192.0.2.44", throttle, wait: async (ms: number) => waited.push(ms) };
    expect(await signInWithCredentials({ email: victim, password: PASSWORD }, owner)).toMatchObject({ email: victim });
    expect(waited).toEqual([]);
  });

  test("failures for one email from many addresses slow it down, but the owner still gets in", async () => {
    const victim = await makeAccount();
    const throttle = freshThrottle();
    const waited: number[] = [];
    const from = (ip: string) => ({ ip, throttle, wait: async (ms: number) => waited.push(ms) });
    // Three addresses, five failures each: 15 failures, 5 past the 10 free ones.
    for (const ip of ["198.51.100.1", "198.51.100.2", "198.51.100.3"]) {
      for (let i = 0; i < 5; i++)
        expect(await signInWithCredentials({ email: victim, password: WRONG }, from(ip))).toBeNull();
    }
    expect(waited).toEqual([500, 1000, 2000, 4000]);
    waited.length = 0;
    expect(await signInWithCredentials({ email: victim, password: PASSWORD }, from("192.0.2.45"))).toMatchObject({
      email: victim,
    });
    expect(waited).toEqual([4000]);
    // The owner's success ends the slowdown.
    waited.length = 0;
    expect(await signInWithCredentials({ email: victim, password: WRONG }, from("198.51.100.4"))).toBeNull();
    expect(waited).toEqual([]);
  });

  test("a successful sign-in resets the email's count", async () => {
    const email = await makeAccount();
    const throttle = freshThrottle();
    for (let i = 0; i < 4; i++)
      await signInWithCredentials({ email, password: WRONG }, { ip: "203.0.113.3", throttle });
    expect(await signInWithCredentials({ email, password: PASSWORD }, { ip: "203.0.113.3", throttle })).not.toBeNull();
    for (let i = 0; i < 5; i++) {
      expect(await signInWithCredentials({ email, password: WRONG }, { ip: "203.0.113.3", throttle })).toBeNull();
    }
  });

  test("one IP guessing at many emails is throttled after its failure limit", async () => {
    const throttle = new AuthThrottle({ ...authLimits(), signInPerIp: { points: 3, durationSeconds: 900 } });
    const ip = "203.0.113.4";
    for (let i = 0; i < 3; i++) {
      expect(
        await signInWithCredentials({ email: uniqueEmail("spray"), password: WRONG }, { ip, throttle }),
      ).toBeNull();
    }
    const email = await makeAccount();
    expect((await rejectionOf(signInWithCredentials({ email, password: PASSWORD }, { ip, throttle }))).message).toBe(
      "Too many attempts. Try again in 15 minutes.",
    );
    expect(await signInWithCredentials({ email, password: PASSWORD }, { ip: "203.0.113.5", throttle })).not.toBeNull();
  });

  test("malformed input answers null and counts against the IP", async () => {
    const throttle = new AuthThrottle({ ...authLimits(), signInPerIp: { points: 2, durationSeconds: 900 } });
    const ip = "203.0.113.6";
    expect(await signInWithCredentials({}, { ip, throttle })).toBeNull();
    expect(await signInWithCredentials({ email: 42, password: [] }, { ip, throttle })).toBeNull();
    expect((await rejectionOf(signInWithCredentials({}, { ip, throttle }))).code).toBe("rate_limited");
  });
});

describe("signUp", () => {
  test("creates the account", async () => {
    const email = uniqueEmail("new");
    const user = await signUp(
      { email, password: PASSWORD, name: "Ada" },
      { ip: "203.0.113.20", throttle: freshThrottle() },
    );
    expect(user).toEqual({ email, user: expect.objectContaining({ email, name: "Ada", role: "user" }) });
  });

  test("an email that has an account gets the same answer, and nothing changes", async () => {
    const email = uniqueEmail("taken");
    const first = await signUp({ email, password: PASSWORD }, { ip: "203.0.113.25", throttle: freshThrottle() });
    const before = await db().user.findUniqueOrThrow({ where: { email } });
    const again = await signUp(
      { email: email.toUpperCase(), password: "another-password-2", name: "Mallory" },
      { ip: "203.0.113.25", throttle: freshThrottle() },
    );
    expect(again).toEqual({ email, user: null });
    expect(first.user).not.toBeNull();
    const result = await runAction(() =>
      signUp({ email, password: PASSWORD }, { ip: "203.0.113.25", throttle: freshThrottle() }).then(({ email: e }) => ({
        email: e,
      })),
    );
    expect(result).toEqual({ ok: true, data: { email } });
    expect(await db().user.findUniqueOrThrow({ where: { email } })).toEqual(before);
  });

  test.each([
    [{ role: "support" }, 'Unrecognized key: "role"'],
    [{ passwordHash: "x" }, 'Unrecognized key: "passwordHash"'],
  ])("refuses unknown keys %o", async (extra, message) => {
    const email = uniqueEmail("strict");
    const err = await rejectionOf(
      signUp({ email, password: PASSWORD, ...extra }, { ip: "203.0.113.21", throttle: freshThrottle() }),
    );
    expect(err.code).toBe("validation_failed");
    expect(err.details).toEqual({ issues: [{ field: "(body)", message }] });
    expect(await db().user.findUnique({ where: { email } })).toBeNull();
  });

  test("the schema is strict", () => {
    expect(signUpInput.safeParse({ email: "a@example.com", password: PASSWORD, extra: 1 }).success).toBe(false);
    expect(signUpInput.safeParse({ email: "a@example.com", password: PASSWORD, name: "A" }).success).toBe(true);
  });

  test("attempts per IP are limited; typos do not count", async () => {
    const throttle = new AuthThrottle({ ...authLimits(), signUpPerIp: { points: 2, durationSeconds: 3600 } });
    const ip = "203.0.113.22";
    for (let i = 0; i < 5; i++) {
      expect((await rejectionOf(signUp({ email: "not-an-email", password: PASSWORD }, { ip, throttle }))).code).toBe(
        "validation_failed",
      );
    }
    await signUp({ email: uniqueEmail("one"), password: PASSWORD }, { ip, throttle });
    await signUp({ email: uniqueEmail("two"), password: PASSWORD }, { ip, throttle });
    const email = uniqueEmail("three");
    const err = await rejectionOf(signUp({ email, password: PASSWORD }, { ip, throttle }));
    expect(err.code).toBe("rate_limited");
    expect(err.message).toBe("Too many sign-up attempts from your network. Try again in 60 minutes.");
    expect(err.headers).toEqual({ "Retry-After": expect.stringMatching(/^\d+$/) });
    expect(retryAfter(err)).toBeGreaterThan(3500);
    expect(retryAfter(err)).toBeLessThanOrEqual(3600);
    expect(await db().user.findUnique({ where: { email } })).toBeNull();
    await signUp({ email, password: PASSWORD }, { ip: "203.0.113.23", throttle });
  });

  test("a throttled sign-up comes back from runAction in the project's error shape", async () => {
    const throttle = new AuthThrottle({ ...authLimits(), signUpPerIp: { points: 1, durationSeconds: 3600 } });
    const ip = "203.0.113.24";
    await signUp({ email: uniqueEmail("first"), password: PASSWORD }, { ip, throttle });
    const result = await runAction(() =>
      signUp({ email: uniqueEmail("second"), password: PASSWORD }, { ip, throttle }),
    );
    expect(result).toEqual({
      ok: false,
      error: { code: "rate_limited", message: "Too many sign-up attempts from your network. Try again in 60 minutes." },
    });
  });
});

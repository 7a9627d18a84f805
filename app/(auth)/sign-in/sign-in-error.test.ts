import { expect, test } from "vitest";
import { signInErrorMessage } from "@/components/auth/sign-in-error";

test.each([
  ["a wrong or unknown account", { error: "CredentialsSignin" }, "Wrong email or password."],
  [
    "the throttle's message",
    { error: "Too many attempts. Try again in 15 minutes." },
    "Too many attempts. Try again in 15 minutes.",
  ],
  [
    "the throttle's message, one minute",
    { error: "Too many attempts. Try again in 1 minute." },
    "Too many attempts. Try again in 1 minute.",
  ],
  ["an unexpected failure", { error: "SignInUnavailable" }, "Could not sign in right now. Try again in a moment."],
  [
    "any other text (never shown verbatim)",
    { error: "Too many attempts. <script>" },
    "Could not sign in right now. Try again in a moment.",
  ],
  ["no result", undefined, "Could not sign in right now. Try again in a moment."],
])("%s", (_name, result, message) => {
  expect(signInErrorMessage(result)).toBe(message);
});

const WRONG_CREDENTIALS = "Wrong email or password.";
const SIGN_IN_UNAVAILABLE = "Could not sign in right now. Try again in a moment.";

// The throttle's wording (lib/rate-limit/auth-throttle.ts); shown as is. Any other error text stays hidden.
const THROTTLED = /^Too many attempts\. Try again in \d+ minutes?\.$/;

/**
 * What the sign-in form says for a failed next-auth signIn() result. A null from authorize arrives as
 * "CredentialsSignin" (wrong or unknown account, deliberately one message); a message thrown from authorize
 * arrives verbatim, which is how the throttle explains how long to wait.
 */
export function signInErrorMessage(result: { error?: string | null } | undefined): string {
  const error = result?.error;
  if (error === "CredentialsSignin") return WRONG_CREDENTIALS;
  if (error && THROTTLED.test(error)) return error;
  return SIGN_IN_UNAVAILABLE;
}

import { logServerError, toApiError, type ErrorCode } from "@/lib/errors";
import { redactSecrets } from "@/lib/security/redact-secrets";

/** What a server action returns: data, or the project's error shape (never a thrown error to the client). */
export type ActionResult<T> =
  { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string; fields?: Record<string, string> } };

/** Run a lib/ call for a server action and map any error through the one error mapping. */
export async function runAction<T>(fn: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await fn() };
  } catch (err) {
    const apiError = toApiError(err);
    logServerError(apiError, "server action");
    const issues = (apiError.details?.issues ?? []) as { field: string; message: string }[];
    // The first issue per field is the one to fix first (zod also reports later checks of the same field).
    const fields = issues.length ? Object.fromEntries(issues.toReversed().map((i) => [i.field, i.message])) : undefined;
    const message = redactSecrets(apiError.message);
    return { ok: false, error: { code: apiError.code, message, ...(fields ? { fields } : {}) } };
  }
}

import "server-only";
import { ApiError, invalidField, toApiError, toErrorResponse } from "../errors";
import { readLimitedText } from "../http/read-json";
import { clientIp } from "../http/client-ip";
import { checkTokenAttempt } from "../auth/failed-auth-throttle";
import { bearerMatches } from "../ops/ops-endpoints";
import { services } from "../services";
import type { Actor } from "../auth/actor";
import { parseImportCsv, parseImportJson } from "./import-file";
import { importLegacyKeys, type Importer } from "./import-keys";

/** 100,000 rows of a typical export are about 15 MB. */
const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/**
 * Who may import: an operator with `Authorization: Bearer <KEYWARD_OPERATOR_TOKEN>` (compared in constant time;
 * the setting unset, no token is accepted; at most TOKEN_FAILURES_PER_MINUTE wrong ones a minute per address), or a signed-in
 * support user (the dashboard session, whose sign-in has its own throttles).
 */
async function importerOf(req: Request, session: () => Promise<Extract<Actor, { kind: "user" }> | null>) {
  const token = services().env.KEYWARD_OPERATOR_TOKEN;
  if (req.headers.get("authorization")) {
    const authorization = req.headers.get("authorization");
    if (
      await checkTokenAttempt(clientIp(req.headers), "operator", () => !!token && bearerMatches(authorization, token))
    ) {
      return { kind: "operator", label: "operator (API token)" } satisfies Importer;
    }
    throw new ApiError("unauthenticated", "Send the operator token as Authorization: Bearer <KEYWARD_OPERATOR_TOKEN>.");
  }
  const user = await session();
  if (!user) {
    throw new ApiError(
      "unauthenticated",
      "Sign in as support staff, or send the operator token as Authorization: Bearer <KEYWARD_OPERATOR_TOKEN>.",
    );
  }
  if (user.role !== "support") throw new ApiError("forbidden", "Only support staff or an operator can import keys.");
  const origin = req.headers.get("origin");
  if (origin && URL.parse(origin)?.host !== req.headers.get("host")) {
    throw new ApiError("forbidden", "Cross-site requests with a dashboard session are not allowed.");
  }
  return user satisfies Importer;
}

/**
 * POST /api/v1/keys/import: legacy key pairs as CSV (Content-Type text/csv) or JSON. 200 with each row's
 * outcome; 400 listing every refused row (nothing imported). An operator endpoint, not part of the partner API
 * (no API key can call it), so it stands outside the route catalog and the OpenAPI document.
 */
export async function importKeysResponse(
  req: Request,
  session: () => Promise<Extract<Actor, { kind: "user" }> | null>,
  requestId: string,
): Promise<Response> {
  try {
    const importer = await importerOf(req, session);
    const type = (req.headers.get("content-type") ?? "").toLowerCase();
    const text = await readLimitedText(req, MAX_IMPORT_BYTES);
    let rows;
    if (/^text\/csv\b/.test(type)) rows = parseImportCsv(text);
    else if (/^application\/(.+\+)?json\b/.test(type)) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw invalidField("(body)", "is not valid JSON");
      }
      rows = parseImportJson(value);
    } else {
      throw new ApiError("unsupported_media_type", "Send the file as text/csv or application/json.");
    }
    const result = await importLegacyKeys(importer, rows);
    return Response.json(result, { headers: { "Cache-Control": "no-store", "X-Request-Id": requestId } });
  } catch (err) {
    return toErrorResponse(toApiError(err), requestId);
  }
}

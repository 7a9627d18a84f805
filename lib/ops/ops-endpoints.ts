import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { ApiError, toApiError, toErrorResponse } from "../errors";
import { checkTokenAttempt } from "../auth/failed-auth-throttle";
import { clientIp } from "../http/client-ip";
import { newRequestId } from "../http/request-id";
import { services } from "../services";
import { checkReadiness } from "./readiness";

const NO_STORE = { "Cache-Control": "no-store" };

/** GET /api/health (liveness): the process answers. Touches nothing, so a slow database never restarts it. */
export function healthResponse(): Response {
  return Response.json({ status: "ok" }, { headers: NO_STORE });
}

/** GET /api/ready (readiness): 200 when every registered check answers in time, else 503; each check listed. */
export async function readinessResponse(): Promise<Response> {
  const s = services();
  const result = await checkReadiness(s.readiness, {
    onFailure: (name, err) => s.logger.warn({ err, check: name }, `readiness check ${name} failed`),
  });
  for (const c of result.checks) s.metrics.setDependencyUp(c.name, c.ok);
  return Response.json(
    { status: result.ready ? "ready" : "not_ready", checks: result.checks },
    { status: result.ready ? 200 : 503, headers: NO_STORE },
  );
}

/**
 * GET /api/metrics (Prometheus). Never public: without KEYWARD_METRICS_TOKEN it does not exist (404, as any
 * unknown path); with it, the scraper must send `Authorization: Bearer <token>` (401 otherwise; after
 * TOKEN_FAILURES_PER_MINUTE wrong tokens in a minute, 429 for that address, the right token included).
 */
export async function metricsResponse(req: Request): Promise<Response> {
  const s = services();
  const requestId = newRequestId();
  const token = s.env.KEYWARD_METRICS_TOKEN;
  if (!token) return toErrorResponse(new ApiError("not_found", "Not found."), requestId);
  let matched: boolean;
  try {
    matched = await checkTokenAttempt(clientIp(req.headers), "metrics", () =>
      bearerMatches(req.headers.get("authorization"), token),
    );
  } catch (err) {
    return toErrorResponse(toApiError(err), requestId);
  }
  if (!matched) {
    return toErrorResponse(
      new ApiError("unauthenticated", "Send the metrics token as Authorization: Bearer <KEYWARD_METRICS_TOKEN>.", {
        headers: { "WWW-Authenticate": 'Bearer realm="keyward-metrics"' },
      }),
      requestId,
    );
  }
  const { body, contentType } = await s.metrics.scrape();
  return new Response(body, { headers: { "Content-Type": contentType, ...NO_STORE } });
}

/** Constant-time comparison of the presented bearer token (hashed first, so lengths never leak either). */
export function bearerMatches(header: string | null, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(match?.[1] ?? ""), digest(token)) && match !== null;
}

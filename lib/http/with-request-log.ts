import "server-only";
import { preflightLogEntry } from "./preflight";
import { newRequestId } from "./request-id";
import { services } from "../services";
import type { UNGUARDED_API_ROUTES } from "../route-list";

type UnguardedPath = (typeof UNGUARDED_API_ROUTES)[number]["path"];

/** The error code of an answer in the project's error body, or null (2xx, or a body of another shape). */
async function errorCodeOf(response: Response): Promise<string | null> {
  if (response.status < 400) return null;
  try {
    const body = (await response.clone().json()) as { error?: { code?: unknown } };
    return typeof body.error?.code === "string" ? body.error.code : null;
  } catch {
    return null;
  }
}

/**
 * For the API routes no API key calls (UNGUARDED_API_ROUTES): every request is recorded in the request log as the
 * guard records partner requests (no key, so only support staff see it), before the answer leaves. The handler
 * gets the request id it must stamp on its answer.
 */
export function withRequestLog(route: UnguardedPath, handler: (req: Request, requestId: string) => Promise<Response>) {
  return async (req: Request): Promise<Response> => {
    const started = performance.now();
    const receivedAt = Date.now();
    const requestId = newRequestId(receivedAt);
    const response = await handler(req, requestId);
    const url = new URL(req.url);
    const entry = preflightLogEntry(
      { method: req.method, url: url.pathname + url.search, headers: req.headers },
      {
        requestId,
        receivedAt,
        status: response.status,
        errorCode: await errorCodeOf(response),
        route,
        latencyMs: performance.now() - started,
      },
    );
    try {
      await services().logWriter.enqueue(entry);
    } catch (err) {
      services().logger.error({ err, requestId }, `could not record request ${requestId}`);
    }
    return response;
  };
}

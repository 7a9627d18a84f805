import { parseOrThrow, toErrorResponse } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-ip";
import { readJsonBody } from "@/lib/http/read-json";
import { LEAK_REPORTS_PER_MINUTE, leakReportInput, reportLeaks } from "@/lib/leaks/report-leaks";
import { rateLimitedError, rateLimitHeaders } from "@/lib/rate-limit/rate-limiter";
import { services } from "@/lib/services";
import { withRequestLog } from "@/lib/http/with-request-log";

/**
 * Where secret scanners report Keyward secrets they found (public, no credentials). Always 202 { received }:
 * the answer never says whether anything matched. Per-IP rate limit. Each report is in the request log.
 */
export const POST = withRequestLog("/api/v1/leaks", async (req, requestId) => {
  try {
    const ip = clientIp(req.headers);
    const decision = await services().rateLimiter.consume(`leak-reports:${ip ?? "unknown"}`, LEAK_REPORTS_PER_MINUTE);
    if (!decision.allowed) throw rateLimitedError(decision, `Too many leak reports from ${ip ?? "this address"}`);
    const input = parseOrThrow(leakReportInput, await readJsonBody(req), undefined, { secretsExpected: true });
    const outcomes = await reportLeaks(input);
    if (outcomes.size > 0) {
      services().logger.warn(
        { requestId, keys: [...outcomes.keys()], source: input.source },
        `leak report: ${outcomes.size} key(s) acted on`,
      );
    }
    return Response.json(
      { received: input.secrets.length },
      {
        status: 202,
        headers: { "X-Request-Id": requestId, "Cache-Control": "no-store", ...rateLimitHeaders(decision) },
      },
    );
  } catch (err) {
    return toErrorResponse(err, requestId);
  }
});

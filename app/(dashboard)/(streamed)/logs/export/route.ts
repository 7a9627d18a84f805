import { sessionActor } from "@/app/_server/session";
import { ApiError, toErrorResponse } from "@/lib/errors";
import { csvDownload } from "@/lib/http/csv-download";
import { newRequestId } from "@/lib/http/request-id";
import { exportLogsCsv } from "@/lib/logs/export-csv";
import type { ResolvedRange } from "@/lib/logs/query-logs";
import { queryParams } from "@/lib/http/query-params";

/** The filtered request log as a CSV download, streamed; same filters and owner scoping as the logs page. */
export async function GET(req: Request): Promise<Response> {
  const requestId = newRequestId();
  try {
    const actor = await sessionActor();
    if (!actor) throw new ApiError("unauthenticated", "Sign in to export the request log.");
    const { cursor: _cursor, limit: _limit, order: _order, ...filters } = queryParams(req);
    const seen: { range?: ResolvedRange } = {};
    const body = await exportLogsCsv(actor, filters, { onRange: (r) => (seen.range = r) });
    const { from, to, clamped } = seen.range ?? { from: "", to: "", clamped: false };
    // The time range exported, after bounding to the retention window (README: Request log export).
    return csvDownload(body, "logs", requestId, {
      "X-Range-From": from,
      "X-Range-To": to,
      "X-Range-Clamped": String(clamped),
    });
  } catch (err) {
    return toErrorResponse(err, requestId);
  }
}

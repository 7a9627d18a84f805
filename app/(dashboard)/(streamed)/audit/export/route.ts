import { sessionActor } from "@/app/_server/session";
import { ApiError, parseOrThrow, toErrorResponse } from "@/lib/errors";
import { newRequestId } from "@/lib/http/request-id";
import { queryParams } from "@/lib/http/query-params";
import { auditFilterInput } from "@/lib/audit/audit-input";
import { exportAuditCsv } from "@/lib/audit/list-audit";

/** The filtered audit trail as a CSV download; same filters and owner scoping as the audit page. */
export async function GET(req: Request): Promise<Response> {
  const requestId = newRequestId();
  try {
    const actor = await sessionActor();
    if (!actor) throw new ApiError("unauthenticated", "Sign in to export the audit trail.");
    const { cursor: _cursor, limit: _limit, ...filters } = queryParams(req);
    const body = await exportAuditCsv(actor, parseOrThrow(auditFilterInput, filters, "query"));
    const date = new Date().toISOString().slice(0, 10);
    return new Response(body, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="keyward-audit-${date}.csv"`,
        "Cache-Control": "no-store",
        "X-Request-Id": requestId,
      },
    });
  } catch (err) {
    return toErrorResponse(err, requestId);
  }
}

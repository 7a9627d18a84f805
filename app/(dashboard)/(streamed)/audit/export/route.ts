import { sessionActor } from "@/app/_server/session";
import { ApiError, parseOrThrow, toErrorResponse } from "@/lib/errors";
import { csvDownload } from "@/lib/http/csv-download";
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
    return csvDownload(body, "audit", requestId);
  } catch (err) {
    return toErrorResponse(err, requestId);
  }
}

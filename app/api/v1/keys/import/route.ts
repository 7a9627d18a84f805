import { importKeysResponse } from "@/lib/keys/import-endpoint";
import { sessionActor } from "@/app/_server/session";
import { withRequestLog } from "@/lib/http/with-request-log";

export const dynamic = "force-dynamic";

/** Legacy key import (support staff or KEYWARD_OPERATOR_TOKEN): see lib/keys/import-endpoint.ts. */
export const POST = withRequestLog("/api/v1/keys/import", (req, requestId) =>
  importKeysResponse(req, sessionActor, requestId),
);

import { readinessResponse } from "@/lib/ops/ops-endpoints";

export const dynamic = "force-dynamic";

/** Readiness for load balancers: 200 when the database (and every other registered dependency) answers, else 503. */
export function GET() {
  return readinessResponse();
}

import { buildOpenApiDocument } from "@/lib/openapi/build-openapi";

export const dynamic = "force-static";

export function GET() {
  return Response.json(buildOpenApiDocument());
}

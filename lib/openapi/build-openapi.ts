import { z } from "zod";
import { ALL_API_ROUTES, type ApiRoute } from "../api-routes";
import { ERROR_STATUS, type ErrorCode } from "../errors";
import { SCOPE_DESCRIPTIONS, SCOPES } from "../scopes";

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: "input" | "output"): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
};

/** Errors every operation can answer: the guard's, and storage_unavailable (disk full, read-only, stalled). */
const GUARD_ERRORS: ErrorCode[] = [
  "missing_credentials",
  "invalid_credentials",
  "key_revoked",
  "key_expired",
  "ip_not_allowed",
  "insufficient_scope",
  "rate_limited",
  "validation_failed",
  "storage_unavailable",
];

/** Statuses whose answers carry Retry-After (seconds to wait before retrying). */
const RETRY_AFTER_STATUSES = new Set([429, 503]);

function queryParameters(route: ApiRoute) {
  if (!route.query) return [];
  const schema = toSchema(route.query, "input") as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
    allOf?: JsonSchema[];
  };
  const properties: Record<string, JsonSchema> = {
    ...Object.assign({}, ...(schema.allOf ?? []).map((s) => (s as { properties?: object }).properties ?? {})),
    ...(schema.properties ?? {}),
  };
  return Object.entries(properties).map(([name, s]) => ({
    name,
    in: "query",
    required: false,
    schema: s,
    ...(typeof s.description === "string" ? { description: s.description } : {}),
  }));
}

function pathParameters(route: ApiRoute) {
  return [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
}

function operation(route: ApiRoute) {
  const errors = [...new Set<ErrorCode>([...GUARD_ERRORS, ...((route.errors ?? []) as ErrorCode[])])];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errors) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    description: `Requires scope \`${route.scope}\`.${route.auth === "key-or-session" ? " Also accepts a signed-in dashboard session." : ""}`,
    "x-required-scope": route.scope,
    security: [{ apiKeyPair: [route.scope] }, { basicAuth: [route.scope] }],
    parameters: [...pathParameters(route), ...queryParameters(route)],
    ...(route.body
      ? { requestBody: { required: true, content: { "application/json": { schema: toSchema(route.body, "input") } } } }
      : {}),
    responses: {
      [String(route.successStatus ?? 200)]: {
        description: "Success",
        content: { "application/json": { schema: toSchema(route.response, "output") } },
      },
      ...Object.fromEntries(
        [...byStatus].map(([status, codes]) => [
          String(status),
          {
            description: codes.join(", "),
            ...(RETRY_AFTER_STATUSES.has(status)
              ? {
                  headers: {
                    "Retry-After": {
                      description: "Seconds to wait before retrying.",
                      schema: { type: "integer", minimum: 0 },
                    },
                  },
                }
              : {}),
            content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
          },
        ]),
      ),
    },
  };
}

/** The OpenAPI 3.1 document, generated from the route catalog and its zod schemas. */
export function buildOpenApiDocument(serverUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ALL_API_ROUTES) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Keyward partner API",
      version: "1.0.0",
      description:
        "Device buyback marketplace API behind Keyward keys. Authenticate with `X-API-Key` + `X-API-Secret` or HTTP Basic (key id as user, secret as password). Every response carries `X-Request-Id`.",
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    tags: [{ name: "Inventory" }, { name: "Offers" }, { name: "Logs" }, { name: "Keys" }],
    paths,
    components: {
      securitySchemes: {
        apiKeyPair: {
          type: "apiKey",
          in: "header",
          name: "X-API-Key",
          description: "Key id in X-API-Key, together with the secret in X-API-Secret.",
        },
        basicAuth: { type: "http", scheme: "basic", description: "base64(keyId:secret)" },
      },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message", "requestId", "docs"],
              properties: {
                code: { type: "string", enum: Object.keys(ERROR_STATUS) },
                message: { type: "string" },
                requestId: { type: "string" },
                docs: { type: "string" },
                details: { type: "object" },
              },
            },
          },
        },
      },
    },
    "x-scopes": SCOPES.map((scope) => ({ scope, description: SCOPE_DESCRIPTIONS[scope] })),
  };
}

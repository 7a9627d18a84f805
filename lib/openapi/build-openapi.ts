import "server-only";
import { z } from "zod";
import { ALL_API_ROUTES, errorCodesOf, successStatuses, type ApiRoute } from "../api-routes";
import { ERROR_STATUS, type ErrorCode } from "../errors";
import { SCOPE_DESCRIPTIONS, SCOPES } from "../scopes";
import { WEBHOOK_EVENT_TYPES } from "../keys/key-vocabulary";
import { EVENT_DESCRIPTIONS, eventPayloadSchema } from "../webhooks/event-payload";
import { leakReportInput, leakReportResponse, LEAK_REPORT_ERRORS, MAX_SECRETS_PER_REPORT } from "../leaks/report-leaks";

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: "input" | "output"): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: "any",
    override: ({ zodSchema, jsonSchema }) => {
      // Dates travel as ISO 8601 strings (inputs are coerced with z.coerce.date()).
      if (zodSchema._zod.def.type === "date") Object.assign(jsonSchema, { type: "string", format: "date-time" });
      // format: date-time says it all; zod's equivalent regex would only clutter the docs.
      if (jsonSchema.format === "date-time") delete jsonSchema.pattern;
    },
  }) as JsonSchema;
  return rest;
};

/** The properties of an object schema (an intersection's parts merged), for one parameter each. */
function propertiesOf(schema: z.ZodType): { properties: Record<string, JsonSchema>; required: Set<string> } {
  const json = toSchema(schema, "input") as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
    allOf?: JsonSchema[];
  };
  const parts = [json, ...((json.allOf ?? []) as (typeof json)[])];
  return {
    properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})) as Record<string, JsonSchema>,
    required: new Set(parts.flatMap((p) => p.required ?? [])),
  };
}

function parameters(schema: z.ZodType | undefined, where: "path" | "query" | "header") {
  if (!schema) return [];
  const { properties, required } = propertiesOf(schema);
  return Object.entries(properties).map(([name, { description, ...s }]) => ({
    name,
    in: where,
    required: where === "path" || required.has(name),
    schema: s,
    ...(typeof description === "string" ? { description } : {}),
  }));
}

/**
 * The error body (lib/errors.ts errorBody()). details is open: validation_failed puts the field issues there,
 * insufficient_scope the scopes involved.
 */
const errorSchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    requestId: z.string(),
    docs: z.string(),
    details: z
      .looseObject({ issues: z.array(z.object({ field: z.string(), message: z.string() })).optional() })
      .optional(),
  }),
});

const requestIdHeader = { $ref: "#/components/headers/X-Request-Id" };

/** One response per error status, its body the Error schema narrowed to exactly the codes the route can produce. */
function errorResponses(route: ApiRoute) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(route)) {
    byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, codes]) => [
      String(status),
      {
        description: codes.join(", "),
        headers: {
          "X-Request-Id": requestIdHeader,
          ...(status === 429 || status === 503 ? { "Retry-After": { $ref: "#/components/headers/Retry-After" } } : {}),
        },
        content: {
          "application/json": {
            schema: {
              allOf: [
                { $ref: "#/components/schemas/Error" },
                { properties: { error: { properties: { code: { enum: codes } } } } },
              ],
            },
          },
        },
      },
    ]),
  );
}

function operation(route: ApiRoute) {
  const responseSchema = toSchema(route.response, "output");
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    description: `Requires scope \`${route.scope}\`.${route.auth === "key-or-session" ? " Also accepts a signed-in dashboard session." : ""}`,
    "x-required-scope": route.scope,
    security: [{ apiKeyPair: [route.scope] }, { basicAuth: [route.scope] }],
    parameters: [
      ...parameters(route.params, "path"),
      ...parameters(route.query, "query"),
      ...parameters(route.headers, "header"),
    ],
    ...(route.body
      ? {
          requestBody: {
            required: !route.bodyOptional,
            content: { "application/json": { schema: toSchema(route.body, "input") } },
          },
        }
      : {}),
    responses: {
      ...Object.fromEntries(
        successStatuses(route).map((status) => [
          String(status),
          {
            description: "Success",
            headers: { "X-Request-Id": requestIdHeader },
            content: { "application/json": { schema: responseSchema } },
          },
        ]),
      ),
      ...errorResponses(route),
    },
  };
}

/**
 * POST /api/v1/leaks: public (no credentials), so outside the key-guarded catalog, documented by hand from the
 * same schemas the route parses with.
 */
function leakReportOperation() {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of LEAK_REPORT_ERRORS)
    byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  return {
    operationId: "reportLeaks",
    summary: "Report leaked Keyward secrets (for secret scanners; no credentials)",
    tags: ["Keys"],
    description:
      `Up to ${MAX_SECRETS_PER_REPORT} candidate secrets per call. Look-alikes are dropped by their checksum without a ` +
      "database look-up; a live secret's key is revoked at once (or flagged, where its owner chose notify only), " +
      "audited as leak_reported and sent as the key.leaked webhook. The answer is always 202 with the number of " +
      "secrets received: it never says whether any matched. Rate limited per client IP.",
    security: [],
    parameters: [],
    requestBody: { required: true, content: { "application/json": { schema: toSchema(leakReportInput, "input") } } },
    responses: {
      "202": {
        description: "Received",
        headers: { "X-Request-Id": requestIdHeader },
        content: { "application/json": { schema: toSchema(leakReportResponse, "output") } },
      },
      ...Object.fromEntries(
        [...byStatus].map(([status, codes]) => [
          String(status),
          {
            description: codes.join(", "),
            headers: {
              "X-Request-Id": requestIdHeader,
              ...(status === 429 || status === 503
                ? { "Retry-After": { $ref: "#/components/headers/Retry-After" } }
                : {}),
            },
            content: {
              "application/json": {
                schema: {
                  allOf: [
                    { $ref: "#/components/schemas/Error" },
                    { properties: { error: { properties: { code: { enum: codes } } } } },
                  ],
                },
              },
            },
          },
        ]),
      ),
    },
  };
}

/**
 * OpenAPI 3.1's webhooks: what Keyward POSTs to a registered endpoint, one entry per event type, with the Standard
 * Webhooks headers a receiver verifies (lib/webhooks).
 */
function webhooks() {
  const header = (description: string) => ({ required: true, schema: { type: "string" }, description });
  return Object.fromEntries(
    WEBHOOK_EVENT_TYPES.map((type) => [
      type,
      {
        post: {
          operationId: `webhook.${type}`,
          summary: EVENT_DESCRIPTIONS[type],
          tags: ["Webhooks"],
          description:
            "Signed per the Standard Webhooks specification: verify `webhook-signature` over `webhook-id`, " +
            "`webhook-timestamp` and the raw body with the endpoint's `whsec_` secret (e.g. the `standardwebhooks` " +
            "package's `Webhook.verify`). Answer 2xx within 10 s; anything else is retried with exponential " +
            "backoff for up to 24 hours. `webhook-id` stays the same across retries: use it to deduplicate.",
          parameters: [
            { name: "webhook-id", in: "header", ...header("The event's id (msg_…), the same on every retry") },
            { name: "webhook-timestamp", in: "header", ...header("Unix seconds when this attempt was signed") },
            {
              name: "webhook-signature",
              in: "header",
              ...header("Space-separated v1,<base64 HMAC-SHA-256> signatures (two for 24 h after a secret rotation)"),
            },
          ],
          requestBody: {
            required: true,
            content: { "application/json": { schema: toSchema(eventPayloadSchema(type), "output") } },
          },
          responses: { "200": { description: "Any 2xx acknowledges the delivery" } },
        },
      },
    ]),
  );
}

/** The OpenAPI 3.1 document, generated from the route catalog and its zod schemas. */
export function buildOpenApiDocument(serverUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ALL_API_ROUTES) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route);
  }
  paths["/api/v1/leaks"] = { post: leakReportOperation() };
  return {
    openapi: "3.1.0",
    info: {
      title: "Keyward partner API",
      version: "1.0.0",
      description:
        "Device buyback marketplace API behind Keyward keys. Authenticate with `X-API-Key` + `X-API-Secret` or HTTP Basic (key id as user, secret as password). Every response carries `X-Request-Id`.",
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    tags: [
      { name: "Inventory" },
      { name: "Offers" },
      { name: "Logs" },
      { name: "Keys" },
      { name: "Webhooks" },
      { name: "Audit" },
      { name: "Partners" },
    ],
    paths,
    webhooks: webhooks(),
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
      headers: {
        "X-Request-Id": {
          description: "The request's id (also in error bodies and the request log)",
          required: true,
          schema: { type: "string" },
        },
        "Retry-After": {
          description: "Seconds to wait before retrying",
          required: true,
          schema: { type: "string" },
        },
      },
      schemas: { Error: toSchema(errorSchema, "output") },
    },
    "x-scopes": SCOPES.map((scope) => ({ scope, description: SCOPE_DESCRIPTIONS[scope] })),
  };
}

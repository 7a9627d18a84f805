import { z } from "zod";
import type { Scope } from "./scopes";
import { KEY_ENVIRONMENTS, KEY_STATUSES } from "./keys/key-vocabulary";
import { listInventoryQuery, inventoryItemSchema } from "./inventory/inventory-input";
import { createOfferInput, listOffersQuery, offerSchema } from "./offers/offer-input";
import { logPageInput, logEntrySchema } from "./logs/log-query-input";
import { createKeyInput, listKeysQuery, revokeKeyInput, rotateKeyInput, updateKeyInput } from "./keys/key-input";

/**
 * The partner API's routes: the single source for the guard (each route file passes its entry), the scope
 * picker's endpoint view and the OpenAPI document. A route file exports e.g.
 *   export const GET = withApiKey(API_ROUTES.listInventory, handler)
 */
export type ApiRoute = {
  operationId: string;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** OpenAPI-style path; also the route pattern recorded in the request log. */
  path: string;
  scope: Scope;
  /** "key": API key only. "key-or-session": also the signed-in dashboard user (management API). */
  auth: "key" | "key-or-session";
  tag: "Inventory" | "Offers" | "Logs" | "Keys";
  summary: string;
  query?: z.ZodType;
  body?: z.ZodType;
  response: z.ZodType;
  successStatus?: number;
  /** Extra errors beyond the guard's (documented in OpenAPI). */
  errors?: string[];
};

const page = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });

const keyView = z.object({
  keyId: z.string(),
  name: z.string(),
  partner: z.string().nullable(),
  description: z.string().nullable(),
  environment: z.enum(KEY_ENVIRONMENTS),
  scopes: z.array(z.string()),
  ipAllowlist: z.array(z.string()),
  rateLimitPerMinute: z.number().int().nullable(),
  expiresAt: z.string().nullable(),
  status: z.enum(KEY_STATUSES),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokedReason: z.string().nullable(),
  secret: z.object({ lastFour: z.string(), createdAt: z.string() }).nullable(),
  secretsInGrace: z.array(z.object({ lastFour: z.string(), retiresAt: z.string() })),
});
const keyWithSecret = z.object({
  key: keyView,
  secret: z.string().describe("Shown once. Store it now: Keyward keeps only a hash."),
});

export const API_ROUTES = {
  listInventory: {
    operationId: "listInventory",
    method: "GET",
    path: "/api/v1/inventory",
    scope: "inventory:read",
    auth: "key",
    tag: "Inventory",
    summary: "List inventory items (filters, cursor pagination)",
    query: listInventoryQuery,
    response: page(inventoryItemSchema),
  },
  getInventoryItem: {
    operationId: "getInventoryItem",
    method: "GET",
    path: "/api/v1/inventory/{id}",
    scope: "inventory:read",
    auth: "key",
    tag: "Inventory",
    summary: "Get one inventory item",
    response: z.object({ data: inventoryItemSchema }),
    errors: ["not_found"],
  },
  listOffers: {
    operationId: "listOffers",
    method: "GET",
    path: "/api/v1/offers",
    scope: "offers:read",
    auth: "key",
    tag: "Offers",
    summary: "List the offers of the key's owner (test keys see only test offers)",
    query: listOffersQuery,
    response: page(offerSchema),
  },
  getOffer: {
    operationId: "getOffer",
    method: "GET",
    path: "/api/v1/offers/{id}",
    scope: "offers:read",
    auth: "key",
    tag: "Offers",
    summary: "Get one offer",
    response: z.object({ data: offerSchema }),
    errors: ["not_found"],
  },
  createOffer: {
    operationId: "createOffer",
    method: "POST",
    path: "/api/v1/offers",
    scope: "offers:write",
    auth: "key",
    tag: "Offers",
    summary: "Submit a purchase offer (Idempotency-Key header makes retries safe)",
    body: createOfferInput,
    response: z.object({ data: offerSchema }),
    successStatus: 201,
    errors: ["item_unavailable", "idempotency_conflict", "not_found"],
  },
  withdrawOffer: {
    operationId: "withdrawOffer",
    method: "POST",
    path: "/api/v1/offers/{id}/withdraw",
    scope: "offers:write",
    auth: "key",
    tag: "Offers",
    summary: "Withdraw a pending offer",
    response: z.object({ data: offerSchema }),
    errors: ["not_found", "conflict"],
  },
  listLogs: {
    operationId: "listLogs",
    method: "GET",
    path: "/api/v1/logs",
    scope: "logs:read",
    auth: "key",
    tag: "Logs",
    summary: "Read the key owner's request log (same filters as the dashboard; keyset pagination)",
    query: logPageInput,
    response: page(logEntrySchema),
  },
  listKeys: {
    operationId: "listKeys",
    method: "GET",
    path: "/api/v1/keys",
    scope: "keys:read",
    auth: "key-or-session",
    tag: "Keys",
    summary: "List API keys",
    query: listKeysQuery,
    response: page(keyView),
  },
  createKey: {
    operationId: "createKey",
    method: "POST",
    path: "/api/v1/keys",
    scope: "keys:write",
    auth: "key-or-session",
    tag: "Keys",
    summary: "Create an API key pair (the secret is returned once)",
    body: createKeyInput,
    response: keyWithSecret,
    successStatus: 201,
  },
  getKey: {
    operationId: "getKey",
    method: "GET",
    path: "/api/v1/keys/{keyId}",
    scope: "keys:read",
    auth: "key-or-session",
    tag: "Keys",
    summary: "Get one API key (never its secret)",
    response: z.object({ data: keyView }),
    errors: ["not_found"],
  },
  updateKey: {
    operationId: "updateKey",
    method: "PATCH",
    path: "/api/v1/keys/{keyId}",
    scope: "keys:write",
    auth: "key-or-session",
    tag: "Keys",
    summary: "Change a key's name, partner, description, scopes, expiry, IP allowlist or rate limit",
    body: updateKeyInput,
    response: z.object({ data: keyView }),
    errors: ["not_found", "conflict"],
  },
  rotateKey: {
    operationId: "rotateKey",
    method: "POST",
    path: "/api/v1/keys/{keyId}/rotate",
    scope: "keys:write",
    auth: "key-or-session",
    tag: "Keys",
    summary: "Issue a new secret; the old one keeps working for graceSeconds",
    body: rotateKeyInput,
    response: keyWithSecret,
    errors: ["not_found", "conflict"],
  },
  revokeKey: {
    operationId: "revokeKey",
    method: "POST",
    path: "/api/v1/keys/{keyId}/revoke",
    scope: "keys:write",
    auth: "key-or-session",
    tag: "Keys",
    summary: "Revoke a key for good (takes effect on the next request)",
    body: revokeKeyInput,
    response: z.object({ data: keyView }),
    errors: ["not_found", "conflict"],
  },
} as const satisfies Record<string, ApiRoute>;

export type ApiRouteName = keyof typeof API_ROUTES;

export const ALL_API_ROUTES: readonly ApiRoute[] = Object.values(API_ROUTES);

/** The endpoints a scope set allows (the scope picker's advanced view). */
export function endpointsForScopes(
  scopes: readonly string[],
): Pick<ApiRoute, "method" | "path" | "scope" | "summary">[] {
  const set = new Set(scopes);
  return ALL_API_ROUTES.filter((r) => set.has(r.scope)).map(({ method, path, scope, summary }) => ({
    method,
    path,
    scope,
    summary,
  }));
}

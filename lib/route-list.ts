import type { Scope } from "./scopes";

/**
 * The partner API's routes as plain data: what the dashboard may show (method, path, scope, summary) and what
 * the contract in lib/api-routes.ts builds on. Client-safe on purpose: no zod, no server code, so the scope
 * picker can import it without pulling every input schema into the browser. lib/api-routes.ts attaches the
 * schemas to exactly these entries (its type refuses a route missing here or a contract for a route not here).
 */
export type RouteInfo = {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** OpenAPI-style path; also the route pattern recorded in the request log. */
  path: string;
  scope: Scope;
  /** "key": API key only. "key-or-session": also the signed-in dashboard user (management API). */
  auth: "key" | "key-or-session";
  tag: "Inventory" | "Offers" | "Logs" | "Keys" | "Webhooks" | "Audit" | "Partners";
  summary: string;
};

export const ROUTE_LIST = {
  listInventory: {
    method: "GET",
    path: "/api/v1/inventory",
    scope: "inventory:read",
    auth: "key",
    tag: "Inventory",
    summary: "List inventory items (filters, cursor pagination)",
  },
  getInventoryItem: {
    method: "GET",
    path: "/api/v1/inventory/{id}",
    scope: "inventory:read",
    auth: "key",
    tag: "Inventory",
    summary: "Get one inventory item",
  },
  listOffers: {
    method: "GET",
    path: "/api/v1/offers",
    scope: "offers:read",
    auth: "key",
    tag: "Offers",
    summary: "List the offers of the key's owner (test keys see only test offers)",
  },
  getOffer: {
    method: "GET",
    path: "/api/v1/offers/{id}",
    scope: "offers:read",
    auth: "key",
    tag: "Offers",
    summary: "Get one offer",
  },
  createOffer: {
    method: "POST",
    path: "/api/v1/offers",
    scope: "offers:write",
    auth: "key",
    tag: "Offers",
    summary: "Submit a purchase offer (Idempotency-Key header makes retries safe)",
  },
  withdrawOffer: {
    method: "POST",
    path: "/api/v1/offers/{id}/withdraw",
    scope: "offers:write",
    auth: "key",
    tag: "Offers",
    summary: "Withdraw a pending offer",
  },
  listLogs: {
    method: "GET",
    path: "/api/v1/logs",
    scope: "logs:read",
    auth: "key",
    tag: "Logs",
    summary: "Read the key owner's request log (same filters as the dashboard; keyset pagination)",
  },
  listKeys: {
    method: "GET",
    path: "/api/v1/keys",
    scope: "keys:read",
    auth: "key-or-session",
    tag: "Keys",
    summary: "List API keys",
  },
  createKey: {
    method: "POST",
    path: "/api/v1/keys",
    scope: "keys:write",
    auth: "key-or-session",
    tag: "Keys",
    summary: "Create an API key pair (the secret is returned once)",
  },
  getKey: {
    method: "GET",
    path: "/api/v1/keys/{keyId}",
    scope: "keys:read",
    auth: "key-or-session",
    tag: "Keys",
    summary: "Get one API key (never its secret)",
  },
  updateKey: {
    method: "PATCH",
    path: "/api/v1/keys/{keyId}",
    scope: "keys:write",
    auth: "key-or-session",
    tag: "Keys",
    summary: "Change a key's name, partner, description, scopes, expiry, IP allowlist or rate limit",
  },
  rotateKey: {
    method: "POST",
    path: "/api/v1/keys/{keyId}/rotate",
    scope: "keys:write",
    auth: "key-or-session",
    tag: "Keys",
    summary: "Issue a new secret; the old one keeps working for graceSeconds",
  },
  endGrace: {
    method: "POST",
    path: "/api/v1/keys/{keyId}/end-grace",
    scope: "keys:write",
    auth: "key-or-session",
    tag: "Keys",
    summary: "Retire the previous secret now instead of at the end of its grace period",
  },
  revokeKey: {
    method: "POST",
    path: "/api/v1/keys/{keyId}/revoke",
    scope: "keys:write",
    auth: "key-or-session",
    tag: "Keys",
    summary: "Revoke a key for good (takes effect on the next request)",
  },
  suspendKey: {
    method: "POST",
    path: "/api/v1/keys/{keyId}/suspend",
    scope: "keys:write",
    auth: "key-or-session",
    tag: "Keys",
    summary: "Suspend a key: refused with key_suspended from the next request until resumed",
  },
  resumeKey: {
    method: "POST",
    path: "/api/v1/keys/{keyId}/resume",
    scope: "keys:write",
    auth: "key-or-session",
    tag: "Keys",
    summary: "Resume a suspended key",
  },
  listAudit: {
    method: "GET",
    path: "/api/v1/audit",
    scope: "keys:read",
    auth: "key-or-session",
    tag: "Audit",
    summary: "The audit trail of the owner's keys (filter by key, actor, event; keyset pagination)",
  },
  listWebhooks: {
    method: "GET",
    path: "/api/v1/webhooks",
    scope: "keys:read",
    auth: "key-or-session",
    tag: "Webhooks",
    summary: "List webhook endpoints (never their secrets)",
  },
  createWebhook: {
    method: "POST",
    path: "/api/v1/webhooks",
    scope: "keys:write",
    auth: "key-or-session",
    tag: "Webhooks",
    summary: "Register a webhook endpoint for key events (its signing secret is returned once)",
  },
  getWebhook: {
    method: "GET",
    path: "/api/v1/webhooks/{id}",
    scope: "keys:read",
    auth: "key-or-session",
    tag: "Webhooks",
    summary: "Get one webhook endpoint with its latest deliveries and their attempts",
  },
  updateWebhook: {
    method: "PATCH",
    path: "/api/v1/webhooks/{id}",
    scope: "keys:write",
    auth: "key-or-session",
    tag: "Webhooks",
    summary: "Change a webhook endpoint's URL, description or events",
  },
  deleteWebhook: {
    method: "DELETE",
    path: "/api/v1/webhooks/{id}",
    scope: "keys:write",
    auth: "key-or-session",
    tag: "Webhooks",
    summary: "Delete a webhook endpoint (pending deliveries are dropped)",
  },
  rotateWebhookSecret: {
    method: "POST",
    path: "/api/v1/webhooks/{id}/rotate-secret",
    scope: "keys:write",
    auth: "key-or-session",
    tag: "Webhooks",
    summary: "Issue a new signing secret (returned once); the old one also signs for 24 hours",
  },
  redeliverWebhook: {
    method: "POST",
    path: "/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver",
    scope: "keys:write",
    auth: "key-or-session",
    tag: "Webhooks",
    summary: "Send a delivery again now (a new attempt; the event id stays the same)",
  },
  listPartners: {
    method: "GET",
    path: "/api/v1/partners",
    scope: "keys:read",
    auth: "key-or-session",
    tag: "Partners",
    summary: "List partners with their keys' usage (last request, requests and error rate over 7 days, scopes)",
  },
  createPartner: {
    method: "POST",
    path: "/api/v1/partners",
    scope: "keys:write",
    auth: "key-or-session",
    tag: "Partners",
    summary: "Create a partner (name unique per owner, contact email, notes)",
  },
  getPartner: {
    method: "GET",
    path: "/api/v1/partners/{id}",
    scope: "keys:read",
    auth: "key-or-session",
    tag: "Partners",
    summary: "Get one partner with its keys' usage",
  },
  updatePartner: {
    method: "PATCH",
    path: "/api/v1/partners/{id}",
    scope: "keys:write",
    auth: "key-or-session",
    tag: "Partners",
    summary: "Rename a partner or change its contact email and notes",
  },
} as const satisfies Record<string, RouteInfo>;

export type RouteName = keyof typeof ROUTE_LIST;

/**
 * The API routes outside the catalog, because no API key calls them: the document itself; the public leak report
 * (secret scanners report without credentials; lib/leaks); the operator's legacy import (KEYWARD_OPERATOR_TOKEN or
 * a support session; README: Legacy import).
 */
export const UNGUARDED_API_ROUTES = [
  { method: "GET", path: "/api/v1/openapi.json" },
  { method: "POST", path: "/api/v1/leaks" },
  { method: "POST", path: "/api/v1/keys/import" },
] as const;

export type Endpoint = Pick<RouteInfo, "method" | "path" | "scope" | "summary">;

/** The endpoints a scope set allows (the scope picker's advanced view). */
export function endpointsForScopes(scopes: readonly string[]): Endpoint[] {
  const set = new Set(scopes);
  return Object.values<RouteInfo>(ROUTE_LIST)
    .filter((r) => set.has(r.scope))
    .map(({ method, path, scope, summary }) => ({ method, path, scope, summary }));
}

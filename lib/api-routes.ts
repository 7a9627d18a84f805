import "server-only";
import { z } from "zod";
import type { ErrorCode } from "./errors";
import { ROUTE_LIST, type RouteInfo, type RouteName } from "./route-list";
import { guardErrorCodes } from "./auth/guard-errors";
import { listInventoryQuery, inventoryItemSchema } from "./inventory/inventory-input";
import { createOfferInput, idempotencyKeyHeader, listOffersQuery, offerSchema } from "./offers/offer-input";
import { logPageInput, logPageSchema } from "./logs/log-query-input";
import {
  createKeyInput,
  listKeysQuery,
  resumeKeyInput,
  revokeKeyInput,
  rotateKeyInput,
  suspendKeyInput,
  updateKeyInput,
} from "./keys/key-input";
import {
  createWebhookInput,
  updateWebhookInput,
  webhookDeliverySchema,
  webhookDetailSchema,
  webhookSchema,
} from "./webhooks/webhook-input";
import { keyViewSchema } from "./keys/key-view";
import { auditPageInput, auditPageSchema } from "./audit/audit-input";
import { createPartnerInput, listPartnersQuery, partnerViewSchema, updatePartnerInput } from "./partners/partner-input";

/**
 * The partner API's contract: each route of lib/route-list.ts with the schemas the guard parses its input with
 * (path params, query, headers, body) and the response its handler must return. The same entries feed the
 * OpenAPI document, so what is documented is what is enforced. A route file exports e.g.
 *   export const GET = withApiKey(API_ROUTES.listInventory, async (_req, { query }) => listInventory(query))
 */

export type SuccessStatus = 200 | 201;

/** The `{placeholder}` names in a path template: "/api/v1/keys/{keyId}/rotate" -> "keyId". */
type PathParamName<P extends string> = P extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PathParamName<Rest>
  : never;

/** Named request headers the route reads (exact header spelling as documented); absent ones are undefined. */
type HeaderSchema = z.ZodObject<Record<string, z.ZodType<string | undefined, string | undefined>>>;

type ContractFields = {
  query?: z.ZodType;
  headers?: HeaderSchema;
  body?: z.ZodType;
  /** An empty body counts as {} (the schema's defaults apply). */
  bodyOptional?: true;
  response: z.ZodType;
  /** Documented success statuses; the first is the usual one. Default [200]. */
  success?: readonly [SuccessStatus, ...SuccessStatus[]];
  /**
   * Errors the route's own work can raise. The guard's (credentials, scope, rate limit, validation, body
   * size...) are derived from the route's shape by guardErrorCodes and must not be repeated here.
   */
  errors?: readonly ErrorCode[];
};

/**
 * Path params are required exactly when the path has placeholders. Their schemas accept any string: an id
 * that does not exist, however malformed, is not_found (404), never a validation error.
 */
type ParamsField<P extends string> = [PathParamName<P>] extends [never]
  ? { params?: undefined }
  : { params: z.ZodType<Record<PathParamName<P>, string>, Record<PathParamName<P>, string>> };

type RouteContract<P extends string> = ContractFields & ParamsField<P>;

export type ApiRoute = RouteInfo &
  ContractFields & {
    operationId: RouteName;
    params?: z.ZodType<Record<string, string>, Record<string, string>>;
  };

function defineRoute<N extends RouteName, const C extends RouteContract<(typeof ROUTE_LIST)[N]["path"]>>(
  name: N,
  contract: C,
): (typeof ROUTE_LIST)[N] & { operationId: N } & C {
  return { operationId: name, ...ROUTE_LIST[name], ...contract };
}

const page = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    nextCursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last page"),
  });

const idParam = (what: string) => z.strictObject({ id: z.string().describe(`The ${what}'s id`) });
const keyIdParam = z.strictObject({ keyId: z.string().describe("The key id (kw_live_… or kw_test_…)") });

const keyWithSecret = z.object({
  key: keyViewSchema,
  secret: z.string().describe("Shown once. Store it now: Keyward keeps only a hash."),
});

const webhookWithSecret = z.object({
  data: webhookSchema,
  secret: z
    .string()
    .describe("The signing secret (whsec_…), shown once: verify deliveries with it (Standard Webhooks)."),
});

export const API_ROUTES = {
  listInventory: defineRoute("listInventory", {
    query: listInventoryQuery,
    response: page(inventoryItemSchema),
  }),
  getInventoryItem: defineRoute("getInventoryItem", {
    params: idParam("inventory item"),
    response: z.object({ data: inventoryItemSchema }),
    errors: ["not_found"],
  }),
  listOffers: defineRoute("listOffers", {
    query: listOffersQuery,
    response: page(offerSchema),
  }),
  getOffer: defineRoute("getOffer", {
    params: idParam("offer"),
    response: z.object({ data: offerSchema }),
    errors: ["not_found"],
  }),
  createOffer: defineRoute("createOffer", {
    headers: z.object({
      "Idempotency-Key": idempotencyKeyHeader
        .optional()
        .describe("Makes retries safe: a retry with the same key and body returns the first offer (200)"),
    }),
    body: createOfferInput,
    response: z.object({ data: offerSchema }),
    // 200: a retry with the same Idempotency-Key and body replays the offer first created.
    success: [201, 200],
    errors: ["not_found", "item_unavailable", "idempotency_conflict"],
  }),
  withdrawOffer: defineRoute("withdrawOffer", {
    params: idParam("offer"),
    response: z.object({ data: offerSchema }),
    errors: ["not_found", "conflict"],
  }),
  listLogs: defineRoute("listLogs", {
    query: logPageInput,
    response: logPageSchema,
  }),
  listKeys: defineRoute("listKeys", {
    query: listKeysQuery,
    response: page(keyViewSchema),
  }),
  createKey: defineRoute("createKey", {
    body: createKeyInput,
    response: keyWithSecret,
    success: [201],
    // not_found: a partnerId that is not one of the owner's partners.
    errors: ["not_found"],
  }),
  getKey: defineRoute("getKey", {
    params: keyIdParam,
    response: z.object({ data: keyViewSchema }),
    errors: ["not_found"],
  }),
  updateKey: defineRoute("updateKey", {
    params: keyIdParam,
    body: updateKeyInput,
    response: z.object({ data: keyViewSchema }),
    // forbidden: support staff may read and revoke another user's key, not change it.
    errors: ["not_found", "conflict", "forbidden"],
  }),
  rotateKey: defineRoute("rotateKey", {
    params: keyIdParam,
    body: rotateKeyInput,
    bodyOptional: true,
    response: keyWithSecret,
    errors: ["not_found", "conflict", "forbidden"],
  }),
  endGrace: defineRoute("endGrace", {
    params: keyIdParam,
    response: z.object({ data: keyViewSchema }),
    // conflict: the key is revoked, or has no secret in a grace period. forbidden: support on another's key.
    errors: ["not_found", "conflict", "forbidden"],
  }),
  revokeKey: defineRoute("revokeKey", {
    params: keyIdParam,
    body: revokeKeyInput,
    response: z.object({ data: keyViewSchema }),
    errors: ["not_found", "conflict"],
  }),
  suspendKey: defineRoute("suspendKey", {
    params: keyIdParam,
    body: suspendKeyInput,
    response: z.object({ data: keyViewSchema }),
    errors: ["not_found", "conflict", "forbidden"],
  }),
  resumeKey: defineRoute("resumeKey", {
    params: keyIdParam,
    body: resumeKeyInput,
    bodyOptional: true,
    response: z.object({ data: keyViewSchema }),
    errors: ["not_found", "conflict", "forbidden"],
  }),
  listAudit: defineRoute("listAudit", {
    query: auditPageInput,
    response: auditPageSchema,
  }),
  listWebhooks: defineRoute("listWebhooks", {
    response: z.object({ data: z.array(webhookSchema) }),
  }),
  createWebhook: defineRoute("createWebhook", {
    body: createWebhookInput,
    response: webhookWithSecret,
    success: [201],
    errors: ["conflict"],
  }),
  getWebhook: defineRoute("getWebhook", {
    params: idParam("webhook endpoint"),
    response: z.object({ data: webhookDetailSchema }),
    errors: ["not_found"],
  }),
  updateWebhook: defineRoute("updateWebhook", {
    params: idParam("webhook endpoint"),
    body: updateWebhookInput,
    response: z.object({ data: webhookSchema }),
    errors: ["not_found"],
  }),
  deleteWebhook: defineRoute("deleteWebhook", {
    params: idParam("webhook endpoint"),
    response: z.object({ data: z.object({ id: z.string(), deleted: z.literal(true) }) }),
    errors: ["not_found"],
  }),
  rotateWebhookSecret: defineRoute("rotateWebhookSecret", {
    params: idParam("webhook endpoint"),
    response: webhookWithSecret,
    errors: ["not_found"],
  }),
  redeliverWebhook: defineRoute("redeliverWebhook", {
    params: z.strictObject({
      id: z.string().describe("The webhook endpoint's id"),
      deliveryId: z.string().describe("The delivery's id"),
    }),
    response: z.object({ data: webhookDeliverySchema }),
    errors: ["not_found"],
  }),
  listPartners: defineRoute("listPartners", {
    query: listPartnersQuery,
    response: page(partnerViewSchema),
  }),
  createPartner: defineRoute("createPartner", {
    body: createPartnerInput,
    response: z.object({ data: partnerViewSchema }),
    success: [201],
    // conflict: the owner already has a partner of that name.
    errors: ["conflict"],
  }),
  getPartner: defineRoute("getPartner", {
    params: idParam("partner"),
    response: z.object({ data: partnerViewSchema }),
    errors: ["not_found"],
  }),
  updatePartner: defineRoute("updatePartner", {
    params: idParam("partner"),
    body: updatePartnerInput,
    response: z.object({ data: partnerViewSchema }),
    errors: ["not_found", "conflict", "forbidden"],
  }),
} satisfies { [N in RouteName]: ApiRoute & { operationId: N } };

export const ALL_API_ROUTES: readonly ApiRoute[] = Object.values(API_ROUTES);

/** The statuses a route answers with on success (the first is the usual one). */
export function successStatuses(route: ApiRoute): readonly SuccessStatus[] {
  return route.success ?? [200];
}

/** Every error code a route can answer with: the guard's (derived from its shape) and its own. */
export function errorCodesOf(route: ApiRoute): ErrorCode[] {
  return [...new Set<ErrorCode>([...guardErrorCodes(route), ...(route.errors ?? [])])];
}

/** What a handler of the route returns as the JSON body: the response schema's type, nothing else. */
export type ResponseBody<R extends ApiRoute> = z.output<R["response"]>;
export type RouteSuccessStatus<R extends ApiRoute> = R extends { success: readonly (infer S)[] } ? S : 200;

type KeysOfUnion<T> = T extends unknown ? keyof T : never;
type FieldOf<Shape, K> = Shape extends unknown ? (K extends keyof Shape ? Shape[K] : never) : never;
type ItemPath<P extends string> = P extends `${infer Head}.` ? `${Head}[].` : "[].";

/**
 * The paths of fields in T that Shape does not have ("data.updatedAt", "data[].extra"); never when T has only
 * documented fields. Lets the guard's types refuse a handler whose answer carries an undocumented field.
 */
export type UndocumentedFields<T, Shape, Path extends string = ""> = T extends readonly (infer Item)[]
  ? Shape extends readonly (infer ShapeItem)[]
    ? UndocumentedFields<Item, ShapeItem, ItemPath<Path>>
    : never
  : T extends object
    ? Shape extends object
      ? | `${Path}${Exclude<keyof T, KeysOfUnion<Shape>> & string}`
        | {
            [K in keyof T & KeysOfUnion<Shape> & string]: UndocumentedFields<T[K], FieldOf<Shape, K>, `${Path}${K}.`>;
          }[keyof T & KeysOfUnion<Shape> & string]
      : never
    : never;

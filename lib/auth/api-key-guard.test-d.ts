/**
 * Type-level tests of the contract between the route catalog and its handlers. Nothing here runs: `npm run
 * typecheck` (tsc --noEmit) fails as soon as one of the @ts-expect-error lines below stops being an error, that
 * is, as soon as a handler could answer with a shape the OpenAPI document does not describe.
 */
import { API_ROUTES } from "../api-routes";
import type { KeyView } from "../keys/key-view";
import type { OfferView } from "../offers/offer-input";
import { reply, withApiKey } from "./api-key-guard";

declare const view: KeyView;
declare const offer: OfferView;
declare const withHash: KeyView & { secretHash: string };

// The documented shapes compile: a body, or reply() with a documented success status.
withApiKey(API_ROUTES.getKey, async () => ({ data: view }));
withApiKey(API_ROUTES.listKeys, async () => ({ data: [view], nextCursor: null }));
withApiKey(API_ROUTES.createOffer, async () => reply({ data: offer }, { status: 200 }));
withApiKey(API_ROUTES.createOffer, async () => reply({ data: offer }, { status: 201 }));

// @ts-expect-error an undocumented field in the answer
withApiKey(API_ROUTES.getKey, async () => ({ data: { ...view, internalId: "k_1" } }));

// @ts-expect-error an undocumented field carried by a wider type (plain structural typing would let it pass)
withApiKey(API_ROUTES.getKey, async () => ({ data: withHash }));

// @ts-expect-error the same, nested in a page's items
withApiKey(API_ROUTES.listKeys, async () => ({ data: [withHash], nextCursor: null }));

// @ts-expect-error a documented field missing
withApiKey(API_ROUTES.listKeys, async () => ({ data: [view] }));

// @ts-expect-error a value outside the documented enum
withApiKey(API_ROUTES.getKey, async () => ({ data: { ...view, status: "deleted" } }));

// @ts-expect-error a raw Response bypasses the contract: the guard writes the response
withApiKey(API_ROUTES.getKey, async () => Response.json({ data: view }));

// @ts-expect-error a success status the route does not document
withApiKey(API_ROUTES.getKey, async () => reply({ data: view }, { status: 201 }));

// @ts-expect-error reply() does not open a way around the body's shape either
withApiKey(API_ROUTES.createOffer, async () => reply({ data: { ...offer, fee: 1 } }, { status: 201 }));

// The handler's input is what the catalog parsed, typed.
withApiKey(API_ROUTES.rotateKey, async (_req, { params, body }) => {
  const keyId: string = params.keyId;
  const grace: number = body.graceSeconds;
  void [keyId, grace];
  return { key: view, secret: "kwsec_live_x" };
});
withApiKey(API_ROUTES.listInventory, async (_req, { actor, query, body }) => {
  // A key-only route always has a key actor.
  const keyId: string = actor.keyId;
  const limit: number = query.limit;
  const none: undefined = body;
  void [keyId, limit, none];
  return { data: [], nextCursor: null };
});
withApiKey(API_ROUTES.listKeys, async (_req, { actor }) => {
  // @ts-expect-error a key-or-session route may be called by a signed-in user, who has no key id
  void actor.keyId;
  return { data: [], nextCursor: null };
});
withApiKey(API_ROUTES.getKey, async (_req, { query }) => {
  // @ts-expect-error a route without a query schema gets no query
  void query.limit;
  return { data: view };
});

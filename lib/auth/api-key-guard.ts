import "server-only";
import { performance } from "node:perf_hooks";
import type { z } from "zod";
import {
  successStatuses,
  type ApiRoute,
  type ResponseBody,
  type RouteSuccessStatus,
  type SuccessStatus,
  type UndocumentedFields,
} from "../api-routes";
import { ApiError, parseOrThrow, toApiError, toErrorResponse } from "../errors";
import { newRequestId } from "../http/request-id";
import { queryParams } from "../http/query-params";
import { readJsonBody } from "../http/read-json";
import { clientIp } from "../http/client-ip";
import { checkSameOrigin, CROSS_SITE_MESSAGE, isStateChanging } from "../http/same-origin";
import { isWellFormedKeyId, isWellFormedSecret } from "../keys/key-format";
import { hashSecret, hashesEqual } from "../keys/secret-hash";
import { isLegacyKeyId, isPlausibleLegacySecret, sha256Hex } from "../keys/legacy-credentials";
import { upgradeLegacySecretHash } from "../keys/upgrade-legacy-secret";
import type { CachedKey } from "../keys/key-cache";
import { rateLimitedError, rateLimitHeaders } from "../rate-limit/rate-limiter";
import { services } from "../services";
import type { KeyStateAtRequest, LogEntry } from "../logs/log-entry";
import { redactOptional, redactSecrets } from "../security/redact-secrets";
import { refusalDetail } from "../logs/refusal-detail";
import type { Actor } from "./actor";
import { throttleFailedAuth } from "./failed-auth-throttle";
import { looksLikeSecret, readCredentials, SECRET_AS_KEY_ID_HINT } from "./credentials";

export type KeyActor = Extract<Actor, { kind: "key" }>;

/** The parsed value of one of the route's input schemas; undefined when the route declares none. */
type Parsed<R, Field extends "params" | "query" | "headers" | "body"> = R extends {
  [F in Field]: infer S extends z.ZodType;
}
  ? z.output<S>
  : undefined;

/** What a handler receives: who is calling, and its input already parsed with the route's catalog schemas. */
export type GuardedContext<R extends ApiRoute = ApiRoute> = {
  requestId: string;
  /** Key-only routes always have a key actor; key-or-session routes may have a signed-in dashboard user. */
  actor: R["auth"] extends "key" ? KeyActor : Actor;
  /** The verified key; null when a signed-in dashboard user called a key-or-session route. */
  key: R["auth"] extends "key" ? CachedKey : CachedKey | null;
  params: Parsed<R, "params">;
  query: Parsed<R, "query">;
  headers: Parsed<R, "headers">;
  body: Parsed<R, "body">;
};

const REPLY: unique symbol = Symbol("keyward.reply");

/** A response body with a status other than the route's usual one, or extra headers. */
export type Reply<Body, Status extends SuccessStatus> = {
  readonly [REPLY]: true;
  body: Body;
  status: Status;
  headers?: Record<string, string>;
};

export function reply<Body, Status extends SuccessStatus>(
  body: Body,
  init: { status: Status; headers?: Record<string, string> },
): Reply<Body, Status> {
  return { [REPLY]: true, body, ...init };
}

function isReply(value: unknown): value is Reply<unknown, SuccessStatus> {
  return typeof value === "object" && value !== null && REPLY in value;
}

/**
 * What a handler may return: the route's documented response body (answered with its usual status), or a
 * reply() with another documented success status. Never a Response: the guard writes it.
 */
export type HandlerResult<R extends ApiRoute> = ResponseBody<R> | Reply<ResponseBody<R>, RouteSuccessStatus<R>>;

export type GuardedHandler<R extends ApiRoute, Result = HandlerResult<R>> = (
  req: Request,
  ctx: GuardedContext<R>,
) => Promise<Result>;

type BodyOf<Result> = Result extends Reply<infer Body, SuccessStatus> ? Body : Result;

/**
 * Structural typing lets a value with more fields than the response type through; the document (and strict
 * generated clients) would not. This turns any such field into a type error that names it.
 */
type OnlyDocumentedFields<Result, R extends ApiRoute> = [UndocumentedFields<BodyOf<Result>, ResponseBody<R>>] extends [
  never,
]
  ? unknown
  : { "undocumented response field": UndocumentedFields<BodyOf<Result>, ResponseBody<R>> };

type NextContext = { params: Promise<Record<string, string | string[] | undefined>> };

export type GuardOptions = {
  /** For key-or-session routes: the signed-in dashboard user when no key credentials were sent. */
  sessionActor?: () => Promise<Extract<Actor, { kind: "user" }> | null>;
};

type SecretMatch = KeyStateAtRequest["secret"];

/**
/**
 * Which kind of key id this is: Keyward's own (kw_…), or a legacy one imported from the previous scheme (the
 * old platform's shapes, lib/keys/legacy-credentials.ts). Anything else never reaches the cache or the database.
 */
function keyIdShape(keyId: string): "keyward" | "legacy" | null {
  if (isWellFormedKeyId(keyId)) return "keyward";
  if (isLegacyKeyId(keyId)) return "legacy";
  return null;
}

/**
 * Find the key and compare the secret (current, or a rotated-out one still in grace) in constant time. The key
 * comes back even when the secret is wrong, so the refusal is logged under the key and its owner (the key id
 * is the owner's own; the secret is never stored); `match` says which secret, if any, was presented. A legacy
 * key imported with only the SHA-256 of its secret is compared on HMAC(pepper, sha256(secret)), and its stored
 * hash is upgraded to the normal HMAC(pepper, secret) on that first success. An id of the legacy shape that
 * names no legacy key is refused without attribution (it may be a pasted secret: never logged).
 */
async function identifyPair(
  keyId: string,
  secret: string,
  now: number,
  known: { legacyKeyId: string | null },
): Promise<{ key: CachedKey | null; match: SecretMatch }> {
  // A malformed key id never reaches the database; the answer is the same as a wrong secret.
  if (looksLikeSecret(keyId)) throw new ApiError("invalid_credentials", SECRET_AS_KEY_ID_HINT);
  const shape = keyIdShape(keyId);
  if (!shape) throw invalidCredentials();
  if (shape === "legacy" && !isPlausibleLegacySecret(secret)) throw invalidCredentials();
  const key = await services().keyCache.get(keyId);
  if (shape === "legacy") {
    if (!key || !key.legacy) throw invalidCredentials();
    // The id names a real legacy key: the log may keep it.
    known.legacyKeyId = key.keyId;
  }
  if (!key || (shape === "keyward" && !isWellFormedSecret(secret))) return { key, match: "wrong" };
  const presented = hashSecret(secret);
  const presentedSha = key.secrets.some((s) => s.kind === "sha256") ? hashSecret(sha256Hex(secret)) : null;
  let match: SecretMatch = "wrong";
  let accepted: CachedKey["secrets"][number] | null = null;
  for (const s of key.secrets) {
    const live = s.retiresAtMs === null || s.retiresAtMs > now;
    if (hashesEqual(s.kind === "sha256" ? (presentedSha ?? "") : presented, s.hash)) {
      match = !live ? "retired" : s.retiresAtMs === null ? "current" : "previous";
      if (live) accepted = s;
    }
  }
  if (match === "wrong" && key.retiredHashes.some((h) => hashesEqual(presented, h))) match = "retired";
  if (accepted?.kind === "sha256") await upgradeLegacySecretHash(key.keyId, accepted.hash, secret);
  return { key, match };
}

function keyStateAt(key: CachedKey, match: SecretMatch | null, now: number): KeyStateAtRequest {
  const expired = key.status === "expired" || (key.expiresAtMs !== null && key.expiresAtMs <= now);
  return {
    status: key.status === "revoked" ? "revoked" : expired ? "expired" : "active",
    inGrace: key.secrets.some((s) => s.retiresAtMs !== null && s.retiresAtMs > now),
    secret: match ?? "wrong",
  };
}

/**
 * What the log may keep of the key id a caller presented: a well-formed key id, or nothing. Whatever else
 * sits in the key id position (a swapped secret is a common mistake) must never reach the log.
 */
export function loggableKeyId(presented: string | null | undefined): string | null {
  return presented && isWellFormedKeyId(presented) ? presented : null;
}

const invalidCredentials = () =>
  new ApiError("invalid_credentials", "The API key id or secret is wrong. Check both values, or create a new key.");

function checkKeyState(key: CachedKey, ip: string | null, route: ApiRoute, now: number): void {
  if (key.status === "revoked")
    throw new ApiError("key_revoked", `API key ${key.keyId} has been revoked. Use another key.`);
  if (key.status === "expired" || (key.expiresAtMs !== null && key.expiresAtMs <= now)) {
    throw new ApiError("key_expired", `API key ${key.keyId} has expired. Extend its expiry or use another key.`);
  }
  if (key.status === "suspended") {
    throw new ApiError("key_suspended", `API key ${key.keyId} is suspended. Its owner can resume it.`);
  }
  if (!key.isIpAllowed(ip)) {
    throw new ApiError(
      "ip_not_allowed",
      `Requests from ${ip ?? "an unknown address"} are not allowed for API key ${key.keyId}.`,
    );
  }
  if (!key.scopes.has(route.scope)) {
    throw new ApiError(
      "insufficient_scope",
      `This key lacks the ${route.scope} scope needed for ${route.method} ${route.path}.`,
      {
        details: { requiredScope: route.scope, grantedScopes: key.scopeList },
      },
    );
  }
}

function keyActor(key: CachedKey, ip: string | null): KeyActor {
  return {
    kind: "key",
    apiKeyId: key.apiKeyId,
    keyId: key.keyId,
    ownerId: key.ownerId,
    scopes: key.scopeList,
    environment: key.environment,
    ip,
  };
}

async function resolveParams(ctx: NextContext | undefined): Promise<Record<string, string>> {
  const raw = ctx?.params ? await ctx.params : {};
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === "string") params[k] = v;
  return params;
}

/**
 * The route's input, parsed with its catalog schemas before the handler runs: path params, query ("query.x"
 * in messages), named headers ("headers.X"), then the JSON body (413, 415, malformed JSON, then its fields).
 */
async function parseInput(route: ApiRoute, req: Request, nextCtx: NextContext | undefined) {
  const params = route.params ? parseOrThrow(route.params, await resolveParams(nextCtx), "path") : undefined;
  const query = route.query ? parseOrThrow(route.query, queryParams(req), "query") : undefined;
  const headers = route.headers
    ? parseOrThrow(
        route.headers,
        Object.fromEntries(Object.keys(route.headers.shape).map((name) => [name, req.headers.get(name) ?? undefined])),
        "headers",
      )
    : undefined;
  const body = route.body
    ? parseOrThrow(route.body, await readJsonBody(req, { optional: route.bodyOptional ?? false }))
    : undefined;
  return { params, query, headers, body };
}

/** Session-authenticated writes must come from our own pages (SameSite cookies plus lib/http/same-origin.ts). */
function assertSameOrigin(req: Request): void {
  if (!isStateChanging(req.method)) return;
  const verdict = checkSameOrigin(req.headers, services().env.NEXTAUTH_URL, req.url);
  if (!verdict.ok) throw new ApiError("forbidden", CROSS_SITE_MESSAGE, { details: { reason: verdict.reason } });
}

const UNAUTHENTICATED = new Set(["missing_credentials", "invalid_credentials"]);

/**
 * The partner API guard: credentials -> key cache -> constant-time secret check -> status/expiry -> IP
 * allowlist -> scope -> rate limit -> input parsed with the route's catalog schemas -> handler -> JSON response
 * -> request log. Every outcome, refusals included, is logged through the buffered writer; the request never
 * waits for the database once the key is warm. The handler's result is typed by the route's response schema.
 */
export function withApiKey<R extends ApiRoute, Result extends HandlerResult<R>>(
  route: R,
  handler: GuardedHandler<R, Result & OnlyDocumentedFields<Result, R>>,
  options: GuardOptions = {},
) {
  const guarded = async function guarded(req: Request, nextCtx?: NextContext): Promise<Response> {
    const started = performance.now();
    const now = Date.now();
    const requestId = newRequestId(now);
    const ip = clientIp(req.headers);
    const credentials = readCredentials(req.headers);
    let key: CachedKey | null = null;
    // The key the request is logged under: the verified one, or the one whose id came with a wrong secret.
    let attributed: CachedKey | null = null;
    let presentedKeyId: string | null = null;
    let match: SecretMatch | null = null;
    let response: Response;
    let errorCode: string | null = null;
    let apiError: ApiError | null = null;
    let logThis = true;
    let extraHeaders: Record<string, string> = {};
    let handlerMs = 0;

    try {
      let actor: Actor;
      if (credentials.kind === "pair") {
        presentedKeyId = loggableKeyId(credentials.keyId);
        const known = { legacyKeyId: null as string | null };
        const found = await identifyPair(credentials.keyId, credentials.secret, now, known).finally(() => {
          presentedKeyId ??= known.legacyKeyId;
        });
        attributed = found.key;
        match = found.match;
        if (!found.key || (found.match !== "current" && found.match !== "previous")) throw invalidCredentials();
        key = found.key;
        checkKeyState(key, ip, route, now);
        if (key.rateLimitPerMinute) {
          const decision = await services().rateLimiter.consume(key.apiKeyId, key.rateLimitPerMinute);
          extraHeaders = rateLimitHeaders(decision);
          if (!decision.allowed) {
            throw rateLimitedError(
              decision,
              `Rate limit of ${decision.limit} requests per minute reached for ${key.keyId}`,
            );
          }
        }
        actor = keyActor(key, ip);
      } else if (credentials.kind === "incomplete") {
        presentedKeyId = loggableKeyId(credentials.keyId);
        throw new ApiError("missing_credentials", credentials.message);
      } else {
        const sessionUser =
          route.auth === "key-or-session" && options.sessionActor ? await options.sessionActor() : null;
        if (!sessionUser) {
          throw new ApiError(
            "missing_credentials",
            route.auth === "key-or-session"
              ? "Send an API key (X-API-Key and X-API-Secret, or HTTP Basic) or sign in to the dashboard."
              : "Send your API key id in X-API-Key and its secret in X-API-Secret (or use HTTP Basic auth).",
          );
        }
        // The dashboard's own calls are not partner traffic: they are audited, not request-logged.
        logThis = false;
        assertSameOrigin(req);
        actor = sessionUser;
      }
      const input = await parseInput(route, req, nextCtx);
      const handlerStarted = performance.now();
      let result: unknown;
      try {
        // The context's types follow the route (GuardedContext<R>); at run time it is what the route declares.
        result = await handler(req, { requestId, actor, key, ...input } as GuardedContext<R>);
      } finally {
        handlerMs = performance.now() - handlerStarted;
      }
      const answer = isReply(result) ? result : { body: result, status: successStatuses(route)[0]!, headers: {} };
      response = Response.json(answer.body, {
        status: answer.status,
        // Authenticated answers (and one-time secrets) must not sit in any shared or browser cache.
        headers: { "Cache-Control": "no-store", ...answer.headers, ...extraHeaders, "X-Request-Id": requestId },
      });
    } catch (err) {
      apiError = toApiError(err);
      if (UNAUTHENTICATED.has(apiError.code)) apiError = (await throttleFailedAuth(ip)) ?? apiError;
      errorCode = apiError.code;
      response = toErrorResponse(apiError, requestId, extraHeaders);
    }

    if (logThis) {
      const url = new URL(req.url);
      const entry: LogEntry = {
        requestId,
        timestamp: now,
        apiKeyId: attributed?.apiKeyId ?? null,
        keyId: attributed?.keyId ?? presentedKeyId,
        keyName: attributed?.name ?? null,
        partner: attributed?.partner ?? null,
        ownerId: attributed?.ownerId ?? null,
        environment: attributed?.environment ?? null,
        method: req.method,
        route: route.path,
        // A secret pasted into the path or the user agent never reaches the log (nor its spool).
        path: redactSecrets(url.pathname),
        status: response.status,
        latencyMs: performance.now() - started,
        ip,
        userAgent: redactOptional(req.headers.get("user-agent")),
        errorCode,
        secretSlot: key && (match === "current" || match === "previous") ? match : null,
        scopeUsed: response.status < 400 ? route.scope : null,
        refusal: apiError
          ? refusalDetail({
              message: apiError.message,
              requiredScope: route.scope,
              grantedScopes: attributed?.scopeList ?? null,
              search: url.search,
              keyState: attributed ? keyStateAt(attributed, match, now) : null,
            })
          : null,
      };
      try {
        // The response leaves only once its log entry is in the spool: a crash after this loses nothing.
        await services().logWriter.enqueue(entry);
      } catch (err) {
        services().logger.error({ err, requestId }, `could not record request ${requestId}`);
      }
      const totalMs = performance.now() - started;
      services()
        .metrics.forRoute(route.path)
        .record(response.status, errorCode ?? "ok", totalMs / 1000, (totalMs - handlerMs) / 1000);
    }
    return response;
  };
  // The catalog route travels with the handler: tests check each route file serves the route it claims.
  return Object.assign(guarded, { route });
}

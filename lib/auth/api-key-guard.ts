import "server-only";
import { performance } from "node:perf_hooks";
import type { ApiRoute } from "../api-routes";
import { ApiError, toApiError, toErrorResponse } from "../errors";
import { newRequestId } from "../http/request-id";
import { clientIp } from "../http/client-ip";
import { isWellFormedKeyId, isWellFormedSecret } from "../keys/key-format";
import { hashSecret, hashesEqual } from "../keys/secret-hash";
import type { CachedKey } from "../keys/key-cache";
import { rateLimitedError, rateLimitHeaders } from "../rate-limit/rate-limiter";
import { services } from "../services";
import type { LogEntry } from "../logs/log-entry";
import type { Actor } from "./actor";
import { looksLikeSecret, readCredentials, SECRET_AS_KEY_ID_HINT } from "./credentials";

export type RouteParams = Record<string, string>;

export type GuardedContext = {
  requestId: string;
  actor: Actor;
  /** The verified key; null when a signed-in dashboard user called a key-or-session route. */
  key: CachedKey | null;
  params: RouteParams;
};

export type GuardedHandler = (req: Request, ctx: GuardedContext) => Promise<Response>;

type NextContext = { params: Promise<Record<string, string | string[] | undefined>> };

export type GuardOptions = {
  /** For key-or-session routes: the signed-in dashboard user when no key credentials were sent. */
  sessionActor?: () => Promise<Extract<Actor, { kind: "user" }> | null>;
};

type Verified = { key: CachedKey; slot: "current" | "previous" };

/** Find the key and check the secret (current, or a rotated-out one still in grace) in constant time. */
async function verifyPair(keyId: string, secret: string, now: number): Promise<Verified> {
  // A malformed secret or key id never reaches the database; the answer is the same as a wrong secret.
  if (looksLikeSecret(keyId)) throw new ApiError("invalid_credentials", SECRET_AS_KEY_ID_HINT);
  if (!isWellFormedSecret(secret) || !isWellFormedKeyId(keyId)) throw invalidCredentials();
  const key = await services().keyCache.get(keyId);
  if (!key) throw invalidCredentials();
  const presented = hashSecret(secret);
  let slot: Verified["slot"] | null = null;
  for (const s of key.secrets) {
    const live = s.retiresAtMs === null || s.retiresAtMs > now;
    if (hashesEqual(presented, s.hash) && live) slot = s.retiresAtMs === null ? "current" : "previous";
  }
  if (!slot) throw invalidCredentials();
  return { key, slot };
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

function keyActor(key: CachedKey, ip: string | null): Actor {
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

async function resolveParams(ctx: NextContext | undefined): Promise<RouteParams> {
  const raw = ctx?.params ? await ctx.params : {};
  const params: RouteParams = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === "string") params[k] = v;
  return params;
}

/** Session-authenticated writes must come from our own pages (SameSite cookies plus an Origin check). */
function assertSameOrigin(req: Request): void {
  if (req.method === "GET" || req.method === "HEAD") return;
  const origin = req.headers.get("origin");
  if (!origin) return;
  const host =
    (services().env.KEYWARD_TRUST_PROXY === "1" ? req.headers.get("x-forwarded-host") : null) ??
    req.headers.get("host");
  let originHost: string | null = null;
  try {
    originHost = new URL(origin).host;
  } catch {
    // "Origin: null" (sandboxed frames, some redirects) or garbage: not our page.
  }
  if (!host || originHost !== host) {
    throw new ApiError("forbidden", "Cross-site requests with a dashboard session are not allowed; use an API key.");
  }
}

const UNAUTHENTICATED = new Set(["missing_credentials", "invalid_credentials"]);

/**
 * Callers that keep failing to authenticate (guessing, or a broken integration in a loop) are slowed per IP,
 * so they cannot grow the log or load the server without bound. Valid keys never pay for this.
 */
async function throttleUnauthenticated(ip: string | null): Promise<ApiError | null> {
  const limit = services().env.KEYWARD_UNAUTH_LIMIT_PER_MINUTE;
  const decision = await services().rateLimiter.consume(`unauthenticated:${ip ?? "unknown"}`, limit);
  if (decision.allowed) return null;
  return rateLimitedError(decision, `Too many requests without valid credentials from ${ip ?? "this address"}`);
}

/**
 * The partner API guard: credentials -> key cache -> constant-time secret check -> status/expiry -> IP
 * allowlist -> scope -> rate limit -> handler -> request log. Every outcome, refusals included, is logged
 * through the buffered writer; the request never waits for the database once the key is warm.
 */
export function withApiKey(route: ApiRoute, handler: GuardedHandler, options: GuardOptions = {}) {
  return async function guarded(req: Request, nextCtx?: NextContext): Promise<Response> {
    const started = performance.now();
    const now = Date.now();
    const requestId = newRequestId(now);
    const ip = clientIp(req.headers);
    const credentials = readCredentials(req.headers);
    let key: CachedKey | null = null;
    let presentedKeyId: string | null = null;
    let slot: Verified["slot"] | null = null;
    let response: Response;
    let errorCode: string | null = null;
    let logThis = true;
    let extraHeaders: Record<string, string> = {};

    try {
      let actor: Actor;
      if (credentials.kind === "pair") {
        presentedKeyId = loggableKeyId(credentials.keyId);
        const verified = await verifyPair(credentials.keyId, credentials.secret, now);
        key = verified.key;
        slot = verified.slot;
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
      response = await handler(req, { requestId, actor, key, params: await resolveParams(nextCtx) });
      response.headers.set("X-Request-Id", requestId);
      for (const [k, v] of Object.entries(extraHeaders)) response.headers.set(k, v);
      // Authenticated answers (and one-time secrets) must not sit in any shared or browser cache.
      if (!response.headers.has("Cache-Control")) response.headers.set("Cache-Control", "no-store");
    } catch (err) {
      let apiError = toApiError(err);
      if (UNAUTHENTICATED.has(apiError.code)) apiError = (await throttleUnauthenticated(ip)) ?? apiError;
      errorCode = apiError.code;
      response = toErrorResponse(apiError, requestId, extraHeaders);
    }

    if (logThis) {
      const entry: LogEntry = {
        requestId,
        timestamp: now,
        apiKeyId: key?.apiKeyId ?? null,
        keyId: key?.keyId ?? presentedKeyId,
        keyName: key?.name ?? null,
        partner: key?.partner ?? null,
        ownerId: key?.ownerId ?? null,
        environment: key?.environment ?? null,
        method: req.method,
        route: route.path,
        path: new URL(req.url).pathname,
        status: response.status,
        latencyMs: performance.now() - started,
        ip,
        userAgent: req.headers.get("user-agent"),
        errorCode,
        secretSlot: slot,
        scopeUsed: response.status < 400 ? route.scope : null,
      };
      try {
        // The response leaves only once its log entry is in the spool: a crash after this loses nothing.
        await services().logWriter.enqueue(entry);
      } catch (err) {
        console.error(`[keyward] could not record request ${requestId}:`, err);
      }
    }
    return response;
  };
}

import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, toErrorResponse } from "../errors";
import { ROUTE_LIST, UNGUARDED_API_ROUTES } from "../route-list";
import { services } from "../services";
import { loggableKeyId } from "../auth/api-key-guard";
import { readCredentials } from "../auth/credentials";
import type { LogEntry } from "../logs/log-entry";
import { redactOptional, redactSecrets } from "../security/redact-secrets";
import { clientIp } from "./client-ip";
import { newRequestId } from "./request-id";

/** Methods Next.js routes; anything else (TRACE, CONNECT, made-up verbs) is answered here with 405. */
const ROUTABLE_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

const API_PREFIX = "/api/v1/";

/** The partner API's paths (the route catalog, plus the document) as patterns, with the methods each takes. */
const API_PATHS: { pattern: RegExp; path: string; methods: Set<string> }[] = (() => {
  const byPath = new Map<string, Set<string>>();
  for (const route of [...UNGUARDED_API_ROUTES, ...Object.values(ROUTE_LIST)]) {
    const methods = byPath.get(route.path) ?? new Set<string>();
    methods.add(route.method);
    byPath.set(route.path, methods);
  }
  // Literal segments win over parameters, as in Next.js: /api/v1/keys/import is not /api/v1/keys/{keyId}.
  const paramCount = (path: string) => path.split("{").length - 1;
  const paths = [...byPath].sort(([a], [b]) => paramCount(a) - paramCount(b));
  return paths.map(([path, methods]) => {
    if (methods.has("GET")) methods.add("HEAD");
    methods.add("OPTIONS");
    const pattern = new RegExp(`^${path.replace(/\./g, "\\.").replace(/\{[^}]+\}/g, "[^/]+")}/?$`);
    return { pattern, path, methods };
  });
})();

/** What the server does with a request before Next.js sees it. */
export type Preflight =
  { kind: "pass"; url?: string } | { kind: "refuse"; error: ApiError; route: string | null; logged: boolean };

function isValidPercentEncoding(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

/**
 * Requests Next.js would answer with a 500 or an HTML page, turned into the API's own answers: a method Next
 * does not route (TRACE) is a 405; a path whose percent-encoding is not UTF-8 (`/api/v1/keys/%FF`) has its
 * `%` escaped so it reaches the route (and the guard, which logs it) as the literal text it is; a path under
 * /api/v1/ that the catalog does not hold is a 404, one it holds with another method a 405. Refusals of
 * /api/v1/ requests are recorded in the request log like the guard's.
 */
export function preflight(method: string, rawUrl: string): Preflight {
  const queryAt = rawUrl.indexOf("?");
  let pathname = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const search = queryAt === -1 ? "" : rawUrl.slice(queryAt);
  let url: string | undefined;
  if (!isValidPercentEncoding(pathname)) {
    pathname = pathname.replace(/%/g, "%25");
    url = pathname + search;
  }
  const isApi = pathname.startsWith(API_PREFIX);
  if (isApi) {
    // Next.js answers these with a redirect (or its HTML 404) that no route sees, so nothing would log them:
    // a dot segment ("..", "%2e%2e") is no route of ours; a doubled or trailing slash is the same route.
    if (pathname.split("/").some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment))) {
      return {
        kind: "refuse",
        error: new ApiError("not_found", "No API route has this path. The routes are listed at /api/v1/openapi.json."),
        route: null,
        logged: true,
      };
    }
    const canonical = pathname.replace(/\/{2,}/g, "/").replace(/\/+$/, "");
    if (canonical !== pathname) {
      pathname = canonical;
      url = pathname + search;
    }
  }
  if (!ROUTABLE_METHODS.has(method)) {
    return {
      kind: "refuse",
      error: new ApiError("method_not_allowed", `The method ${method.slice(0, 20)} is not supported.`, {
        headers: { Allow: "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS" },
      }),
      route: isApi ? (matchApiPath(pathname)?.path ?? null) : null,
      logged: isApi,
    };
  }
  if (isApi) {
    const match = matchApiPath(pathname);
    if (!match) {
      return {
        kind: "refuse",
        error: new ApiError("not_found", "No API route has this path. The routes are listed at /api/v1/openapi.json."),
        route: null,
        logged: true,
      };
    }
    if (!match.methods.has(method)) {
      const allow = [...match.methods].join(", ");
      return {
        kind: "refuse",
        error: new ApiError("method_not_allowed", `${match.path} answers ${allow}, not ${method}.`, {
          headers: { Allow: allow },
        }),
        route: match.path,
        logged: true,
      };
    }
  }
  return url === undefined ? { kind: "pass" } : { kind: "pass", url };
}

function matchApiPath(pathname: string) {
  return API_PATHS.find((p) => p.pattern.test(pathname)) ?? null;
}

/** A request's headers as a Headers object (repeated ones joined, as fetch does). */
function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    try {
      headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    } catch {
      // A header value fetch refuses (control characters) is left out; the request is refused anyway.
    }
  }
  return headers;
}

/**
 * The request log's entry for an API request no key was checked for: refused before any route ran, or answered by a
 * route outside the catalog (lib/http/with-request-log.ts). The path is logged without its query string.
 */
export function preflightLogEntry(
  req: { method: string; url: string; headers: Headers },
  outcome: {
    requestId: string;
    /** When the request arrived (ms), the time its id carries: the log is stamped with arrival, as the guard does. */
    receivedAt: number;
    status: number;
    errorCode: string | null;
    route: string | null;
    latencyMs: number;
  },
): LogEntry {
  const credentials = readCredentials(req.headers);
  const queryAt = req.url.indexOf("?");
  return {
    requestId: outcome.requestId,
    timestamp: outcome.receivedAt,
    apiKeyId: null,
    keyId: credentials.kind === "none" ? null : loggableKeyId(credentials.keyId),
    keyName: null,
    partner: null,
    ownerId: null,
    environment: null,
    method: req.method.slice(0, 16),
    route: outcome.route ?? "(no route)",
    path: redactSecrets(queryAt === -1 ? req.url : req.url.slice(0, queryAt)),
    status: outcome.status,
    latencyMs: outcome.latencyMs,
    ip: clientIp(req.headers),
    userAgent: redactOptional(req.headers.get("user-agent")),
    errorCode: outcome.errorCode,
    secretSlot: null,
    scopeUsed: null,
  };
}

/** Answer a refused request with the project's error body, after recording it when it was an API request. */
export async function answerPreflightRefusal(
  req: IncomingMessage,
  res: ServerResponse,
  verdict: Extract<Preflight, { kind: "refuse" }>,
): Promise<void> {
  const started = performance.now();
  const receivedAt = Date.now();
  const requestId = newRequestId(receivedAt);
  const response = toErrorResponse(verdict.error, requestId);
  if (verdict.logged) {
    const entry = preflightLogEntry(
      { method: req.method ?? "", url: req.url ?? "", headers: toHeaders(req) },
      {
        requestId,
        receivedAt,
        status: response.status,
        errorCode: verdict.error.code,
        route: verdict.route,
        latencyMs: performance.now() - started,
      },
    );
    try {
      await services().logWriter.enqueue(entry);
    } catch (err) {
      services().logger.error({ err, requestId }, `could not record request ${requestId}`);
    }
  }
  // Drain whatever body came with it, so the connection can be reused.
  req.resume();
  const body = await response.text();
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(req.method === "HEAD" ? undefined : body);
}

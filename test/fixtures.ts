import { expect } from "vitest";
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import { createServices, installServices, services, type ServiceFactories } from "@/lib/services";
import { ApiError, parseOrThrow } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor";
import { createKey } from "@/lib/keys/create-key";
import { createKeyInput } from "@/lib/keys/key-input";
import type { Scope } from "@/lib/scopes";
import type { LogEntry } from "@/lib/logs/log-entry";
import type { ResolvedLogFilter } from "@/lib/logs/log-filter";
import { logPageInput, type LogPageInput } from "@/lib/logs/log-query-input";
import { createLogger, type Logger } from "@/lib/logging/logger";
import { newRequestId } from "@/lib/http/request-id";

export type UserActor = Extract<Actor, { kind: "user" }>;

/** A fresh user (no password hashing cost: tests never sign these in). */
export async function makeUser(role: "user" | "support" = "user"): Promise<UserActor> {
  const email = `${role}-${randomUUID().slice(0, 8)}@example.test`;
  const user = await db().user.create({ data: { email, role, passwordHash: "not-a-real-hash" } });
  return { kind: "user", userId: user.id, email, role, ip: "203.0.113.10" };
}

/** A key made as the dashboard makes it: the input is parsed with the API's schema first. */
export async function makeKey(owner: UserActor, input: { scopes?: Scope[]; [k: string]: unknown } = {}) {
  return createKey(owner, parseOrThrow(createKeyInput, { name: "Test key", scopes: [], ...input }));
}

/** Call a route handler the way Next.js does. */
export async function call(
  handler: (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>,
  init: {
    method?: string;
    path: string;
    key?: { keyId: string; secret: string };
    headers?: Record<string, string>;
    body?: unknown;
    params?: Record<string, string>;
    ip?: string;
  },
) {
  const headers: Record<string, string> = { "x-keyward-client-ip": init.ip ?? "203.0.113.10", ...init.headers };
  if (init.key) {
    headers["x-api-key"] = init.key.keyId;
    headers["x-api-secret"] = init.key.secret;
  }
  if (init.body !== undefined) headers["content-type"] ??= "application/json";
  const req = new Request(`http://localhost${init.path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
  });
  const res = await handler(req, { params: Promise.resolve(init.params ?? {}) });
  const text = await res.text();
  // Tests read arbitrary JSON bodies; `any` keeps them free of casts at every property access.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, any>) : null };
}

/** Log query input parsed as the API's guard and the dashboard parse it (defaults applied, "query." messages). */
export function logPage(input: unknown): LogPageInput {
  return parseOrThrow(logPageInput, input, "query");
}

/** The credentials of a key made by makeKey, in the shape call() takes. */
export function credsOf(made: { key: { keyId: string }; secret: string }) {
  return { keyId: made.key.keyId, secret: made.secret };
}

/**
 * Assert the whole error envelope: status, code, message, a requestId equal to the X-Request-Id header and
 * the docs link. `details` is compared only when given.
 */
export function expectErrorBody(
  res: { status: number; headers: Headers; body: unknown },
  want: { status: number; code: string; message: string | RegExp; details?: Record<string, unknown> },
) {
  const requestId = res.headers.get("x-request-id");
  expect(requestId).toMatch(/^req_[0-9a-z]+$/);
  expect(res.status).toBe(want.status);
  expect(res.body).toEqual({
    error: {
      code: want.code,
      message: typeof want.message === "string" ? want.message : expect.stringMatching(want.message),
      requestId,
      docs: `/docs#errors-${want.code}`,
      ...(want.details ? { details: want.details } : {}),
    },
  });
}

/** One inventory item with known values (tests that need exact filter results or a sold item). */
export async function makeItem(
  data: Partial<{
    brand: string;
    model: string;
    storageGb: number;
    condition: string;
    priceCents: number;
    status: string;
  }> = {},
) {
  return db().inventoryItem.create({
    data: {
      brand: "Apple",
      model: "iPhone 14",
      storageGb: 128,
      condition: "A",
      priceCents: 50_000,
      currency: "USD",
      status: "available",
      ...data,
    },
  });
}

/** The ApiError a promise rejects with (fails the test when it resolves or throws something else). */
export async function rejectionOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error("expected the call to be refused, but it succeeded");
}

/** Row counts of the key tables (to show that a refused change wrote nothing). */
export async function keyTableCounts() {
  const [apiKeys, secrets, audits] = await Promise.all([
    db().apiKey.count(),
    db().keySecret.count(),
    db().auditEvent.count(),
  ]);
  return { apiKeys, secrets, audits };
}

/**
 * A request-log entry with neutral defaults; a test overrides the fields it measures. Its request id carries its
 * timestamp, as the ids Keyward issues do (a request is found by id through that time).
 */
export function logEntry(over: Partial<LogEntry> & { timestamp: number }): LogEntry {
  return {
    requestId: newRequestId(over.timestamp),
    apiKeyId: null,
    keyId: null,
    keyName: null,
    partner: null,
    ownerId: null,
    environment: "live",
    method: "GET",
    route: "/api/v1/inventory",
    path: "/api/v1/inventory",
    status: 200,
    latencyMs: 1,
    ip: "203.0.113.10",
    userAgent: "vitest",
    errorCode: null,
    secretSlot: "current",
    scopeUsed: null,
    ...over,
  };
}

/** A resolved log filter that selects every row of `range` (support staff's view), with `over` applied. */
export function logFilterOver(
  range: { from: Date; to: Date },
  over: Partial<ResolvedLogFilter> = {},
): ResolvedLogFilter {
  return {
    range: { ...range, clamped: false },
    owner: null,
    environment: null,
    keyIds: [],
    partners: [],
    methods: [],
    routes: [],
    statusClasses: [],
    statuses: [],
    ...over,
  };
}

/** The fields a log entry carries for a key made by makeKey (its internal id is not in the KeyView). */
export async function keyLogIdentity(made: { key: { keyId: string } }) {
  const row = await db().apiKey.findUniqueOrThrow({
    where: { keyId: made.key.keyId },
    include: { partner: { select: { name: true } } },
  });
  return {
    apiKeyId: row.id,
    keyId: row.keyId,
    keyName: row.name,
    partner: row.partner?.name ?? null,
    ownerId: row.ownerId,
    environment: row.environment,
  };
}

/**
 * Replace parts of the process's services (a throttle with small limits, a failing store…) until the returned
 * restore function is called; every other part stays the one already in use.
 */
export function overrideServices(overrides: Partial<ServiceFactories>): () => void {
  const previous = services();
  const keep = Object.fromEntries(
    Object.keys(previous).map((part) => [part, () => previous[part as keyof ServiceFactories]]),
  );
  installServices(createServices({ ...keep, ...overrides }));
  return () => installServices(previous);
}

/** A logger that keeps what it is told (as the JSON objects it would write), for tests that assert a log line. */
export function captureLogs(): { logger: Logger; events: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  const logger = createLogger(
    { KEYWARD_LOG_LEVEL: "info", KEYWARD_LOG_FORMAT: "json" },
    { write: (line: string) => void lines.push(line) },
  );
  return { logger, events: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

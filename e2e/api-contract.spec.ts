import { expect, test, type APIRequestContext } from "@playwright/test";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { sameOrigin, signUpFreshUser } from "./support/dashboard";
import { WEBHOOK_EVENT_TYPES } from "../lib/keys/key-vocabulary";

/**
 * The contract test: every operation in the served /api/v1/openapi.json, called as a partner would call it
 * (happy paths with several keys, no or wrong credentials, insufficient scope, revoked / IP-restricted /
 * rate-limited / expired keys, bad query, bad headers, bad body, unknown ids), and every answer checked against
 * the document with Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1): the status must be documented for
 * the operation, the body must match that response's schema, its required headers must be present. Where a
 * probe knows the answer it expects (e.g. 401 invalid_credentials), that is checked too. The session variant of
 * the key routes is not a partner's way in and is not exercised here.
 */

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  format?: string;
  pattern?: string;
  additionalProperties?: unknown;
};
type Parameter = { name: string; in: "path" | "query" | "header"; required: boolean; schema: Schema };
type ResponseDoc = { headers?: Record<string, { $ref: string }>; content?: Record<string, { schema: unknown }> };
type OperationDoc = {
  operationId: string;
  "x-required-scope"?: string;
  parameters: Parameter[];
  requestBody?: { required: boolean; content: { "application/json": { schema: Schema } } };
  responses: Record<string, ResponseDoc>;
};
type Document = {
  paths: Record<string, Record<string, OperationDoc>>;
  components: { headers: Record<string, { required?: boolean }> };
};

type Op = {
  id: string;
  method: string;
  path: string;
  doc: OperationDoc;
  scope: string | undefined;
  query: Parameter[];
  headerParams: Parameter[];
  pathParams: string[];
  body?: Schema;
};

type Creds = { keyId: string; secret: string };
type Made = Creds & { scopes: string[] };

type Probe = {
  op: Op;
  kind: string;
  label: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  auth?: Record<string, string>;
  headers?: Record<string, string>;
  /** Serialised as JSON with Content-Type: application/json. */
  json?: unknown;
  /** Sent as is, with the given content type (null: none). */
  raw?: { data: string; contentType: string | null };
  expect?: number;
  expectCode?: string;
};

type Answer = { status: number; body: unknown; headers: Record<string, string> };

const SCOPES = ["inventory:read", "offers:read", "offers:write", "logs:read", "keys:read", "keys:write"];

const pair = (c: Creds) => ({ "X-API-Key": c.keyId, "X-API-Secret": c.secret });
const basic = (c: Creds) => ({ Authorization: `Basic ${Buffer.from(`${c.keyId}:${c.secret}`).toString("base64")}` });
const pointer = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A well-formed but wrong secret (its CRC is right, so only the hash comparison can refuse it). */
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function bodyObject(b: unknown): Record<string, unknown> {
  return (b ?? {}) as Record<string, unknown>;
}

/** Values a query parameter must accept (each a separate request). Cursors get their own probes. */
function validValues(p: Parameter): string[] {
  if (p.name === "cursor") return [];
  const s = p.schema;
  const item = s.type === "array" ? s.items! : s;
  const alternatives = item.anyOf ?? [item];
  const values: string[] = [];
  for (const a of alternatives) {
    if (a.enum) values.push(...a.enum.map(String));
    else if (a.pattern === "^[1-5]\\d\\d$") values.push("403");
    else if (a.type === "integer") {
      values.push(String(a.minimum ?? 0));
      if (a.maximum !== undefined && a.maximum < 10_000) values.push(String(a.maximum));
    } else if (a.format === "date-time") values.push(new Date(Date.now() - 3_600_000).toISOString());
    else if (a.type === "string") values.push("x", ...(a.maxLength ? ["y".repeat(a.maxLength)] : []));
  }
  if (s.type === "array" && values.length > 1) values.push(values.slice(0, 2).join(","));
  return values;
}

/** Values a query or header parameter must refuse with 400. */
function invalidValues(p: Parameter): string[] {
  const s = p.schema;
  const item = s.type === "array" ? s.items! : s;
  const values: string[] = [];
  if (item.enum || item.anyOf) values.push("not-a-valid-value");
  if (item.type === "integer") {
    values.push("abc", "1.5", String((item.minimum ?? 0) - 1));
    if (item.maximum !== undefined) values.push(String(item.maximum + 1));
  }
  if (item.format === "date-time") values.push("not-a-date");
  if (item.type === "string" && item.maxLength) values.push("z".repeat(item.maxLength + 1));
  if (item.pattern && !item.enum) values.push("has spaces in it");
  if (s.type === "array" && s.maxItems)
    values.push(Array.from({ length: s.maxItems + 1 }, (_, i) => `v${i}`).join(","));
  return values;
}

/** Bodies a route must refuse: each field with the wrong type, each required field missing, an unknown field. */
function invalidBodies(schema: Schema, valid: Record<string, unknown>): { label: string; body: unknown }[] {
  const out: { label: string; body: unknown }[] = [
    { label: "an array", body: [] },
    { label: "null", body: null },
    { label: "a string", body: "text" },
  ];
  if (schema.additionalProperties === false) out.push({ label: "an unknown field", body: { ...valid, unknown: 1 } });
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    const types = [prop.type, ...(prop.anyOf ?? []).map((a) => a.type)].flat().filter(Boolean);
    const wrong = types.includes("string") ? 12_345 : types.includes("array") ? "not-a-list" : "not-a-number";
    out.push({ label: `${name} of the wrong type`, body: { ...valid, [name]: wrong } });
    if (prop.enum || prop.items?.enum) {
      out.push({ label: `${name} outside its values`, body: { ...valid, [name]: prop.enum ? "zzz" : ["zzz"] } });
    }
    if (prop.maxLength)
      out.push({ label: `${name} too long`, body: { ...valid, [name]: "w".repeat(prop.maxLength + 1) } });
  }
  for (const name of schema.required ?? []) {
    const { [name]: _missing, ...rest } = valid;
    out.push({ label: `${name} missing`, body: rest });
  }
  return out;
}

test("every operation in /api/v1/openapi.json answers as documented", async ({ page, request }) => {
  test.setTimeout(180_000);
  const started = Date.now();

  const doc = (await (await request.get("/api/v1/openapi.json")).json()) as Document;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, "openapi");

  // Operations a partner reaches with a key; the public one (the leak report) is probed on its own below.
  const allOps: Op[] = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, o]) => ({
      id: o.operationId,
      method: method.toUpperCase(),
      path,
      doc: o,
      scope: o["x-required-scope"],
      query: o.parameters.filter((p) => p.in === "query"),
      headerParams: o.parameters.filter((p) => p.in === "header"),
      pathParams: o.parameters.filter((p) => p.in === "path").map((p) => p.name),
      body: o.requestBody?.content["application/json"].schema,
    })),
  );
  const ops = allOps.filter((o) => o.scope !== undefined);
  const publicOps = allOps.filter((o) => o.scope === undefined);
  const op = (id: string) => {
    const found = allOps.find((o) => o.id === id);
    if (!found) throw new Error(`operation ${id} is not in the document`);
    return found;
  };

  let checked = 0;
  const mismatches: string[] = [];
  const seen = new Map<string, Set<number>>(allOps.map((o) => [o.id, new Set<number>()]));
  const kinds = new Map<string, number>();
  const validators = new Map<string, ValidateFunction>();

  function validatorFor(o: Op, status: number): ValidateFunction {
    const ref = `openapi#/paths/${pointer(o.path)}/${o.method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
    let v = validators.get(ref);
    if (!v) {
      v = ajv.getSchema(ref);
      if (!v) throw new Error(`no schema at ${ref}`);
      validators.set(ref, v);
    }
    return v;
  }

  async function send(api: APIRequestContext, p: Probe): Promise<Answer> {
    let path = p.op.path;
    for (const name of p.op.pathParams) {
      const value = p.params?.[name];
      if (value === undefined) throw new Error(`${p.op.id} [${p.label}]: no value for {${name}}`);
      path = path.replace(`{${name}}`, encodeURIComponent(value));
    }
    const qs = new URLSearchParams(p.query ?? {}).toString();
    const headers: Record<string, string> = { ...(p.auth ?? {}), ...(p.headers ?? {}) };
    let data: string | undefined;
    if (p.json !== undefined) {
      headers["Content-Type"] = "application/json";
      data = JSON.stringify(p.json);
    } else if (p.raw) {
      if (p.raw.contentType) headers["Content-Type"] = p.raw.contentType;
      data = p.raw.data;
    }
    const res = await api.fetch(qs ? `${path}?${qs}` : path, { method: p.op.method, headers, data, maxRedirects: 0 });
    const text = await res.text();
    const answer: Answer = { status: res.status(), headers: res.headers(), body: undefined };
    checked++;
    kinds.set(p.kind, (kinds.get(p.kind) ?? 0) + 1);
    seen.get(p.op.id)!.add(answer.status);
    const where = `${p.op.method} ${p.op.path} (${p.op.id}) [${p.kind}: ${p.label}] answered ${answer.status}`;
    const fail = (why: string) => mismatches.push(`${where}: ${why}; body: ${text.slice(0, 300)}`);

    const documented = p.op.doc.responses[String(answer.status)];
    if (!documented) {
      fail(`status not documented (documented: ${Object.keys(p.op.doc.responses).join(", ")})`);
      return answer;
    }
    if (!/^application\/json\b/.test(answer.headers["content-type"] ?? "")) {
      fail(`content-type ${answer.headers["content-type"]} is not application/json`);
      return answer;
    }
    try {
      answer.body = JSON.parse(text) as unknown;
    } catch {
      fail("the body is not JSON");
      return answer;
    }
    const validate = validatorFor(p.op, answer.status);
    if (!validate(answer.body)) fail(`body does not match the documented schema: ${ajv.errorsText(validate.errors)}`);
    for (const [name, ref] of Object.entries(documented.headers ?? {})) {
      const header = doc.components.headers[ref.$ref.split("/").pop()!];
      if (header?.required && !answer.headers[name.toLowerCase()]) fail(`required header ${name} is missing`);
    }
    if (p.expect !== undefined && answer.status !== p.expect) fail(`the probe expected ${p.expect}`);
    const code = (answer.body as { error?: { code?: string } }).error?.code;
    if (p.expectCode !== undefined && code !== p.expectCode) fail(`the probe expected error code ${p.expectCode}`);
    return answer;
  }

  const call = (p: Probe) => send(request, p);

  // ---- Keys: a fresh account; its first key (every scope) is made in the dashboard session, the rest through
  // the API with that key, so those answers are checked too.
  await signUpFreshUser(page, "contract");
  // As the dashboard's own page would send it: a session write must name our origin (CSRF check).
  const rootResponse = await page.request.post("/api/v1/keys", {
    data: { name: "contract root", scopes: SCOPES, partner: "Contract" },
    headers: sameOrigin(),
  });
  expect(rootResponse.status(), await rootResponse.text()).toBe(201);
  const rootBody = (await rootResponse.json()) as { key: { keyId: string }; secret: string };
  const root: Made = { keyId: rootBody.key.keyId, secret: rootBody.secret, scopes: SCOPES };

  async function createKey(body: Record<string, unknown>, as: Creds = root, label = "setup"): Promise<Made> {
    const answer = await call({ op: op("createKey"), kind: "happy", label, auth: pair(as), json: body, expect: 201 });
    const created = bodyObject(answer.body) as { key: { keyId: string; scopes: string[] }; secret: string };
    return { keyId: created.key.keyId, secret: created.secret, scopes: created.key.scopes };
  }

  const expiringAt = Date.now() + 6_000;
  const expiring = await createKey({ name: "expiring", scopes: SCOPES, expiresAt: new Date(expiringAt).toISOString() });
  const single = new Map<string, Made>();
  for (const scope of SCOPES) single.set(scope, await createKey({ name: `only ${scope}`, scopes: [scope] }));
  const none = await createKey({ name: "no scopes", scopes: [] });
  const sandbox = await createKey({ name: "sandbox", scopes: SCOPES, environment: "test", partner: "Contract" });
  const blocked = await createKey({ name: "ip-restricted", scopes: SCOPES, ipAllowlist: ["203.0.113.0/24"] });
  const limited = await createKey({ name: "rate-limited", scopes: SCOPES, rateLimitPerMinute: 2 });
  const revoked = await createKey({ name: "to revoke", scopes: SCOPES });
  await call({
    op: op("revokeKey"),
    kind: "happy",
    label: "setup",
    auth: pair(root),
    params: { keyId: revoked.keyId },
    json: { reason: "contract test" },
    expect: 200,
  });
  const paused = await createKey({ name: "suspended", scopes: SCOPES });
  await call({
    op: op("suspendKey"),
    kind: "happy",
    label: "setup",
    auth: pair(root),
    params: { keyId: paused.keyId },
    json: { reason: "contract test" },
    expect: 200,
  });
  // Keys the key operations act on: no scopes, so even the keys:write-only key may change them.
  const target = await createKey({ name: "target", scopes: [] });
  const sandboxTarget = await createKey({ name: "sandbox target", scopes: [], environment: "test" }, sandbox);
  // A partner the partner operations act on.
  const partnerAnswer = await call({
    op: op("createPartner"),
    kind: "happy",
    label: "setup",
    auth: pair(root),
    json: { name: "Contract partner", contactEmail: "ops@contract.example" },
    expect: 201,
  });
  const partnerId = (bodyObject(partnerAnswer.body).data as { id: string }).id;
  let partnerNames = 0;

  // ---- Data to point at: an available and a sold inventory item, offers in both environments.
  const inventory = async (query: Record<string, string>) => {
    const answer = await call({ op: op("listInventory"), kind: "happy", label: "setup", auth: pair(root), query });
    return (bodyObject(answer.body).data as { id: string }[] | undefined) ?? [];
  };
  const available = await inventory({ status: "available", limit: "20" });
  const sold = await inventory({ status: "sold", limit: "1" });
  expect(available.length, "the demo inventory has available items").toBeGreaterThan(5);
  const itemId = available[0]!.id;
  const offerBody = (n = 0) => ({
    inventoryItemId: available[n % available.length]!.id,
    amountCents: 12_500 + n,
    currency: "USD",
  });
  async function createOffer(as: Creds, n: number): Promise<string> {
    const answer = await call({
      op: op("createOffer"),
      kind: "happy",
      label: "setup",
      auth: pair(as),
      json: offerBody(n),
      expect: 201,
    });
    return (bodyObject(answer.body).data as { id: string }).id;
  }
  const offerId = await createOffer(root, 1);
  const sandboxOfferId = await createOffer(sandbox, 2);

  // ---- A webhook endpoint with one delivery (a revoke it hears about), for the webhook operations. The e2e
  // server allows loopback targets; nothing listens on port 9, so deliveries fail and are retried quietly.
  const hookUrl = "http://127.0.0.1:9/contract";
  async function createHook(label = "setup"): Promise<string> {
    const answer = await call({
      op: op("createWebhook"),
      kind: "happy",
      label,
      auth: pair(root),
      json: { url: hookUrl, events: ["key.revoked", "key.suspended"] },
      expect: 201,
    });
    return (bodyObject(answer.body).data as { id: string }).id;
  }
  const hookId = await createHook();
  const heard = await createKey({ name: "heard", scopes: [] });
  await call({
    op: op("revokeKey"),
    kind: "happy",
    label: "setup",
    auth: pair(root),
    params: { keyId: heard.keyId },
    json: { reason: "for a delivery" },
    expect: 200,
  });
  const hook = await call({
    op: op("getWebhook"),
    kind: "happy",
    label: "setup",
    auth: pair(root),
    params: { id: hookId },
  });
  const deliveryId = (bodyObject(bodyObject(hook.body).data).deliveries as { id: string }[])[0]!.id;

  // ---- What a valid request to each operation looks like (params, body), for the probes that vary one thing.
  const validParams: Record<string, Record<string, string>> = {
    getInventoryItem: { id: itemId },
    getOffer: { id: offerId },
    withdrawOffer: { id: offerId },
    getKey: { keyId: target.keyId },
    updateKey: { keyId: target.keyId },
    rotateKey: { keyId: target.keyId },
    endGrace: { keyId: target.keyId },
    revokeKey: { keyId: target.keyId },
    suspendKey: { keyId: target.keyId },
    resumeKey: { keyId: target.keyId },
    getWebhook: { id: hookId },
    updateWebhook: { id: hookId },
    deleteWebhook: { id: hookId },
    rotateWebhookSecret: { id: hookId },
    redeliverWebhook: { id: hookId, deliveryId },
    getPartner: { id: partnerId },
    updatePartner: { id: partnerId },
  };
  const validBodies: Record<string, Record<string, unknown>> = {
    createOffer: offerBody(3),
    createKey: { name: "contract child", scopes: ["inventory:read"] },
    updateKey: { name: "renamed" },
    rotateKey: { graceSeconds: 0 },
    revokeKey: { reason: "contract test" },
    suspendKey: { reason: "contract test" },
    resumeKey: { reason: "contract test" },
    createWebhook: { url: hookUrl, events: ["key.revoked"] },
    updateWebhook: { events: ["key.revoked", "key.leaked"] },
    reportLeaks: { secrets: ["kwsec_live_not-a-secret"], source: "contract test" },
    // A new name each time: probes that get through (the rate limit's first requests) must not collide.
    get createPartner() {
      return { name: `contract partner ${++partnerNames}` };
    },
    updatePartner: { notes: "contract test" },
  };
  const valid = (o: Op): Pick<Probe, "params" | "json"> => ({
    params: validParams[o.id],
    ...(o.body ? { json: validBodies[o.id] } : {}),
  });

  // ---- Happy paths, per operation: with the key holding just the scope, the full key, the sandbox key, Basic.
  let n = 10;
  const happy: Record<string, () => Promise<void>> = {
    listInventory: async () => {
      const o = op("listInventory");
      for (const auth of [pair(single.get("inventory:read")!), pair(root), pair(sandbox), basic(root)]) {
        await call({ op: o, kind: "happy", label: "no filters", auth, expect: 200 });
      }
      const first = await call({ op: o, kind: "happy", label: "limit 2", auth: pair(root), query: { limit: "2" } });
      const cursor = bodyObject(first.body).nextCursor as string;
      await call({
        op: o,
        kind: "happy",
        label: "next page",
        auth: pair(root),
        query: { limit: "2", cursor },
        expect: 200,
      });
      await call({
        op: o,
        kind: "happy",
        label: "brand, any case",
        auth: pair(root),
        query: { brand: "apple" },
        expect: 200,
      });
      await call({
        op: o,
        kind: "happy",
        label: "price range",
        auth: pair(root),
        query: { minPriceCents: "1000", maxPriceCents: "90000" },
        expect: 200,
      });
    },
    getInventoryItem: async () => {
      const o = op("getInventoryItem");
      for (const auth of [pair(single.get("inventory:read")!), pair(root), pair(sandbox), basic(root)]) {
        await call({ op: o, kind: "happy", label: "an item", auth, params: { id: itemId }, expect: 200 });
      }
      await call({
        op: o,
        kind: "happy",
        label: "a sold item",
        auth: pair(root),
        params: { id: sold[0]?.id ?? itemId },
        expect: 200,
      });
    },
    listOffers: async () => {
      const o = op("listOffers");
      for (const auth of [pair(single.get("offers:read")!), pair(root), pair(sandbox), basic(root)]) {
        await call({ op: o, kind: "happy", label: "no filters", auth, expect: 200 });
      }
      const first = await call({
        op: o,
        kind: "happy",
        label: "limit 1",
        auth: pair(root),
        query: { limit: "1" },
        expect: 200,
      });
      const cursor = bodyObject(first.body).nextCursor as string;
      await call({
        op: o,
        kind: "happy",
        label: "next page",
        auth: pair(root),
        query: { limit: "1", cursor },
        expect: 200,
      });
      await call({
        op: o,
        kind: "happy",
        label: "by item",
        auth: pair(root),
        query: { inventoryItemId: itemId },
        expect: 200,
      });
    },
    getOffer: async () => {
      const o = op("getOffer");
      await call({
        op: o,
        kind: "happy",
        label: "live offer",
        auth: pair(single.get("offers:read")!),
        params: { id: offerId },
        expect: 200,
      });
      await call({
        op: o,
        kind: "happy",
        label: "live offer",
        auth: basic(root),
        params: { id: offerId },
        expect: 200,
      });
      await call({
        op: o,
        kind: "happy",
        label: "test offer, test key",
        auth: pair(sandbox),
        params: { id: sandboxOfferId },
        expect: 200,
      });
      await call({
        op: o,
        kind: "unknown-id",
        label: "test offer, live key",
        auth: pair(root),
        params: { id: sandboxOfferId },
        expect: 404,
      });
    },
    createOffer: async () => {
      const o = op("createOffer");
      for (const currency of ["USD", "EUR", "GBP"]) {
        await call({
          op: o,
          kind: "happy",
          label: currency,
          auth: pair(single.get("offers:write")!),
          json: { ...offerBody(n++), currency },
          expect: 201,
        });
      }
      await call({
        op: o,
        kind: "happy",
        label: "with a note",
        auth: pair(sandbox),
        json: { ...offerBody(n++), note: "trade-in batch 7" },
        expect: 201,
      });
      const idem = { "Idempotency-Key": `contract-${Date.now()}` };
      const body = offerBody(n++);
      await call({
        op: o,
        kind: "happy",
        label: "idempotent, first",
        auth: pair(root),
        headers: idem,
        json: body,
        expect: 201,
      });
      await call({
        op: o,
        kind: "happy",
        label: "idempotent, replay",
        auth: pair(root),
        headers: idem,
        json: body,
        expect: 200,
      });
      await call({
        op: o,
        kind: "conflict",
        label: "idempotent, other body",
        auth: pair(root),
        headers: idem,
        json: offerBody(n++),
        expect: 409,
        expectCode: "idempotency_conflict",
      });
      if (sold[0]) {
        await call({
          op: o,
          kind: "conflict",
          label: "a sold item",
          auth: pair(root),
          json: { ...offerBody(), inventoryItemId: sold[0].id },
          expect: 409,
          expectCode: "item_unavailable",
        });
      }
      await call({
        op: o,
        kind: "unknown-id",
        label: "an unknown item",
        auth: pair(root),
        json: { ...offerBody(), inventoryItemId: "no-such-item" },
        expect: 404,
      });
    },
    withdrawOffer: async () => {
      const o = op("withdrawOffer");
      for (const [as, label] of [
        [single.get("offers:write")!, "offers:write key"],
        [sandbox, "test key"],
      ] as const) {
        const id = await createOffer(as, n++);
        await call({ op: o, kind: "happy", label, auth: pair(as), params: { id }, expect: 200 });
        await call({ op: o, kind: "conflict", label: `${label}, again`, auth: pair(as), params: { id }, expect: 409 });
      }
    },
    listLogs: async () => {
      const o = op("listLogs");
      for (const auth of [pair(single.get("logs:read")!), pair(root), pair(sandbox), basic(root)]) {
        await call({ op: o, kind: "happy", label: "no filters", auth, expect: 200 });
      }
      await sleep(300); // the request log is flushed every 100 ms in e2e
      const first = await call({
        op: o,
        kind: "happy",
        label: "limit 2",
        auth: pair(root),
        query: { limit: "2" },
        expect: 200,
      });
      const page1 = bodyObject(first.body) as { data: { requestId: string }[]; nextCursor: string | null };
      expect(page1.data.length, "the contract's own calls are in the log").toBeGreaterThan(0);
      await call({
        op: o,
        kind: "happy",
        label: "next page",
        auth: pair(root),
        query: { limit: "2", cursor: page1.nextCursor ?? "" },
        expect: 200,
      });
      await call({
        op: o,
        kind: "happy",
        label: "by request id",
        auth: pair(root),
        query: { requestId: page1.data[0]!.requestId },
        expect: 200,
      });
      await call({
        op: o,
        kind: "happy",
        label: "by key and class",
        auth: pair(root),
        query: { keyId: root.keyId, status: "4xx,2xx" },
        expect: 200,
      });
      await call({
        op: o,
        kind: "bad-query",
        label: "a cursor it did not issue",
        auth: pair(root),
        query: { cursor: "garbage" },
        expect: 400,
      });
      await call({
        op: o,
        kind: "bad-query",
        label: "from after to",
        auth: pair(root),
        query: { from: new Date().toISOString(), to: new Date(Date.now() - 60_000).toISOString() },
        expect: 400,
      });
    },
    listKeys: async () => {
      const o = op("listKeys");
      for (const auth of [pair(single.get("keys:read")!), pair(root), pair(sandbox), basic(root)]) {
        await call({ op: o, kind: "happy", label: "no filters", auth, expect: 200 });
      }
      const first = await call({
        op: o,
        kind: "happy",
        label: "limit 2",
        auth: pair(root),
        query: { limit: "2" },
        expect: 200,
      });
      const cursor = bodyObject(first.body).nextCursor as string;
      await call({
        op: o,
        kind: "happy",
        label: "next page",
        auth: pair(root),
        query: { limit: "2", cursor },
        expect: 200,
      });
      await call({
        op: o,
        kind: "happy",
        label: "search",
        auth: pair(root),
        query: { q: "only", partner: "Contract" },
        expect: 200,
      });
    },
    createKey: async () => {
      const o = op("createKey");
      const bodies: [Creds, Record<string, unknown>][] = [
        [single.get("keys:write")!, { name: "made by keys:write", scopes: [] }],
        [sandbox, { name: "made by the sandbox key", scopes: ["inventory:read"] }],
        [
          root,
          {
            name: "everything",
            partner: "Contract",
            description: "",
            scopes: SCOPES,
            ipAllowlist: ["10.0.0.0/8", "2001:db8::/32"],
            rateLimitPerMinute: 600,
            expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
          },
        ],
        [root, { name: "  padded  ", environment: "test" }],
      ];
      for (const [as, body] of bodies)
        await call({ op: o, kind: "happy", label: String(body.name), auth: pair(as), json: body, expect: 201 });
      await call({
        op: o,
        kind: "scope",
        label: "beyond the calling key's scopes",
        auth: pair(single.get("keys:write")!),
        json: { name: "escalate", scopes: ["inventory:read"] },
        expect: 403,
      });
      await call({
        op: o,
        kind: "scope",
        label: "a live key from a test key",
        auth: pair(sandbox),
        json: { name: "escalate", environment: "live" },
        expect: 403,
      });
    },
    getKey: async () => {
      const o = op("getKey");
      for (const [as, keyId] of [
        [single.get("keys:read")!, target.keyId],
        [root, revoked.keyId],
        [root, root.keyId],
        [sandbox, sandboxTarget.keyId],
      ] as const) {
        await call({ op: o, kind: "happy", label: keyId, auth: pair(as), params: { keyId }, expect: 200 });
      }
      await call({
        op: o,
        kind: "happy",
        label: "Basic auth",
        auth: basic(root),
        params: { keyId: target.keyId },
        expect: 200,
      });
      await call({
        op: o,
        kind: "unknown-id",
        label: "a live key seen by a test key",
        auth: pair(sandbox),
        params: { keyId: target.keyId },
        expect: 404,
      });
    },
    updateKey: async () => {
      const o = op("updateKey");
      const bodies = [
        { name: "renamed by contract" },
        { description: "" },
        { scopes: [], ipAllowlist: ["192.0.2.1"] },
        { expiresAt: new Date(Date.now() + 3_600_000).toISOString(), rateLimitPerMinute: 100 },
      ];
      for (const json of bodies) {
        await call({
          op: o,
          kind: "happy",
          label: Object.keys(json).join("+"),
          auth: pair(single.get("keys:write")!),
          params: { keyId: target.keyId },
          json,
          expect: 200,
        });
      }
      await call({
        op: o,
        kind: "happy",
        label: "sandbox",
        auth: pair(sandbox),
        params: { keyId: sandboxTarget.keyId },
        json: { partner: "Sandbox" },
        expect: 200,
      });
      await call({
        op: o,
        kind: "conflict",
        label: "a revoked key",
        auth: pair(root),
        params: { keyId: revoked.keyId },
        json: { name: "back" },
        expect: 409,
      });
      await call({
        op: o,
        kind: "scope",
        label: "a key with more scopes",
        auth: pair(single.get("keys:write")!),
        params: { keyId: root.keyId },
        json: { name: "mine" },
        expect: 403,
      });
    },
    rotateKey: async () => {
      const o = op("rotateKey");
      const victim = await createKey({ name: "to rotate", scopes: [] });
      await call({
        op: o,
        kind: "happy",
        label: "empty body",
        auth: pair(single.get("keys:write")!),
        params: { keyId: victim.keyId },
        raw: { data: "", contentType: null },
        expect: 200,
      });
      await call({
        op: o,
        kind: "happy",
        label: "with grace",
        auth: pair(root),
        params: { keyId: victim.keyId },
        json: { graceSeconds: 3600 },
        expect: 200,
      });
      await call({
        op: o,
        kind: "happy",
        label: "sandbox",
        auth: pair(sandbox),
        params: { keyId: sandboxTarget.keyId },
        json: {},
        expect: 200,
      });
      await call({
        op: o,
        kind: "conflict",
        label: "a revoked key",
        auth: pair(root),
        params: { keyId: revoked.keyId },
        json: {},
        expect: 409,
      });
    },
    endGrace: async () => {
      const o = op("endGrace");
      const victim = await createKey({ name: "to end grace", scopes: [] });
      await call({
        op: op("rotateKey"),
        kind: "happy",
        label: "setup: rotate with grace",
        auth: pair(root),
        params: { keyId: victim.keyId },
        json: { graceSeconds: 3600 },
        expect: 200,
      });
      await call({
        op: o,
        kind: "happy",
        label: "in grace",
        auth: pair(single.get("keys:write")!),
        params: { keyId: victim.keyId },
        expect: 200,
      });
      await call({
        op: o,
        kind: "conflict",
        label: "no secret in grace any more",
        auth: pair(root),
        params: { keyId: victim.keyId },
        expect: 409,
      });
    },
    revokeKey: async () => {
      const o = op("revokeKey");
      for (const [as, label] of [
        [single.get("keys:write")!, "keys:write key"],
        [root, "root key"],
      ] as const) {
        const victim = await createKey({ name: `revoked by ${label}`, scopes: [] });
        await call({
          op: o,
          kind: "happy",
          label,
          auth: pair(as),
          params: { keyId: victim.keyId },
          json: { reason: "contract" },
          expect: 200,
        });
        await call({
          op: o,
          kind: "conflict",
          label: `${label}, again`,
          auth: pair(as),
          params: { keyId: victim.keyId },
          json: { reason: "twice" },
          expect: 409,
        });
      }
    },
    suspendKey: async () => {
      const o = op("suspendKey");
      const victim = await createKey({ name: "to suspend", scopes: [] });
      const params = { keyId: victim.keyId };
      const reason = { reason: "contract" };
      await call({
        op: o,
        kind: "happy",
        label: "keys:write key",
        auth: pair(single.get("keys:write")!),
        params,
        json: reason,
        expect: 200,
      });
      await call({ op: o, kind: "conflict", label: "again", auth: pair(root), params, json: reason, expect: 409 });
      await call({
        op: o,
        kind: "conflict",
        label: "a revoked key",
        auth: pair(root),
        params: { keyId: revoked.keyId },
        json: reason,
        expect: 409,
      });
    },
    resumeKey: async () => {
      const o = op("resumeKey");
      const victim = await createKey({ name: "to resume", scopes: [] });
      const params = { keyId: victim.keyId };
      await call({
        op: op("suspendKey"),
        kind: "happy",
        label: "setup",
        auth: pair(root),
        params,
        json: { reason: "x" },
        expect: 200,
      });
      await call({
        op: o,
        kind: "happy",
        label: "empty body",
        auth: pair(single.get("keys:write")!),
        params,
        raw: { data: "", contentType: null },
        expect: 200,
      });
      await call({ op: o, kind: "conflict", label: "an active key", auth: pair(root), params, json: {}, expect: 409 });
    },
    listAudit: async () => {
      const o = op("listAudit");
      for (const auth of [pair(single.get("keys:read")!), pair(root), pair(sandbox), basic(root)]) {
        await call({ op: o, kind: "happy", label: "no filters", auth, expect: 200 });
      }
      const first = await call({
        op: o,
        kind: "happy",
        label: "limit 2",
        auth: pair(root),
        query: { limit: "2" },
        expect: 200,
      });
      const cursor = bodyObject(first.body).nextCursor as string;
      await call({
        op: o,
        kind: "happy",
        label: "next page",
        auth: pair(root),
        query: { limit: "2", cursor },
        expect: 200,
      });
      await call({
        op: o,
        kind: "happy",
        label: "by key, actor and event",
        auth: pair(root),
        query: { keyId: revoked.keyId, actor: "key", action: "revoked" },
        expect: 200,
      });
      await call({
        op: o,
        kind: "bad-query",
        label: "a cursor it did not issue",
        auth: pair(root),
        query: { cursor: "garbage" },
        expect: 400,
      });
    },
    listWebhooks: async () => {
      const o = op("listWebhooks");
      for (const auth of [pair(single.get("keys:read")!), pair(root), basic(root)]) {
        await call({ op: o, kind: "happy", label: "all", auth, expect: 200 });
      }
      await call({
        op: o,
        kind: "scope",
        label: "a test key",
        auth: pair(sandbox),
        expect: 403,
        expectCode: "insufficient_scope",
      });
    },
    createWebhook: async () => {
      const o = op("createWebhook");
      await call({
        op: o,
        kind: "happy",
        label: "keys:write key, with a description",
        auth: pair(single.get("keys:write")!),
        json: { url: "https://hooks.example.com/keyward", events: ["key.leaked"], description: "pager" },
        expect: 201,
      });
      await call({
        op: o,
        kind: "happy",
        label: "every event",
        auth: pair(root),
        json: {
          url: hookUrl,
          events: [...WEBHOOK_EVENT_TYPES],
        },
        expect: 201,
      });
      await call({
        op: o,
        kind: "bad-body",
        label: "an ftp URL",
        auth: pair(root),
        json: { url: "ftp://example.com/", events: ["key.revoked"] },
        expect: 400,
        expectCode: "validation_failed",
      });
      await call({
        op: o,
        kind: "scope",
        label: "a test key",
        auth: pair(sandbox),
        json: validBodies.createWebhook,
        expect: 403,
        expectCode: "insufficient_scope",
      });
    },
    getWebhook: async () => {
      const o = op("getWebhook");
      for (const auth of [pair(single.get("keys:read")!), basic(root)]) {
        await call({ op: o, kind: "happy", label: "with a delivery", auth, params: { id: hookId }, expect: 200 });
      }
    },
    updateWebhook: async () => {
      const o = op("updateWebhook");
      for (const json of [
        { description: "renamed" },
        { url: "https://hooks.example.com/v2" },
        { events: ["key.revoked"], description: null },
      ]) {
        await call({
          op: o,
          kind: "happy",
          label: Object.keys(json).join("+"),
          auth: pair(single.get("keys:write")!),
          params: { id: hookId },
          json,
          expect: 200,
        });
      }
      await call({
        op: o,
        kind: "happy",
        label: "back to the test URL",
        auth: pair(root),
        params: { id: hookId },
        json: { url: hookUrl },
        expect: 200,
      });
    },
    deleteWebhook: async () => {
      const o = op("deleteWebhook");
      const id = await createHook();
      await call({
        op: o,
        kind: "happy",
        label: "keys:write key",
        auth: pair(single.get("keys:write")!),
        params: { id },
        expect: 200,
      });
      await call({
        op: o,
        kind: "unknown-id",
        label: "again",
        auth: pair(root),
        params: { id },
        expect: 404,
        expectCode: "not_found",
      });
    },
    rotateWebhookSecret: async () => {
      const o = op("rotateWebhookSecret");
      for (const auth of [pair(single.get("keys:write")!), basic(root)]) {
        await call({ op: o, kind: "happy", label: "rotate", auth, params: { id: hookId }, expect: 200 });
      }
    },
    redeliverWebhook: async () => {
      const o = op("redeliverWebhook");
      await call({
        op: o,
        kind: "happy",
        label: "a failed delivery",
        auth: pair(single.get("keys:write")!),
        params: { id: hookId, deliveryId },
        expect: 200,
      });
      await call({
        op: o,
        kind: "unknown-id",
        label: "a delivery of another endpoint",
        auth: pair(root),
        params: { id: await createHook(), deliveryId },
        expect: 404,
        expectCode: "not_found",
      });
    },
  };

  Object.assign(happy, {
    listPartners: async () => {
      const o = op("listPartners");
      for (const auth of [pair(single.get("keys:read")!), pair(root), pair(sandbox), basic(root)]) {
        await call({ op: o, kind: "happy", label: "all", auth, expect: 200 });
      }
      await call({
        op: o,
        kind: "happy",
        label: "q",
        auth: pair(root),
        query: { q: "contract", limit: "1" },
        expect: 200,
      });
    },
    createPartner: async () => {
      const o = op("createPartner");
      await call({
        op: o,
        kind: "happy",
        label: "keys:write key",
        auth: pair(single.get("keys:write")!),
        json: { name: "Contract partner 2", notes: "n" },
        expect: 201,
      });
      await call({
        op: o,
        kind: "conflict",
        label: "same name",
        auth: pair(root),
        json: { name: "Contract partner 2" },
        expect: 409,
      });
    },
    getPartner: async () => {
      const o = op("getPartner");
      await call({
        op: o,
        kind: "happy",
        label: "keys:read key",
        auth: pair(single.get("keys:read")!),
        params: { id: partnerId },
        expect: 200,
      });
      await call({
        op: o,
        kind: "unknown-id",
        label: "unknown",
        auth: pair(root),
        params: { id: "nope" },
        expect: 404,
      });
    },
    updatePartner: async () => {
      const o = op("updatePartner");
      await call({
        op: o,
        kind: "happy",
        label: "rename",
        auth: pair(single.get("keys:write")!),
        params: { id: partnerId },
        json: { name: "Contract partner renamed", contactEmail: "" },
        expect: 200,
      });
      await call({
        op: o,
        kind: "conflict",
        label: "a name taken",
        auth: pair(root),
        params: { id: partnerId },
        json: { name: "Contract" },
        expect: 409,
      });
    },
  } satisfies Record<string, () => Promise<void>>);

  for (const o of ops) {
    const run = happy[o.id];
    if (!run) {
      mismatches.push(`${o.method} ${o.path} (${o.id}) has no happy-path probes in this test: add them`);
      continue;
    }
    await run();
  }

  // ---- Credentials: none, half, wrong, malformed, swapped; then each key that lacks the scope; revoked; IP.
  const otherSecret = single.get("inventory:read")!.secret;
  const wellFormedUnknownId = `kw_live_${"A".repeat(16)}`;
  for (const o of ops) {
    const v = valid(o);
    const base = { op: o, ...v };
    await call({
      ...base,
      kind: "no-credentials",
      label: "nothing sent",
      expect: 401,
      expectCode: "missing_credentials",
    });
    await call({
      ...base,
      kind: "no-credentials",
      label: "key id without secret",
      auth: { "X-API-Key": root.keyId },
      expect: 401,
      expectCode: "missing_credentials",
    });
    await call({
      ...base,
      kind: "wrong-secret",
      label: "another key's secret",
      auth: pair({ keyId: root.keyId, secret: otherSecret }),
      expect: 401,
      expectCode: "invalid_credentials",
    });
    await call({
      ...base,
      kind: "wrong-secret",
      label: "a malformed secret",
      auth: pair({
        keyId: root.keyId,
        secret: `${root.secret.slice(0, -1)}${BASE62[(BASE62.indexOf(root.secret.at(-1)!) + 1) % 62]}`,
      }),
      expect: 401,
      expectCode: "invalid_credentials",
    });
    await call({
      ...base,
      kind: "wrong-secret",
      label: "an unknown key id",
      auth: pair({ keyId: wellFormedUnknownId, secret: root.secret }),
      expect: 401,
      expectCode: "invalid_credentials",
    });
    await call({
      ...base,
      kind: "wrong-secret",
      label: "secret and key id swapped",
      auth: pair({ keyId: root.secret, secret: root.keyId }),
      expect: 401,
      expectCode: "invalid_credentials",
    });
    await call({
      ...base,
      kind: "wrong-secret",
      label: "Basic, not base64",
      auth: { Authorization: "Basic %%%" },
      expect: 401,
    });
    for (const [scope, key] of [...single, ["(none)", none] as const]) {
      if (scope === o.scope) continue;
      await call({
        ...base,
        kind: "scope",
        label: `a key with only ${scope}`,
        auth: pair(key),
        expect: 403,
        expectCode: "insufficient_scope",
      });
    }
    await call({
      ...base,
      kind: "revoked",
      label: "a revoked key",
      auth: pair(revoked),
      expect: 401,
      expectCode: "key_revoked",
    });
    await call({
      ...base,
      kind: "suspended",
      label: "a suspended key",
      auth: pair(paused),
      expect: 401,
      expectCode: "key_suspended",
    });
    await call({
      ...base,
      kind: "ip",
      label: "from outside the allowlist",
      auth: pair(blocked),
      expect: 403,
      expectCode: "ip_not_allowed",
    });
  }

  // ---- Input: every query parameter with values it must accept and refuse; headers; bodies; unknown ids.
  for (const o of ops) {
    const base = { op: o, auth: pair(root), ...valid(o) };
    // The write operations' valid params point at real resources: the query/header/body probes below are all
    // refused before the operation runs, so those stay as they are.
    if (o.method === "GET") {
      for (const p of o.query) {
        for (const value of validValues(p)) {
          await call({
            ...base,
            kind: "query",
            label: `${p.name}=${value.slice(0, 40)}`,
            query: { [p.name]: value },
            expect: 200,
          });
        }
      }
    }
    for (const p of o.query) {
      for (const value of invalidValues(p)) {
        await call({
          ...base,
          kind: "bad-query",
          label: `${p.name}=${value.slice(0, 40)}`,
          query: { [p.name]: value },
          expect: 400,
          expectCode: "validation_failed",
        });
      }
    }
    if (o.query.length)
      await call({ ...base, kind: "bad-query", label: "an unknown parameter", query: { unknownParameter: "1" } });
    for (const p of o.headerParams) {
      for (const value of invalidValues(p)) {
        await call({
          ...base,
          kind: "bad-header",
          label: `${p.name}: ${value.slice(0, 40)}`,
          headers: { [p.name]: value },
          expect: 400,
          expectCode: "validation_failed",
        });
      }
    }
    if (o.body) {
      const validBody = validBodies[o.id]!;
      const optional = o.doc.requestBody?.required === false;
      for (const { label, body } of invalidBodies(o.body, validBody)) {
        await call({
          ...base,
          json: undefined,
          raw: { data: JSON.stringify(body), contentType: "application/json" },
          kind: "bad-body",
          label,
          expect: 400,
          expectCode: "validation_failed",
        });
      }
      const raw = (
        label: string,
        data: string,
        contentType: string | null,
        expectStatus: number,
        expectCode?: string,
      ) =>
        call({
          ...base,
          json: undefined,
          raw: { data, contentType },
          kind: "bad-body",
          label,
          expect: expectStatus,
          expectCode,
        });
      await raw("not JSON", "{name:", "application/json", 400, "validation_failed");
      await raw("JSON sent as text/plain", JSON.stringify(validBody), "text/plain", 415, "unsupported_media_type");
      await raw("JSON without a content type", JSON.stringify(validBody), null, 415, "unsupported_media_type");
      await raw(
        "70 KiB",
        JSON.stringify({ ...validBody, padding: "p".repeat(70 * 1024) }),
        "application/json",
        413,
        "payload_too_large",
      );
      if (!optional) await raw("an empty body", "", "application/json", 400, "validation_failed");
    }
    if (o.pathParams.length) {
      const unknown = ["does-not-exist", `kw_live_${"Z".repeat(16)}`, "x".repeat(300), "ünïcødé ✓", "../inventory"];
      for (const value of unknown) {
        const params = Object.fromEntries(o.pathParams.map((name) => [name, value]));
        await call({
          ...base,
          params,
          kind: "unknown-id",
          label: value.slice(0, 30),
          expect: 404,
          expectCode: "not_found",
        });
      }
    }
  }

  // ---- A key with a limit of 2 per minute: two answers, then 429 with Retry-After on every operation.
  const limitedBase = (o: Op) => ({ op: o, auth: pair(limited), ...valid(o) });
  await call({ ...limitedBase(op("listInventory")), kind: "happy", label: "within the limit", expect: 200 });
  await call({ ...limitedBase(op("listInventory")), kind: "happy", label: "within the limit", expect: 200 });
  for (const o of ops)
    await call({
      ...limitedBase(o),
      kind: "rate-limited",
      label: "over the limit",
      expect: 429,
      expectCode: "rate_limited",
    });

  // ---- A key past its expiry date.
  await sleep(Math.max(0, expiringAt - Date.now() + 200));
  for (const o of ops) {
    await call({
      op: o,
      auth: pair(expiring),
      ...valid(o),
      kind: "expired",
      label: "past its expiry",
      expect: 401,
      expectCode: "key_expired",
    });
  }

  // ---- The public leak report: no credentials needed (sending some changes nothing), 202 whatever matched.
  for (const o of publicOps) {
    expect(o.id, "the only public operation is the leak report").toBe("reportLeaks");
    const report = (label: string, json: unknown, want: number, code?: string, auth?: Record<string, string>) =>
      call({ op: o, kind: "public", label, json, auth, expect: want, expectCode: code });
    await report("noise", validBodies.reportLeaks, 202);
    await report("with credentials", validBodies.reportLeaks, 202, undefined, pair(root));
    await report("a live secret", { secrets: [revoked.secret, "x"], source: "contract" }, 202);
    await report("empty list", { secrets: [], source: "contract" }, 400, "validation_failed");
    await report(
      "101 secrets",
      { secrets: Array.from({ length: 101 }, (_, i) => `s${i}`), source: "c" },
      400,
      "validation_failed",
    );
    await report("no source", { secrets: ["x"] }, 400, "validation_failed");
    await call({
      op: o,
      kind: "public",
      label: "text/plain",
      raw: { data: "{}", contentType: "text/plain" },
      expect: 415,
    });
    await call({
      op: o,
      kind: "public",
      label: "70 KiB",
      raw: { data: JSON.stringify({ secrets: ["p".repeat(70 * 1024)], source: "c" }), contentType: "application/json" },
      expect: 413,
    });
  }

  // ---- Every operation was exercised, and answered each way a partner can meet.
  for (const o of publicOps) {
    for (const status of [202, 400, 413, 415]) {
      if (!seen.get(o.id)!.has(status))
        mismatches.push(`${o.method} ${o.path} (${o.id}) was never answered with ${status}`);
    }
  }
  for (const o of ops) {
    const statuses = seen.get(o.id)!;
    const needed = [
      "2xx",
      "401",
      "403",
      "429",
      ...(o.query.length || o.headerParams.length || o.body ? ["400"] : []),
      ...(o.body ? ["413", "415"] : []),
      ...(o.pathParams.length ? ["404"] : []),
    ];
    const missing = needed.filter((s) =>
      s === "2xx" ? ![...statuses].some((x) => x >= 200 && x < 300) : !statuses.has(Number(s)),
    );
    if (missing.length)
      mismatches.push(`${o.method} ${o.path} (${o.id}) was never answered with ${missing.join(", ")}`);
  }

  const summary =
    `contract: ${checked} answers from ${allOps.length} operations checked against /api/v1/openapi.json ` +
    `in ${((Date.now() - started) / 1000).toFixed(1)} s; ${mismatches.length} mismatches. By probe: ` +
    [...kinds].map(([k, c]) => `${k} ${c}`).join(", ");
  console.log(summary);
  test.info().annotations.push({ type: "contract", description: summary });
  expect(mismatches, mismatches.join("\n")).toEqual([]);
  expect(checked).toBeGreaterThan(300);
});

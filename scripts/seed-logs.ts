import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { db } from "../lib/db";
import { createKey } from "../lib/keys/create-key";
import { closeServices, services } from "../lib/services";
import { ensurePartitions } from "../lib/db/pg-partitions";
import { PostgresBulkSeed } from "./seed-logs-pg";
import type { LogEntry } from "../lib/logs/log-entry";
import { newRequestId } from "../lib/http/request-id";
import { hashPassword } from "../lib/auth/password";
import { API_ROUTES, successStatuses } from "../lib/api-routes";
import { createKeyInput } from "../lib/keys/key-input";
import type { Scope } from "../lib/scopes";

/**
 * Realistic request-log traffic for demos and benchmarks:
 *   npm run seed:logs -- --rows 1000000 [--days 30] [--batch 5000]
 * Several owners and partner keys, a daily rhythm, mostly 2xx with 4xx refusals and rare 5xx, log-normal
 * latencies. Rows go through the same writer code as live traffic (raw rows + rollups).
 * On PostgreSQL the same rows are bulk-loaded instead for the days that have no partition yet (a fresh database, as
 * in `npm run bench`: scripts/seed-logs-pg.ts fills day tables without indexes, builds their rollups with the log
 * store's own statement, then attaches them as partitions); days already partitioned (today) go through the log
 * store. Either way the next batch is generated while the previous one is written,
 * and the log tables are ANALYZEd at the end, so the planner has statistics before the first query
 * (autovacuum never analyzes a partitioned parent).
 */
const PARTNERS: {
  name: string;
  partner: string;
  scopes: Scope[];
  weight: number;
  owner: number;
  environment?: "test";
}[] = [
  { name: "Catalogue feed", partner: "Acme Feeds", scopes: ["inventory:read"], weight: 30, owner: 0 },
  {
    name: "Offer bot",
    partner: "Globex Resale",
    scopes: ["inventory:read", "offers:read", "offers:write"],
    weight: 20,
    owner: 0,
  },
  { name: "Pricing sync", partner: "Umbrella Pricing", scopes: ["inventory:read"], weight: 15, owner: 1 },
  { name: "Monitoring", partner: "Initech Ops", scopes: ["logs:read"], weight: 5, owner: 1 },
  {
    name: "Marketplace bridge",
    partner: "Hooli",
    scopes: ["inventory:read", "offers:read", "offers:write", "logs:read"],
    weight: 20,
    owner: 2,
  },
  { name: "Legacy importer", partner: "Acme Feeds", scopes: ["inventory:read"], weight: 10, owner: 2 },
  // A key that is hardly ever used (about 2 rows per million): looking up one quiet key must not read the whole log.
  { name: "Dormant integration", partner: "Stark Logistics", scopes: ["inventory:read"], weight: 0.0002, owner: 0 },
  // A sandbox (test) key with a little traffic (about 1 row in 2,000): what a test key reading the log sees.
  {
    name: "Sandbox client",
    partner: "Globex Resale",
    scopes: ["inventory:read", "logs:read"],
    weight: 0.05,
    owner: 0,
    environment: "test",
  },
];

const ROUTES = [
  { route: API_ROUTES.listInventory, weight: 45 },
  { route: API_ROUTES.getInventoryItem, weight: 20 },
  { route: API_ROUTES.listOffers, weight: 10 },
  { route: API_ROUTES.createOffer, weight: 12 },
  { route: API_ROUTES.getOffer, weight: 5 },
  { route: API_ROUTES.withdrawOffer, weight: 3 },
  { route: API_ROUTES.listLogs, weight: 5 },
];

function weighted<T extends { weight: number }>(items: readonly T[], r: number): T {
  const total = items.reduce((s, i) => s + i.weight, 0);
  let x = r * total;
  for (const i of items) if ((x -= i.weight) < 0) return i;
  return items[items.length - 1]!;
}

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() || 1e-9)) * Math.cos(2 * Math.PI * random());
}

async function ensureOwners(): Promise<string[]> {
  const emails = ["demo@keyward.dev", "partner-ops@keyward.dev", "integrations@keyward.dev"];
  const ids: string[] = [];
  for (const email of emails) {
    const existing = await db().user.findUnique({ where: { email } });
    ids.push(
      existing?.id ??
        (
          await db().user.create({
            data: { email, role: "user", passwordHash: await hashPassword(randomBytes(16).toString("hex")) },
          })
        ).id,
    );
  }
  return ids;
}

async function main() {
  const { values } = parseArgs({
    options: {
      rows: { type: "string", default: "100000" },
      days: { type: "string", default: "30" },
      batch: { type: "string" },
    },
  });
  const rows = Number(values.rows);
  const days = Number(values.days);
  const logDb = services().logDb;
  const batchSize = Number(values.batch ?? (logDb.dialect === "postgresql" ? 50_000 : 5_000));
  const owners = await ensureOwners();
  const keys = [];
  for (const p of PARTNERS) {
    const ownerId = owners[p.owner]!;
    const environment = p.environment ?? "live";
    const owner = (await db().user.findUniqueOrThrow({ where: { id: ownerId } }))!;
    const found = await db().apiKey.findFirst({ where: { ownerId, name: `[seed] ${p.name}` } });
    const key =
      found ??
      (await db().apiKey.findUniqueOrThrow({
        where: {
          keyId: (
            await createKey(
              { kind: "user", userId: owner.id, email: owner.email, role: "user", ip: null },
              createKeyInput.parse({
                name: `[seed] ${p.name}`,
                partner: p.partner,
                scopes: p.scopes,
                environment,
              }),
            )
          ).key.keyId,
        },
      }));
    keys.push({ ...p, environment, apiKeyId: key.id, keyId: key.keyId, ownerId });
  }

  let seed = 42;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const end = Date.now();
  const start = end - days * 86_400_000;
  // A daily rhythm: accept a uniform timestamp with a probability that peaks mid-afternoon UTC.
  const stamps = new Float64Array(rows);
  for (let i = 0; i < rows;) {
    const t = start + random() * (end - start);
    const hour = new Date(t).getUTCHours() + new Date(t).getUTCMinutes() / 60;
    if (random() < 0.35 + 0.65 * Math.max(0, Math.sin(((hour - 6) / 24) * 2 * Math.PI))) stamps[i++] = t;
  }
  stamps.sort();

  // On PostgreSQL, the days being seeded get their partitions first (as the maintenance job would have made
  // them day by day), rather than every row landing in the DEFAULT partition.
  const viaStore = (batch: LogEntry[]) => services().logStore.storeBatch(batch);
  const bulk =
    logDb.dialect === "postgresql"
      ? await PostgresBulkSeed.open(logDb, new Date(start), new Date(end + 1), viaStore)
      : null;
  if (logDb.dialect === "postgresql" && !bulk) await ensurePartitions(logDb.pool, new Date(start), days + 2);
  const store = (batch: LogEntry[]) => (bulk ? bulk.add(batch) : viaStore(batch));

  const started = Date.now();
  let written = 0;
  // One batch in flight while the next is generated (PostgreSQL works while this process builds rows).
  let inFlight: Promise<number> = Promise.resolve(0);
  for (let i = 0; i < rows; i += batchSize) {
    const batch: LogEntry[] = [];
    for (let j = i; j < Math.min(rows, i + batchSize); j++) {
      const key = weighted(keys, random());
      const { route } = weighted(ROUTES, random());
      const roll = random();
      let status: number = successStatuses(route)[0]!;
      let errorCode: string | null = null;
      let known = true;
      if (!key.scopes.includes(route.scope)) [status, errorCode] = [403, "insufficient_scope"];
      else if (roll < 0.015) [status, errorCode, known] = [401, "invalid_credentials", false];
      else if (roll < 0.025) [status, errorCode] = [429, "rate_limited"];
      else if (roll < 0.05)
        [status, errorCode] = [
          route.method === "POST" ? 400 : 404,
          route.method === "POST" ? "validation_failed" : "not_found",
        ];
      else if (roll < 0.052) [status, errorCode] = [500, "internal_error"];
      const latencyMs = Math.max(0.2, Math.exp(1.1 + 0.6 * normal(random)) * (route.method === "POST" ? 2 : 1));
      const path = route.path.replace("{id}", `cm${Math.floor(random() * 1e9).toString(36)}`);
      batch.push({
        requestId: newRequestId(Math.floor(stamps[j]!)),
        timestamp: Math.floor(stamps[j]!),
        apiKeyId: known ? key.apiKeyId : null,
        keyId: key.keyId,
        keyName: known ? `[seed] ${key.name}` : null,
        partner: known ? key.partner : null,
        ownerId: known ? key.ownerId : null,
        environment: known ? key.environment : null,
        method: route.method,
        route: route.path,
        path,
        status,
        latencyMs,
        ip: `198.51.100.${1 + Math.floor(random() * 40)}`,
        userAgent: `${key.partner.replace(/\s/g, "")}-client/2.${Math.floor(random() * 4)}`,
        errorCode,
        secretSlot: known ? "current" : null,
        scopeUsed: status < 400 ? route.scope : null,
      });
    }
    written += await inFlight;
    inFlight = store(batch);
    if ((i / batchSize) % 20 === 0)
      process.stdout.write(`\r[seed:logs] ${written.toLocaleString("en-US")} / ${rows.toLocaleString("en-US")} rows`);
  }
  written += await inFlight;
  if (bulk) {
    console.log(
      `\n[seed:logs] ${written.toLocaleString("en-US")} rows loaded in ${((Date.now() - started) / 1000).toFixed(1)} s; rollups and indexes ...`,
    );
    await bulk.finish((line) => process.stdout.write(`\r[seed:logs] ${line}`.padEnd(100)));
  }
  if (logDb.dialect === "postgresql")
    await logDb.pool.query(`ANALYZE "RequestLog", "RequestRollup", "KeyScopeUsage", "ApiKey"`);
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `\n[seed:logs] wrote ${written.toLocaleString("en-US")} rows over ${days} days in ${seconds.toFixed(1)} s (${Math.round(written / seconds).toLocaleString("en-US")} rows/s)`,
  );
  await closeServices();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

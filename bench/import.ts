import { createHash } from "node:crypto";
import { parseArgs } from "node:util";
import { freshDataDir, machine } from "./support";

/**
 * Legacy key import on the embedded SQLite database: `npm run bench:import -- --rows 100000`.
 * Builds a CSV of N pairs (half plaintext secrets, half SHA-256 only, over 100 users and 50 partners), then
 * times parsing, the import itself (validation, lookups, bulk inserts in one transaction) and a re-run (all
 * unchanged). Prints one JSON line; figures belong in BENCHMARKS.md.
 */
async function main() {
  const { values } = parseArgs({ options: { rows: { type: "string", default: "100000" } } });
  const rows = Number(values.rows);
  process.env.KEYWARD_DATA_DIR = freshDataDir("import");
  const { db } = await import("../lib/db");
  const { closeServices } = await import("../lib/services");
  const { parseImportCsv } = await import("../lib/keys/import-file");
  const { importLegacyKeys } = await import("../lib/keys/import-keys");

  const emails = Array.from({ length: 100 }, (_, i) => `bench-user-${i}@example.test`);
  await db().user.createMany({ data: emails.map((email) => ({ email, passwordHash: "not-a-real-hash" })) });
  const lines = ["email,key_id,secret,secret_sha256,name,partner,scopes"];
  for (let i = 0; i < rows; i++) {
    const secret = `legacy-secret-${i}-${(i * 2654435761).toString(36)}`;
    const sha = i % 2 ? createHash("sha256").update(secret).digest("hex") : "";
    lines.push(
      `${emails[i % emails.length]},legacy-key-${String(i).padStart(7, "0")},${sha ? "" : secret},${sha},Legacy ${i},Partner ${i % 50},${i % 3 ? "" : "inventory:read"}`,
    );
  }
  const csv = lines.join("\n");

  const t0 = performance.now();
  const parsed = parseImportCsv(csv);
  const t1 = performance.now();
  const first = await importLegacyKeys({ kind: "operator", label: "bench" }, parsed);
  const t2 = performance.now();
  const second = await importLegacyKeys({ kind: "operator", label: "bench" }, parseImportCsv(csv));
  const t3 = performance.now();
  const stored = await db().apiKey.count({ where: { legacy: true } });
  await closeServices();
  const s = (ms: number) => Math.round(ms) / 1000;
  console.log(
    JSON.stringify({
      machine: machine(),
      rows,
      csvBytes: Buffer.byteLength(csv),
      parseSeconds: s(t1 - t0),
      importSeconds: s(t2 - t1),
      totalSeconds: s(t2 - t0),
      created: first.created,
      rerunSeconds: s(t3 - t2),
      rerunUnchanged: second.unchanged,
      stored,
    }),
  );
}

void main();

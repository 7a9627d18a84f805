import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  benchDatabaseExists,
  buildBenchApp,
  dropBenchDatabase,
  freshDataDir,
  machine,
  preparedDataDir,
  recreateBenchDatabase,
  ROOT,
  tsx,
  WORK,
} from "./support";

/**
 * `npm run bench`: every benchmark, one machine, one run. Writes the raw results to bench/results/ and prints
 * a summary. Options: --only guard,http,ingest,queries,revocation  --rows 1000000  --runs 3  --skip-build
 * --db postgresql://127.0.0.1:5432/<name>: run on PostgreSQL instead of SQLite; the database is created afresh for
 * each section and dropped at the end (--keep-db keeps the seeded log database for a re-run of the queries).
 * Numbers belong in BENCHMARKS.md with the command that made them; nothing here is a test assertion.
 */
const SECTIONS = ["guard", "ingest", "http", "revocation", "queries"] as const;

async function main() {
  const { values } = parseArgs({
    options: {
      only: { type: "string" },
      rows: { type: "string", default: "1000000" },
      runs: { type: "string", default: "3" },
      "skip-build": { type: "boolean", default: false },
      "reuse-log-db": { type: "boolean", default: true },
      db: { type: "string" },
      "keep-db": { type: "boolean", default: false },
    },
  });
  // A DATABASE_URL of the shell must not decide where the bench writes: SQLite in bench/.work, or --db.
  delete process.env.DATABASE_URL;
  const pgUrl = values.db ?? null;
  if (pgUrl && !/^postgres(ql)?:\/\//.test(pgUrl)) throw new Error("--db takes a postgresql:// URL");
  const dbEnv: Record<string, string> = pgUrl
    ? {
        DATABASE_URL: pgUrl,
        // A shared database requires the server secrets from the environment (bench-only values).
        NEXTAUTH_SECRET: "bench-session-secret-0123456789abcdef0123",
        KEYWARD_SECRET_PEPPER: "bench-pepper-0123456789abcdef0123456789",
      }
    : {};
  /** A fresh data folder, and a fresh database: SQLite in the folder, or the --db database re-created. */
  const fresh = async (name: string) => {
    const dir = freshDataDir(name, { sqlite: !pgUrl });
    if (pgUrl) await recreateBenchDatabase(pgUrl);
    return dir;
  };
  const only = new Set(values.only ? values.only.split(",") : SECTIONS);
  const results: Record<string, unknown> = {
    machine: machine(),
    startedAt: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim(),
    database: pgUrl ? "postgresql" : "sqlite",
  };
  const json = (out: string) => JSON.parse(out.trim().split("\n").pop()!) as unknown;
  const needsServer = ["http", "revocation", "queries"].some((s) => only.has(s));
  if (needsServer && !values["skip-build"]) {
    console.log("[bench] building the bench app (adds the unguarded twin route) ...");
    buildBenchApp();
  }
  const env = { NODE_ENV: "production", BENCH_RUNS: values.runs!, BENCH_SKIP_BUILD: "1", ...dbEnv };

  if (only.has("guard")) {
    console.log("[bench] guard, in process ...");
    // The bench flushes the log itself, between rounds; the writer's timer must not land inside a measured call.
    results.guard = json(
      tsx("bench/guard.ts", [], { ...env, KEYWARD_DATA_DIR: await fresh("guard"), KEYWARD_LOG_FLUSH_MS: "60000" }),
    );
  }
  if (only.has("ingest")) {
    console.log("[bench] log ingestion ...");
    results.ingest = json(tsx("bench/ingest.ts", [], { ...env, KEYWARD_DATA_DIR: await fresh("ingest") }));
  }
  if (only.has("http")) {
    console.log("[bench] HTTP, guarded vs unguarded ...");
    if (pgUrl) await recreateBenchDatabase(pgUrl);
    results.http = json(tsx("bench/http.ts", [], { ...env, KEYWARD_DATA_DIR: path.join(WORK, "http") }));
  }
  if (only.has("revocation")) {
    console.log("[bench] revocation latency ...");
    if (pgUrl) await recreateBenchDatabase(pgUrl);
    results.revocation = json(
      tsx("bench/revocation.ts", [], { ...env, KEYWARD_DATA_DIR: path.join(WORK, "revocation") }),
    );
  }
  if (only.has("queries")) {
    const rows = Number(values.rows);
    const label = `${pgUrl ? "pg-" : ""}logs-${rows}`;
    const dir = path.join(WORK, label);
    const marker = path.join(dir, "seeded.json");
    let seeding: unknown =
      fs.existsSync(marker) && values["reuse-log-db"] && (!pgUrl || (await benchDatabaseExists(pgUrl)))
        ? JSON.parse(fs.readFileSync(marker, "utf8"))
        : null;
    if (seeding && pgUrl && (seeding as { db?: string }).db !== pgUrl) seeding = null;
    if (!seeding) {
      console.log(`[bench] seeding ${rows.toLocaleString("en-US")} log rows ...`);
      if (pgUrl) await recreateBenchDatabase(pgUrl);
      preparedDataDir(label, dbEnv);
      const started = performance.now();
      const out = tsx("scripts/seed-logs.ts", ["--rows", String(rows)], { KEYWARD_DATA_DIR: dir, ...dbEnv });
      seeding = {
        rows,
        seconds: (performance.now() - started) / 1000,
        output: out.trim().split("\n").pop(),
        ...(pgUrl ? { db: pgUrl } : {}),
      };
      fs.writeFileSync(marker, JSON.stringify(seeding));
    }
    console.log("[bench] log queries and CSV export ...");
    results.queries = { seeding, ...(json(tsx("bench/queries.ts", [], { ...env, KEYWARD_DATA_DIR: dir })) as object) };
  }
  if (pgUrl && !values["keep-db"]) await dropBenchDatabase(pgUrl);

  results.finishedAt = new Date().toISOString();
  const outDir = path.join(ROOT, "bench", "results");
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${results.startedAt as string}.json`.replace(/:/g, "-"));
  fs.writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
  console.log(JSON.stringify(results, null, 2));
  console.log(`[bench] raw results: ${path.relative(ROOT, file)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

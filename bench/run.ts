import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildBenchApp, freshDataDir, machine, preparedDataDir, ROOT, tsx, WORK } from "./support";

/**
 * `npm run bench`: every benchmark, one machine, one run. Writes the raw results to bench/results/ and prints
 * a summary. Options: --only guard,http,ingest,queries,revocation  --rows 1000000  --runs 3  --skip-build
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
    },
  });
  const only = new Set(values.only ? values.only.split(",") : SECTIONS);
  const results: Record<string, unknown> = {
    machine: machine(),
    startedAt: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim(),
  };
  const json = (out: string) => JSON.parse(out.trim().split("\n").pop()!) as unknown;
  const needsServer = ["http", "revocation", "queries"].some((s) => only.has(s));
  if (needsServer && !values["skip-build"]) {
    console.log("[bench] building the bench app (adds the unguarded twin route) ...");
    buildBenchApp();
  }
  const env = { NODE_ENV: "production", BENCH_RUNS: values.runs!, BENCH_SKIP_BUILD: "1" };

  if (only.has("guard")) {
    console.log("[bench] guard, in process ...");
    // The bench flushes the log itself, between rounds; the writer's timer must not land inside a measured call.
    results.guard = json(
      tsx("bench/guard.ts", [], { ...env, KEYWARD_DATA_DIR: freshDataDir("guard"), KEYWARD_LOG_FLUSH_MS: "60000" }),
    );
  }
  if (only.has("ingest")) {
    console.log("[bench] log ingestion ...");
    results.ingest = json(tsx("bench/ingest.ts", [], { ...env, KEYWARD_DATA_DIR: freshDataDir("ingest") }));
  }
  if (only.has("http")) {
    console.log("[bench] HTTP, guarded vs unguarded ...");
    results.http = json(tsx("bench/http.ts", [], { ...env, KEYWARD_DATA_DIR: path.join(WORK, "http") }));
  }
  if (only.has("revocation")) {
    console.log("[bench] revocation latency ...");
    results.revocation = json(
      tsx("bench/revocation.ts", [], { ...env, KEYWARD_DATA_DIR: path.join(WORK, "revocation") }),
    );
  }
  if (only.has("queries")) {
    const rows = Number(values.rows);
    const dir = path.join(WORK, `logs-${rows}`);
    const marker = path.join(dir, "seeded.json");
    let seeding: unknown =
      fs.existsSync(marker) && values["reuse-log-db"] ? JSON.parse(fs.readFileSync(marker, "utf8")) : null;
    if (!seeding) {
      console.log(`[bench] seeding ${rows.toLocaleString("en-US")} log rows ...`);
      preparedDataDir(`logs-${rows}`);
      const started = performance.now();
      const out = tsx("scripts/seed-logs.ts", ["--rows", String(rows)], { KEYWARD_DATA_DIR: dir });
      seeding = { rows, seconds: (performance.now() - started) / 1000, output: out.trim().split("\n").pop() };
      fs.writeFileSync(marker, JSON.stringify(seeding));
    }
    console.log("[bench] log queries and CSV export ...");
    results.queries = { seeding, ...(json(tsx("bench/queries.ts", [], { ...env, KEYWARD_DATA_DIR: dir })) as object) };
  }

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

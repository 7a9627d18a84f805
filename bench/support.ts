import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { migratePostgres } from "../lib/db/pg-migrate";

export const ROOT = path.resolve(__dirname, "..");
export const WORK = path.join(ROOT, "bench", ".work");
export const BENCH_DIST = ".next-bench";

const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

/**
 * CPU time (user + system, all threads) of one process from /proc, in microseconds. CPU per request is far
 * steadier than throughput on a shared 2-core machine where the load generator competes for the same cores.
 */
export function processCpuUs(pid: number | string): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLOCK_TICKS;
}

/**
 * CPU (µs) of each PostgreSQL backend connected to the database `databaseUrl` names (their process title names
 * it), keyed by pid: what the database spends on the bench's queries. Null when the URL is not PostgreSQL's.
 */
export function postgresBackendsCpu(databaseUrl: string | undefined): Map<string, number> | null {
  if (!databaseUrl?.startsWith("postgres")) return null;
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  const out = new Map<string, number>();
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const title = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (title.startsWith("postgres:") && title.split(" ").includes(name)) out.set(pid, processCpuUs(pid));
    } catch {
      // ended meanwhile
    }
  }
  return out;
}

/** CPU the backends used between two samples (a backend that ended meanwhile is not counted). */
export function cpuBetween(before: Map<string, number> | null, after: Map<string, number> | null): number | undefined {
  if (!before || !after) return undefined;
  let total = 0;
  for (const [pid, cpu] of after) total += cpu - (before.get(pid) ?? 0);
  return total;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A fresh data folder (spool + secrets), with a migrated SQLite file unless the bench runs on PostgreSQL. */
export function freshDataDir(name: string, opts: { sqlite?: boolean } = {}): string {
  const dir = path.join(WORK, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  if (opts.sqlite ?? true) migrate(dir);
  return dir;
}

/**
 * `npm run bench -- --db postgresql://…/<name>`: the database is created afresh (dropped first if it exists) and
 * migrated with the committed migrations; drop it with dropBenchDatabase when done. Its name must not be one of
 * the server's own databases.
 */
export async function recreateBenchDatabase(url: string): Promise<void> {
  const name = benchDatabaseName(url);
  await onAdmin(url, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
  });
  await migratePostgres(url);
}

export async function dropBenchDatabase(url: string): Promise<void> {
  const name = benchDatabaseName(url);
  await onAdmin(url, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

export async function benchDatabaseExists(url: string): Promise<boolean> {
  const name = benchDatabaseName(url);
  return onAdmin(
    url,
    async (c) => (await c.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name])).rowCount === 1,
  );
}

function benchDatabaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name) || ["postgres", "template0", "template1", "test", "root"].includes(name))
    throw new Error(`--db: use a database of the bench's own (lowercase letters, digits, _), not "${name}"`);
  return name;
}

async function onAdmin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh data folder prepared as `npm start` prepares one: migrated, inventory and demo accounts seeded. */
export function preparedDataDir(name: string, env: Record<string, string> = {}): string {
  const dir = path.join(WORK, name);
  fs.rmSync(dir, { recursive: true, force: true });
  tsx("scripts/prepare-data.ts", [], { KEYWARD_DATA_DIR: dir, KEYWARD_SEED_DEMO: "1", ...env });
  return dir;
}

export function migrate(dir: string): void {
  execFileSync(path.join(ROOT, "node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
    cwd: ROOT,
    env: { ...process.env, KEYWARD_DATA_DIR: dir, DATABASE_URL: `file:${path.join(dir, "keyward.db")}` },
    stdio: "pipe",
  });
}

export function tsx(script: string, args: string[], env: Record<string, string>): string {
  return execFileSync(path.join(ROOT, "node_modules", ".bin", "tsx"), [script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  }).toString();
}

/** The production build with the benchmark-only unguarded twin route, in its own folder. */
export function buildBenchApp(): void {
  const tsconfig = fs.readFileSync(path.join(ROOT, "tsconfig.next.json"));
  try {
    execFileSync(path.join(ROOT, "node_modules", ".bin", "next"), ["build"], {
      cwd: ROOT,
      env: { ...process.env, KEYWARD_BENCH_BUILD: "1", KEYWARD_DIST_DIR: BENCH_DIST, NEXT_TELEMETRY_DISABLED: "1" },
      stdio: "pipe",
    });
  } finally {
    // next build adds its dist folder's types to its tsconfig; keep the committed file as it was.
    fs.writeFileSync(path.join(ROOT, "tsconfig.next.json"), tsconfig);
  }
}

export type BenchServer = { proc: ChildProcess; url: string; pid: number; stop(): Promise<void>; output(): string };

/** Start scripts/server.ts (no build step, no seeding) on the bench build with a given data folder. */
export async function startBenchServer(
  dataDir: string,
  port: number,
  env: Record<string, string> = {},
): Promise<BenchServer> {
  const script = `require("./scripts/server").startServer({ port: ${port}, host: "127.0.0.1" }).then(() => console.log("ready"))`;
  // BENCH_SERVER_NODE_ARGS: extra node flags for the server only (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const proc = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "-e", script], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      KEYWARD_BENCH_BUILD: "1",
      KEYWARD_DIST_DIR: BENCH_DIST,
      KEYWARD_DATA_DIR: dataDir,
      // The bench's PostgreSQL database when it runs on one (bench/run.ts --db), else the folder's SQLite file.
      DATABASE_URL: process.env.DATABASE_URL?.startsWith("postgres")
        ? process.env.DATABASE_URL
        : `file:${path.join(dataDir, "keyward.db")}`,
      NEXTAUTH_URL: `http://127.0.0.1:${port}`,
      NEXT_TELEMETRY_DISABLED: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout!.on("data", (d) => (out += String(d)));
  proc.stderr!.on("data", (d) => (out += String(d)));
  const deadline = Date.now() + 60_000;
  while (!out.includes("ready")) {
    if (proc.exitCode !== null) throw new Error(`bench server exited:\n${out}`);
    if (Date.now() > deadline) throw new Error(`bench server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    proc,
    url: `http://127.0.0.1:${port}`,
    pid: proc.pid!,
    output: () => out,
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await exited;
    },
  };
}

/** Resident set size and its high-water mark (VmHWM) of a process, in MB (Linux /proc). */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
}

/** Sample a process's RSS every few ms while fn runs; returns the peak seen. */
export async function peakRssDuring<T>(
  pid: number,
  fn: () => Promise<T>,
): Promise<{ result: T; peakRssMb: number; startRssMb: number }> {
  const startRssMb = memoryOf(pid).rssMb;
  let peak = startRssMb;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, memoryOf(pid).rssMb);
    } catch {
      // the process may be exiting
    }
  }, 5);
  try {
    const result = await fn();
    return { result, peakRssMb: Math.max(peak, memoryOf(pid).rssMb), startRssMb };
  } finally {
    clearInterval(timer);
  }
}

/** Sign a user in through next-auth's credentials flow; returns the Cookie header for later requests. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const csrfRes = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const [k, ...v] = pair!.split("=");
      jar.set(k!, v.join("="));
    }
  };
  keep(csrfRes);
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      // The dashboard refuses a session request that names no origin (cross-site protection), as a browser's would.
      origin: baseUrl,
      cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; "),
    },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  keep(res);
  const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  if (!cookie.includes("session-token")) throw new Error(`sign-in failed (${res.status})`);
  return cookie;
}

export function machine() {
  return {
    cpus: `${os.cpus().length} x ${os.cpus()[0]?.model ?? "unknown"}`,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

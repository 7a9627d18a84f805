import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export type RunningServer = {
  proc: ChildProcess;
  port: number;
  dataDir: string;
  baseUrl: string;
  output: () => string;
};

/** Start a separate Keyward server (same production build) on its own port and data folder. */
export async function startKeyward(opts: {
  port: number;
  dataDir?: string;
  /** Extra environment (a shared DATABASE_URL and REDIS_URL for several instances). */
  env?: Record<string, string>;
}): Promise<RunningServer> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "keyward-e2e-"));
  let out = "";
  const proc = spawn("npx", ["tsx", "scripts/start.ts"], {
    env: {
      ...process.env,
      PORT: String(opts.port),
      HOST: "127.0.0.1",
      KEYWARD_DATA_DIR: dataDir,
      KEYWARD_SEED_DEMO: "1",
      NEXTAUTH_URL: `http://127.0.0.1:${opts.port}`,
      ...opts.env,
    },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout!.on("data", (d) => (out += String(d)));
  proc.stderr!.on("data", (d) => (out += String(d)));
  const deadline = Date.now() + 120_000;
  while (!out.includes("ready on")) {
    if (proc.exitCode !== null) throw new Error(`server exited early:\n${out}`);
    if (Date.now() > deadline) throw new Error(`server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { proc, port: opts.port, dataDir, baseUrl: `http://127.0.0.1:${opts.port}`, output: () => out };
}

/** Signal the server's whole process group (npx -> tsx -> node) and wait for it to exit. */
export async function stopKeyward(server: RunningServer, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise<void>((resolve) => {
    if (server.proc.exitCode !== null || server.proc.signalCode !== null) resolve();
    else server.proc.once("exit", () => resolve());
  });
  if (signal === "SIGKILL") process.kill(-server.proc.pid!, "SIGKILL");
  else {
    // Only the node process that runs the server handles SIGTERM; signalling npx would orphan it.
    process.kill(serverPid(server), signal);
  }
  await exited;
  // With SIGKILL the group is gone; otherwise the wrappers exit once the server does.
  await new Promise((r) => setTimeout(r, 200));
}

/** The server prints its own pid when ready: the one process that handles SIGTERM (npx/tsx only wrap it). */
function serverPid(server: RunningServer): number {
  const match = /server pid (\d+)/.exec(server.output());
  if (!match) throw new Error(`the server did not print its pid:\n${server.output()}`);
  return Number(match[1]);
}

export function createKeyWithCli(
  dataDir: string,
  args: string[],
  env: Record<string, string> = {},
): { keyId: string; secret: string } {
  const out = execFileSync("npx", ["tsx", "scripts/create-key.ts", "--json", ...args], {
    env: { ...process.env, KEYWARD_DATA_DIR: dataDir, ...env },
  }).toString();
  return JSON.parse(out.trim().split("\n").pop()!) as { keyId: string; secret: string };
}

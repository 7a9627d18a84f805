import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { claimInstance, InstanceLockedError, readHolder } from "./instance";

const dirs: string[] = [];
/** tsx runs the script in a child node process: signal the whole group (each holder starts its own). */
const killGroup = (child: ChildProcess) => {
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    // Already gone.
  }
};
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) killGroup(child);
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyward-instance-"));
  dirs.push(dir);
  return dir;
}

/** Another process that claims the folder and holds it until killed: its instance id and pid (tsx wraps it). */
async function holder(dir: string): Promise<{ child: ChildProcess; id: string; pid: number }> {
  const child = spawn(path.join("node_modules", ".bin", "tsx"), ["test/hold-instance.ts", dir], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  children.push(child);
  let out = "";
  child.stdout!.on("data", (d) => (out += String(d)));
  child.stderr!.on("data", (d) => (out += String(d)));
  const deadline = Date.now() + 30_000;
  let claimed: RegExpExecArray | null;
  while (!(claimed = /claimed (\w+) by (\d+)/.exec(out))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`holder did not claim:\n${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, id: claimed[1]!, pid: Number(claimed[2]) };
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => child.once("exit", () => resolve()));

describe("claimInstance", () => {
  it("refuses a data folder a live process holds, naming it, and takes it over once that process is killed", async () => {
    const dir = dataDir();
    const first = await holder(dir);

    let refusal: unknown;
    try {
      claimInstance(dir);
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(InstanceLockedError);
    expect((refusal as Error).message).toBe(
      `The data folder ${dir} is in use by Keyward process ${first.pid} on host ${os.hostname()} ` +
        `(started ${readHolder(dir)!.startedAt}). Each instance needs its own data folder (it keeps that ` +
        `instance's request log spool): stop that process, or give this one another KEYWARD_DATA_DIR.`,
    );

    // SIGKILL: no cleanup ran, yet the kernel released the lock with the process.
    const gone = exited(first.child);
    killGroup(first.child);
    await gone;
    const instance = claimInstance(dir);
    // The identity belongs to the data folder: whoever restarts there is the same instance.
    expect(instance).toEqual({ id: first.id, dataDir: dir });
    expect(readHolder(dir)).toMatchObject({ instanceId: first.id, pid: process.pid, host: os.hostname() });
  });

  it("keeps one id per data folder; claiming again in the same process returns the same instance", () => {
    const a = dataDir();
    const b = dataDir();
    const first = claimInstance(a);
    expect(first.id).toMatch(/^[0-9a-f]{16}$/);
    expect(claimInstance(a)).toBe(first);
    expect(claimInstance(b).id).not.toBe(first.id);
    expect(fs.readFileSync(path.join(a, "instance-id"), "utf8").trim()).toBe(first.id);
    expect(fs.statSync(path.join(a, "instance-id")).mode & 0o077).toBe(0);
  });

  it("a second process on a held folder is refused while the first keeps it", async () => {
    const dir = dataDir();
    const mine = claimInstance(dir);
    const child = spawn(path.join("node_modules", ".bin", "tsx"), ["test/hold-instance.ts", dir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let out = "";
    child.stderr!.on("data", (d) => (out += String(d)));
    const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    expect(code).not.toBe(0);
    expect(out).toContain(`The data folder ${dir} is in use by Keyward process ${process.pid}`);
    expect(claimInstance(dir)).toBe(mine);
  });
});

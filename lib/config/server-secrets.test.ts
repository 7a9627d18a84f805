import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadServerSecrets } from "./server-secrets";

const saved = { ...process.env };
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyward-secrets-"));
  process.env.KEYWARD_DATA_DIR = dir;
  delete process.env.NEXTAUTH_SECRET;
  delete process.env.KEYWARD_SECRET_PEPPER;
  delete process.env.NEXT_PHASE;
  delete (globalThis as { __keywardSecrets?: unknown }).__keywardSecrets;
});

afterEach(() => {
  process.env = { ...saved };
  delete (globalThis as { __keywardSecrets?: unknown }).__keywardSecrets;
  fs.rmSync(dir, { recursive: true, force: true });
});

const file = () => path.join(dir, "server-secrets.json");

describe("loadServerSecrets", () => {
  it("generates secrets once into an owner-only file and keeps them across restarts", () => {
    const first = loadServerSecrets();
    expect(first.secretPepper).toHaveLength(43);
    expect(fs.statSync(file()).mode & 0o777).toBe(0o600);
    delete (globalThis as { __keywardSecrets?: unknown }).__keywardSecrets;
    expect(loadServerSecrets()).toEqual(first);
    expect(fs.readdirSync(dir)).toEqual(["server-secrets.json"]); // no temp file left behind
  });

  it("tightens a secrets file whose mode was loosened", () => {
    loadServerSecrets();
    fs.chmodSync(file(), 0o644);
    delete (globalThis as { __keywardSecrets?: unknown }).__keywardSecrets;
    loadServerSecrets();
    expect(fs.statSync(file()).mode & 0o777).toBe(0o600);
  });

  it("takes secrets from the environment, refusing short ones", () => {
    process.env.NEXTAUTH_SECRET = "s".repeat(32);
    process.env.KEYWARD_SECRET_PEPPER = "p".repeat(32);
    expect(loadServerSecrets()).toEqual({ sessionSecret: "s".repeat(32), secretPepper: "p".repeat(32) });
    expect(fs.existsSync(file())).toBe(false);
    delete (globalThis as { __keywardSecrets?: unknown }).__keywardSecrets;
    process.env.KEYWARD_SECRET_PEPPER = "short";
    expect(() => loadServerSecrets()).toThrow("KEYWARD_SECRET_PEPPER must be at least 32 characters");
  });

  it("never writes secrets during a production build", () => {
    process.env.NEXT_PHASE = "phase-production-build";
    const a = loadServerSecrets();
    const b = loadServerSecrets();
    expect(a.secretPepper).not.toEqual(b.secretPepper);
    expect(fs.existsSync(file())).toBe(false);
  });
});

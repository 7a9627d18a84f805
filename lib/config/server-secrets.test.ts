import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadEnv } from "./env";
import { loadServerSecrets } from "./server-secrets";

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyward-secrets-"));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const file = () => path.join(dir, "server-secrets.json");
const envWith = (vars: Record<string, string> = {}) => loadEnv({ KEYWARD_DATA_DIR: dir, ...vars });

describe("loadServerSecrets", () => {
  it("generates secrets once into an owner-only file and keeps them across restarts", () => {
    const first = loadServerSecrets(envWith());
    expect(first.secretPepper).toHaveLength(43);
    expect(first.sessionSecret).not.toEqual(first.secretPepper);
    expect(fs.statSync(file()).mode & 0o777).toBe(0o600);
    expect(loadServerSecrets(envWith())).toEqual(first);
    expect(fs.readdirSync(dir)).toEqual(["server-secrets.json"]); // no temp file left behind
  });

  it("tightens a secrets file whose mode was loosened", () => {
    loadServerSecrets(envWith());
    fs.chmodSync(file(), 0o644);
    loadServerSecrets(envWith());
    expect(fs.statSync(file()).mode & 0o777).toBe(0o600);
  });

  it("takes secrets from the environment and then writes nothing", () => {
    const env = envWith({ NEXTAUTH_SECRET: "s".repeat(32), KEYWARD_SECRET_PEPPER: "p".repeat(32) });
    expect(loadServerSecrets(env)).toEqual({ sessionSecret: "s".repeat(32), secretPepper: "p".repeat(32) });
    expect(fs.existsSync(file())).toBe(false);
  });

  it("completes one secret from the environment with the other from the file", () => {
    const generated = loadServerSecrets(envWith());
    const env = envWith({ KEYWARD_SECRET_PEPPER: "p".repeat(32) });
    expect(loadServerSecrets(env)).toEqual({ sessionSecret: generated.sessionSecret, secretPepper: "p".repeat(32) });
  });

  it("never writes secrets during a production build", () => {
    const env = envWith({ NEXT_PHASE: "phase-production-build" });
    const a = loadServerSecrets(env);
    const b = loadServerSecrets(env);
    expect(a.secretPepper).not.toEqual(b.secretPepper);
    expect(fs.existsSync(file())).toBe(false);
  });
});

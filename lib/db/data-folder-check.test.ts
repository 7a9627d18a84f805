import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { assertDataFolderWritable, StartupError, startupFailureSentence } from "./data-folder-check";
import { canMountTmpfs, mountTmpfs, type Tmpfs } from "@/test/storage-faults";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyward-datadir-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function sentenceFor(dir: string, files: string[] = []): string {
  try {
    assertDataFolderWritable(dir, files);
  } catch (err) {
    expect(err).toBeInstanceOf(StartupError);
    return (err as Error).message;
  }
  throw new Error("expected the data folder to be refused");
}

describe("assertDataFolderWritable", () => {
  it("creates a missing folder owner-only and accepts it", () => {
    const dir = path.join(tempDir(), "a", "b");
    assertDataFolderWritable(dir);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(dir)).toEqual([]); // the probe file is gone
  });

  it("a file where the folder should be: one sentence saying so", () => {
    const file = path.join(tempDir(), "data");
    fs.writeFileSync(file, "");
    expect(sentenceFor(file)).toBe(
      `Keyward cannot use its data folder ${file}: a file stands where a folder should be. Move it away or set KEYWARD_DATA_DIR to another folder.`,
    );
    expect(sentenceFor(path.join(file, "inside"))).toMatch(/a file stands where a folder should be/);
  });

  describe.skipIf(!canMountTmpfs())("on a real read-only or full file system", () => {
    let fsys: Tmpfs;
    const mount = () => {
      fsys = mountTmpfs(1024 * 1024);
      cleanups.push(() => fsys.unmount());
      return fsys.dir;
    };

    it("read-only (the folder itself, or one to be created in it)", () => {
      const dir = mount();
      fsys.readOnly(true);
      const fix = "Mount it read-write or set KEYWARD_DATA_DIR to another folder.";
      expect(sentenceFor(dir)).toBe(`Keyward cannot use its data folder ${dir}: the file system is read-only. ${fix}`);
      expect(sentenceFor(path.join(dir, "data"))).toBe(
        `Keyward cannot use its data folder ${path.join(dir, "data")}: the file system is read-only. ${fix}`,
      );
    });

    it("full", () => {
      const dir = mount();
      fsys.fill();
      expect(sentenceFor(dir)).toMatch(
        new RegExp(
          `^Keyward cannot use its data folder ${dir}: the disk is full(?: \\(\\d+ KiB free\\))?\\. Free some space or set KEYWARD_DATA_DIR to another folder\\.$`,
        ),
      );
    });
  });
});

describe("startupFailureSentence", () => {
  it("says a storage failure plainly and leaves other errors to the stack trace", () => {
    const full = Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
    expect(startupFailureSentence(full, "/srv/keyward")).toBe(
      "Keyward cannot write to its database in /srv/keyward (SQLITE_FULL: database or disk is full). Check that the folder is writable and has free space.",
    );
    expect(startupFailureSentence(new TypeError("bug"), "/srv/keyward")).toBeNull();
  });
});

describe("npm start with an unusable data folder", () => {
  it("prints one sentence on stderr and exits non-zero, before building or migrating", { timeout: 120_000 }, () => {
    const file = path.join(tempDir(), "not-a-folder");
    fs.writeFileSync(file, "");
    const run = spawnSync(path.join(process.cwd(), "node_modules", ".bin", "tsx"), ["scripts/start.ts"], {
      env: { ...process.env, KEYWARD_DATA_DIR: file, DATABASE_URL: "", PORT: "1" },
      encoding: "utf8",
      timeout: 110_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `[keyward] Keyward cannot use its data folder ${file}: a file stands where a folder should be. Move it away or set KEYWARD_DATA_DIR to another folder.\n`,
    );
  });
});

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";

/**
 * Real storage faults for tests. A tiny tmpfs gives a genuine full disk (ENOSPC inside SQLite's own writes,
 * which is where COMMIT fails in WAL mode) and a genuine read-only file system; it needs mount rights
 * (root with CAP_SYS_ADMIN, as on the project's machines). Without them the tests that need it are skipped
 * and say so; the portable faults (a lock held by another connection) run everywhere.
 */
export type Tmpfs = { dir: string; fill(): void; free(): void; readOnly(on: boolean): void; unmount(): void };

let mountable: boolean | undefined;

export function canMountTmpfs(): boolean {
  if (mountable !== undefined) return mountable;
  if (process.platform !== "linux" || process.getuid?.() !== 0) return (mountable = false);
  try {
    const t = mountTmpfs(64 * 1024);
    t.unmount();
    mountable = true;
  } catch {
    mountable = false;
  }
  return mountable;
}

export const TMPFS_SKIP_REASON = "needs root with mount rights to make a real full or read-only file system";

export function mountTmpfs(bytes: number): Tmpfs {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyward-tmpfs-"));
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${bytes},mode=0700`, "tmpfs", dir], { stdio: "pipe" });
  const filler = path.join(dir, `.filler-${randomUUID()}`);
  return {
    dir,
    /** Write until the file system refuses: the next write anywhere on it gets ENOSPC. */
    fill() {
      const fd = fs.openSync(filler, "a");
      const chunk = Buffer.alloc(64 * 1024);
      try {
        for (;;) fs.writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
      }
      // The last partial blocks: fill them byte by byte (a page-sized write may still fit).
      const small = Buffer.alloc(512);
      try {
        for (;;) fs.writeSync(fd, small);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
      } finally {
        fs.closeSync(fd);
      }
    },
    free() {
      fs.rmSync(filler, { force: true });
    },
    /**
     * Remount read-only or read-write. Linux refuses (EBUSY) while any file on it is open for writing, so
     * this serves start-up checks; a running server only meets a read-only file system after the kernel's
     * emergency remount, which a test cannot cause without taking the whole machine with it.
     */
    readOnly(on: boolean) {
      execFileSync("mount", ["-o", `remount,${on ? "ro" : "rw"}`, dir], { stdio: "pipe" });
    },
    unmount() {
      execFileSync("umount", ["-l", dir], { stdio: "pipe" });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

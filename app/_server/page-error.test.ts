import { describe, expect, it } from "vitest";
import { rethrowForPage } from "./page-error";
import { isStorageUnavailable, STORAGE_UNAVAILABLE_DIGEST } from "@/components/errors/storage-digest";

const thrown = (fn: () => never): Error & { digest?: string } => {
  try {
    fn();
  } catch (err) {
    return err as Error & { digest?: string };
  }
  throw new Error("expected a throw");
};

describe("rethrowForPage", () => {
  it("marks a storage failure with the digest the error boundaries recognise", () => {
    const full = Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
    const err = thrown(() => rethrowForPage(full));
    expect(err.digest).toBe(STORAGE_UNAVAILABLE_DIGEST);
    expect(isStorageUnavailable(err)).toBe(true);
    expect(err.message).toMatch(/^Storage unavailable: /);
    expect(err.cause).toBe(full);
  });

  it("passes anything else through unchanged", () => {
    const bug = new TypeError("x is undefined");
    expect(thrown(() => rethrowForPage(bug))).toBe(bug);
    expect(isStorageUnavailable(bug as { digest?: string })).toBe(false);
  });
});

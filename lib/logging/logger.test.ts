import { describe, expect, it } from "vitest";
import { createLogger, formatPretty } from "./logger";

function capture(format: "json" | "pretty" = "json") {
  const lines: string[] = [];
  const logger = createLogger(
    { KEYWARD_LOG_LEVEL: "info", KEYWARD_LOG_FORMAT: format },
    { write: (line: string) => void lines.push(line) },
  );
  return { logger, lines, events: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const SECRET = "kwsec_live_ThisMustNeverAppearInAnyLogLine0000000000";

describe("the server's logger", () => {
  it("writes one JSON object a line with the level's name, an ISO time and the message", () => {
    const { logger, events } = capture();
    logger.info({ port: 3000 }, "ready on http://localhost:3000 (sign in at /sign-in; server pid 42)");
    expect(events()).toEqual([
      {
        level: "info",
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        service: "keyward",
        pid: process.pid,
        port: 3000,
        msg: "ready on http://localhost:3000 (sign in at /sign-in; server pid 42)",
      },
    ]);
  });

  it.each([
    ["a request's headers", { req: { headers: { authorization: `Basic ${SECRET}`, "x-api-secret": SECRET } } }],
    ["top-level fields", { secret: SECRET, password: SECRET, token: SECRET, "x-api-secret": SECRET }],
    ["an input object", { input: { secret: SECRET, passwordHash: SECRET } }],
    ["the server's secrets", { secrets: { secretPepper: SECRET, sessionSecret: SECRET } }],
    [
      "an environment",
      { env: { KEYWARD_SECRET_PEPPER: SECRET, NEXTAUTH_SECRET: SECRET, KEYWARD_METRICS_TOKEN: SECRET } },
    ],
    ["cookies", { res: { headers: { "set-cookie": SECRET, cookie: SECRET } } }],
  ])("never writes a secret: %s", (_what, fields) => {
    const { logger, lines } = capture();
    logger.error(fields, "something failed");
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(SECRET);
    expect(lines[0]).toContain("[redacted]");
  });

  it("serialises an error with its message and stack", () => {
    const { logger, events } = capture();
    logger.error({ err: new Error("database is locked") }, "request log flush failed; will retry");
    expect(events()[0]).toMatchObject({
      level: "error",
      err: {
        type: "Error",
        message: "database is locked",
        stack: expect.stringContaining("Error: database is locked"),
      },
    });
  });

  it("respects the level", () => {
    const lines: string[] = [];
    const logger = createLogger(
      { KEYWARD_LOG_LEVEL: "warn", KEYWARD_LOG_FORMAT: "json" },
      { write: (line: string) => void lines.push(line) },
    );
    logger.info("hidden");
    logger.warn("shown");
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(["shown"]);
  });
});

describe("formatPretty", () => {
  it("makes one readable line: the message, the level unless info, extra fields, an error's stack", () => {
    const line = (event: Record<string, unknown>) =>
      JSON.stringify({ level: "info", time: "2026-11-30T00:00:00.000Z", service: "keyward", pid: 1, ...event });
    expect(formatPretty(line({ msg: "stopped cleanly" }))).toBe("[keyward] stopped cleanly\n");
    expect(formatPretty(line({ level: "warn", msg: "check failed", check: "database", n: 2 }))).toBe(
      "[keyward] WARN check failed check=database n=2\n",
    );
    expect(
      formatPretty(line({ level: "error", msg: "boom", err: { message: "x", stack: "Error: x\n    at y" } })),
    ).toBe("[keyward] ERROR boom\nError: x\n    at y\n");
  });
});

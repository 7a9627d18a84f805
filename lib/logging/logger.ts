import "server-only";
import pino, { type DestinationStream, type Logger } from "pino";
import type { Env } from "../config/env";
import { redactSecrets } from "../security/redact-secrets";

export type { Logger } from "pino";

/**
 * Field names that can carry a secret: request headers (authorization, cookie, x-api-secret), inputs (secret,
 * password), the server's own secrets and tokens. Censored wherever they appear up to three levels deep, so
 * `log.error({ req: { headers } }, …)` cannot leak a credential even by mistake.
 */
const SECRET_FIELDS = [
  "authorization",
  "cookie",
  "set-cookie",
  "x-api-secret",
  "secret",
  "secretHash",
  "password",
  "passwordHash",
  "token",
  "secretPepper",
  "sessionSecret",
  "NEXTAUTH_SECRET",
  "KEYWARD_SECRET_PEPPER",
  "KEYWARD_METRICS_TOKEN",
  "KEYWARD_OPERATOR_TOKEN",
];

const access = (field: string) => (/^[A-Za-z_$][\w$]*$/.test(field) ? `.${field}` : `["${field}"]`);

export const REDACT_PATHS = SECRET_FIELDS.flatMap((field) => [
  access(field).replace(/^\./, ""),
  `*${access(field)}`,
  `*.*${access(field)}`,
  `*.*.*${access(field)}`,
]);

type LoggerOptions = Pick<Env, "KEYWARD_LOG_LEVEL" | "KEYWARD_LOG_FORMAT">;

/**
 * The server's own output (not the request log, which is data in the database): JSON lines for a log collector,
 * or one readable line per event for a person at a terminal (the default when stdout is one). Writes are
 * synchronous: the last lines before an exit (a refused start, "stopped cleanly") are never lost.
 */
export function createLogger(env: LoggerOptions, destination?: DestinationStream): Logger {
  const format = env.KEYWARD_LOG_FORMAT ?? (process.stdout.isTTY ? "pretty" : "json");
  const out = redacting(
    destination ?? (format === "pretty" ? prettyStream() : pino.destination({ dest: 1, sync: true })),
  );
  return pino(
    {
      level: env.KEYWARD_LOG_LEVEL,
      base: { service: "keyward", pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    },
    out,
  );
}

const HIDDEN = new Set(["level", "time", "service", "pid", "hostname", "msg", "err"]);

/** One line per event: `[keyward] message key=value…`, the level when it is not info, an error's stack below. */
export function formatPretty(line: string): string {
  const event = JSON.parse(line) as Record<string, unknown> & { level?: string; msg?: string };
  const level = event.level && event.level !== "info" ? `${event.level.toUpperCase()} ` : "";
  const extras = Object.entries(event)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => ` ${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join("");
  const err = event.err as { stack?: string; message?: string } | undefined;
  const detail = err ? `\n${err.stack ?? err.message ?? JSON.stringify(err)}` : "";
  return `[keyward] ${level}${event.msg ?? ""}${extras}${detail}\n`;
}

/**
 * Field names are censored above; a secret inside a message, a URL or an error's text is caught here, on the
 * finished line, whatever field carries it.
 */
function redacting(out: DestinationStream): DestinationStream {
  return { write: (line: string) => void out.write(redactSecrets(line)) };
}

function prettyStream(): DestinationStream {
  return { write: (line: string) => void process.stdout.write(formatPretty(line)) };
}

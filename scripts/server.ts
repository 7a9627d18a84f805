import http from "node:http";
import next from "next";
import { CLIENT_IP_HEADER } from "../lib/http/client-ip";
import { answerPreflightRefusal, preflight } from "../lib/http/preflight";
import { securityHeaders } from "../lib/http/security-headers";
import { closeServices, services } from "../lib/services";

/**
 * Keyward's HTTP server: Next.js behind a thin Node server that (1) records the socket's address in a header
 * no client can forge, for IP allowlists and the log, and (2) shuts down gracefully: stop accepting, let
 * in-flight requests finish, then flush the request log writer before exiting.
 */
export async function startServer(opts: { port: number; host: string }): Promise<http.Server> {
  const log = services().logger;
  const app = next({ dev: false, dir: process.cwd(), hostname: opts.host, port: opts.port });
  const handle = app.getRequestHandler();
  await app.prepare();

  let stopping = false;
  const server = http.createServer((req, res) => {
    req.headers[CLIENT_IP_HEADER] = req.socket.remoteAddress ?? "";
    // While stopping, answer what arrives but close the connection after it: a busy keep-alive client would
    // otherwise hold its socket open forever and the server could never finish closing.
    if (stopping) res.setHeader("Connection", "close");
    for (const [name, value] of securityHeaders(req.headers, services().env, req.url)) res.setHeader(name, value);
    const verdict = preflight(req.method ?? "", req.url ?? "/");
    if (verdict.kind === "refuse") {
      answerPreflightRefusal(req, res, verdict).catch((err: unknown) => {
        log.error({ err }, "could not answer a refused request");
        res.destroy();
      });
      return;
    }
    if (verdict.url !== undefined) req.url = verdict.url;
    void handle(req, res);
  });
  server.keepAliveTimeout = 65_000;

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, `${signal}: finishing in-flight requests and flushing the request log...`);
    const force = setTimeout(() => {
      log.error("shutdown took over 20 s; exiting (the log spool is replayed on the next start)");
      process.exit(1);
    }, 20_000);
    force.unref();
    const reapIdle = setInterval(() => server.closeIdleConnections(), 50);
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    clearInterval(reapIdle);
    // The services Next's routes created (shared through lib/services.ts): flush the log, close connections.
    await closeServices();
    log.info("stopped cleanly");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  await new Promise<void>((resolve) => server.listen(opts.port, opts.host, resolve));
  return server;
}

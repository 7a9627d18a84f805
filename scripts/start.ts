import { shouldSeedDemo } from "../lib/config/env";
import { closeServices, services } from "../lib/services";
import { assertDataFolderWritable } from "../lib/db/data-folder-check";
import { exitOnStartFailure } from "./start-failure";
import { buildIfNeeded } from "./build-if-needed";
import { prepareData } from "./prepare-data";
import { startServer } from "./server";

/** `npm start`: build if needed, migrate, seed a first start, serve. */
async function main() {
  const { env } = services();
  const { PORT: port, HOST: host } = env;
  const seedDemo = shouldSeedDemo(env);
  // Before a build that may take a minute: a data folder that cannot take writes fails the start at once, and a
  // second process on a folder already claimed stops here, before it builds or migrates anything.
  assertDataFolderWritable(env.dataDir);
  void services().instance;
  process.env.NEXTAUTH_URL ??= `http://localhost:${port}`;
  buildIfNeeded();
  // Next's production server must run with NODE_ENV=production; the demo decision was taken above.
  (process.env as Record<string, string>).NODE_ENV = "production";
  await prepareData({ seedDemo });
  // The environment changed above (NODE_ENV, NEXTAUTH_URL): the server builds its services afresh.
  await closeServices();
  await startServer({ port, host });
  const log = services().logger;
  // The pid is the process to signal for a graceful stop (npm and tsx wrap it).
  log.info(
    { port, instance: services().instance.id },
    `ready on http://localhost:${port} (sign in at /sign-in; server pid ${process.pid})`,
  );
  if (seedDemo && host !== "127.0.0.1" && host !== "localhost" && host !== "::1") {
    log.warn(
      "serving beyond this machine with demo accounts enabled. Their passwords are public: set NODE_ENV=production or KEYWARD_SEED_DEMO=0 before exposing Keyward.",
    );
  }
}

main().catch((err: unknown) => exitOnStartFailure(err, "failed to start"));

import { migratePostgres } from "../lib/db/pg-migrate";

// One "instance start" for lib/db/pg-migrate.pg.test.ts: migrate the database in argv[2], print the result.
migratePostgres(process.argv[2]!, process.argv[3] ? { dir: process.argv[3] } : {}).then(
  (result) => console.log(JSON.stringify(result)),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);

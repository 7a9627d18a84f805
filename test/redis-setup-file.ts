import { randomBytes } from "node:crypto";

// After test/setup-file.ts: this file's services share Redis, under a prefix of the file's own (files run in
// parallel, and counters such as "unauthenticated:<ip>" must not add up across them).
process.env.REDIS_URL = process.env.KEYWARD_TEST_REDIS_URL!;
process.env.KEYWARD_REDIS_PREFIX = `${process.env.KEYWARD_TEST_REDIS_RUN_PREFIX!}${randomBytes(4).toString("hex")}:`;

import { claimInstance } from "../lib/instance/instance";

/** A process that claims a data folder and keeps it until killed (lib/instance/instance.test.ts). */
const instance = claimInstance(process.argv[2]!);
console.log(`claimed ${instance.id} by ${process.pid}`);
setInterval(() => undefined, 60_000);

// `import "server-only"` keeps a module out of the browser bundle: Next.js resolves it to a build error in client
// code and to nothing on the server. Outside Next (tsx scripts, vitest, tsc) the package itself would throw, so
// tsconfig.json maps it here; tsconfig.next.json, which Next reads, does not.
export {};

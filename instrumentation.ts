export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { connectShared } = await import("./lib/services");
  await connectShared();
  const { startMaintenance } = await import("./lib/maintenance");
  await startMaintenance();
}

import { cookies } from "next/headers";
import { requireSessionActor } from "@/app/_server/session";
import { DashboardShell } from "@/components/layout/dashboard-shell";
import { readThemeChoice, THEME_COOKIE } from "@/components/layout/theme";

// Per-request (it reads the session): never prerendered at build time, when no secret may be touched.
export const dynamic = "force-dynamic";

/** Every page in this group needs a signed-in user; pages call requireSessionActor() again for the actor. */
export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const actor = await requireSessionActor();
  const theme = readThemeChoice((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <DashboardShell actor={actor} theme={theme}>
      {children}
    </DashboardShell>
  );
}

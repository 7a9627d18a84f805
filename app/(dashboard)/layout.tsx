import { cookies } from "next/headers";
import { requireSessionActor } from "@/app/_server/session";
import { AppHeader } from "@/components/layout/app-header";
import { FindRequestForm } from "@/components/layout/find-request";
import { SignOutButton } from "@/components/layout/sign-out-button";
import { ThemeToggle } from "@/components/layout/theme-toggle";
import { readThemeChoice, THEME_COOKIE } from "@/components/layout/theme";
import { Badge } from "@/components/ui/badge";

// Per-request (it reads the session): never prerendered at build time, when no secret may be touched.
export const dynamic = "force-dynamic";

/** Every page in this group needs a signed-in user; pages call requireSessionActor() again for the actor. */
export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const actor = await requireSessionActor();
  const theme = readThemeChoice((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <div className="min-h-screen">
      <a
        href="#content"
        className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium text-indigo-700 shadow focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
      >
        Skip to content
      </a>
      <AppHeader
        search={<FindRequestForm id="find-request" compact />}
        account={
          <>
            <span className="text-xs break-all text-slate-600" data-testid="current-user">
              {actor.email}
            </span>
            {actor.role === "support" ? <Badge tone="amber">support</Badge> : null}
            <ThemeToggle initial={theme} />
            <SignOutButton />
          </>
        }
      />
      <main id="content" tabIndex={-1} className="mx-auto max-w-7xl px-4 py-6 focus:outline-none">
        {children}
      </main>
    </div>
  );
}

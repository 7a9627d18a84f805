import type { ReactNode } from "react";
import type { Actor } from "@/lib/auth/actor";
import { Badge } from "../ui/badge";
import { AppHeader } from "./app-header";
import { FindRequestForm } from "./find-request";
import { SignOutButton } from "./sign-out-button";
import { ThemeToggle } from "./theme-toggle";
import type { ThemeChoice } from "./theme";

type UserActor = Extract<Actor, { kind: "user" }>;

/**
 * The signed-in shell: skip link, header (nav, find-request box, account) and the main landmark. One component
 * for the dashboard layout and for the root not-found page, so a mistyped address keeps the whole navigation.
 */
export function DashboardShell({
  actor,
  theme,
  children,
}: {
  actor: UserActor;
  theme: ThemeChoice;
  children: ReactNode;
}) {
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

"use client";

import Link from "next/link";
import { useEffect, useState, type ReactNode } from "react";
import { NavLinks } from "./nav-links";
import { cn } from "../ui/cn";

/**
 * The dashboard's header. Wide screens show everything in one row; below md the links, the find box and the
 * account controls fold behind a "Menu" button, so no page is wider than a phone.
 */
export function AppHeader({ search, account }: { search: ReactNode; account: ReactNode }) {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") setOpen(false);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);

  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex min-h-12 max-w-7xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2">
        <Link href="/" className="text-sm font-semibold tracking-tight text-slate-900">
          Keyward
        </Link>
        <button
          type="button"
          className="ml-auto h-8 rounded-md border border-slate-300 px-2.5 text-xs font-medium text-slate-800 md:hidden"
          aria-expanded={open}
          aria-controls="main-menu"
          onClick={() => setOpen(!open)}
        >
          {open ? "Close menu" : "Menu"}
        </button>
        <div
          id="main-menu"
          className={cn(
            "w-full flex-col gap-3 md:flex md:w-auto md:flex-1 md:flex-row md:items-center",
            open ? "flex" : "hidden",
          )}
          onClick={(event) => {
            // A followed link closes the menu.
            if ((event.target as HTMLElement).closest("a")) setOpen(false);
          }}
        >
          <nav aria-label="Main">
            <NavLinks />
          </nav>
          <div className="md:ml-auto">{search}</div>
          <div className="flex flex-wrap items-center gap-2">{account}</div>
        </div>
      </div>
    </header>
  );
}

"use client";

import { useState } from "react";
import { THEME_COOKIE, type ThemeChoice } from "./theme";

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: "light", light: "dark", dark: "system" };
const LABEL: Record<ThemeChoice, string> = { system: "Theme: system", light: "Theme: light", dark: "Theme: dark" };

/**
 * Cycles system -> light -> dark. The choice is a cookie the root layout reads, so the server renders the
 * right class on <html> and the page never flashes the other theme (no inline script, which a CSP would block).
 */
export function ThemeToggle({ initial }: { initial: ThemeChoice }) {
  const [choice, setChoice] = useState<ThemeChoice>(initial);
  function change() {
    const next = NEXT[choice];
    setChoice(next);
    document.cookie =
      next === "system"
        ? `${THEME_COOKIE}=; path=/; max-age=0; samesite=lax`
        : `${THEME_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
    const root = document.documentElement;
    root.classList.toggle("dark", next === "dark");
    root.classList.toggle("light", next === "light");
  }
  return (
    <button
      type="button"
      onClick={change}
      data-testid="theme-toggle"
      className="h-8 rounded-md px-2 text-xs font-medium whitespace-nowrap text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
    >
      {LABEL[choice]}
    </button>
  );
}

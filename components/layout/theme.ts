/** The theme a person chose; "system" follows prefers-color-scheme. Kept in a cookie the root layout reads. */
export type ThemeChoice = "system" | "light" | "dark";
export const THEME_COOKIE = "keyward-theme";

export function readThemeChoice(value: string | undefined): ThemeChoice {
  return value === "light" || value === "dark" ? value : "system";
}

/** Rotation grace periods, in a module with no zod or Node imports so the rotate dialog can use it. */
export const MAX_GRACE_SECONDS = 30 * 24 * 3600;

export const GRACE_PRESETS = [
  { label: "Now", seconds: 0 },
  { label: "1 hour", seconds: 3600 },
  { label: "24 hours", seconds: 86400 },
  { label: "7 days", seconds: 7 * 86400 },
] as const;

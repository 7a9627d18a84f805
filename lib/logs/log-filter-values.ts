/** The log filters' fixed values, in a module with no zod so the dashboard's filter controls can import it. */
export const RANGE_PRESETS = ["15m", "1h", "24h", "7d", "30d"] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export const STATUS_FILTERS = ["2xx", "3xx", "4xx", "5xx"] as const;
export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** Key environments, in a module with no Node imports so client components can use it. */
export const ENVIRONMENTS = ["live", "test"] as const;
export type KeyEnvironment = (typeof ENVIRONMENTS)[number];

/** Bumped when a bus message changes incompatibly; every payload carries it as `v`. */
export const PROTOCOL_VERSION = 1 as const;

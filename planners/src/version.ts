/** Bumped when a change alters proposals for the same inputs (restored states record it). */
export const PLANNERS_VERSION = '1.1.0';

/** Kiln's version, from package.json (kept in one place). */
export const KILN_VERSION = "0.1.0";

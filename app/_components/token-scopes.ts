/**
 * Presets for a new token's scopes (docs/scopes.md). `!user` is the token's owner. Empty: the
 * token may do everything its owner may (JupyterHub's `inherit`).
 */
export const SCOPE_PRESETS = [
  { id: "inherit", label: "Everything you can do", scopes: [] },
  { id: "read", label: "Read only", scopes: ["read:users!user", "read:servers!user", "read:tokens!user", "read:notebooks", "read:runs", "read:datasets", "read:images"] },
  { id: "servers", label: "Your servers: start, stop and use them", scopes: ["servers!user", "access:servers!user", "read:images"] },
  { id: "work", label: "Notebooks, runs and data", scopes: ["notebooks", "runs", "datasets"] },
  { id: "culler", label: "Idle culler (admins)", scopes: ["list:users", "read:users:activity", "read:servers", "delete:servers"] },
] as const;

/** Scopes typed by hand: separated by spaces, commas or new lines. */
export const parseScopes = (text: string): string[] => text.split(/[\s,]+/).filter(Boolean);

export const presetOf = (text: string): string => {
  const asked = [...parseScopes(text)].sort().join(" ");
  return SCOPE_PRESETS.find((p) => [...p.scopes].sort().join(" ") === asked)?.id ?? "custom";
};

import type http from "node:http";

/**
 * What a user's server sends a browser runs with an opaque origin: `sandbox` without
 * `allow-same-origin` means a page served under /user/ (nbconvert HTML, /files/, anything
 * the user's code serves) can run its scripts but cannot read Kiln's cookies, call Kiln's API
 * as the viewer, or script Kiln's pages, although it comes from Kiln's host. Data that
 * scripts fetch (JSON, event streams) is not a document and keeps working as it is.
 */
export const USER_CONTENT_CSP =
  "sandbox allow-scripts allow-forms allow-popups allow-popups-to-escape-sandbox allow-modals allow-downloads";

const NOT_A_DOCUMENT = /^(application\/(json|x-ndjson|problem\+json)|text\/event-stream)\b/i;

/** Adds the sandbox (beside any policy Jupyter set: both apply) and forbids type sniffing. */
export function sandboxHeaders(headers: http.OutgoingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = { ...headers, "x-content-type-options": "nosniff" };
  const type = String(headers["content-type"] ?? "");
  if (NOT_A_DOCUMENT.test(type)) return out;
  const own = headers["content-security-policy"];
  const policies: string[] = own === undefined ? [] : Array.isArray(own) ? own.map(String) : [String(own)];
  (out as Record<string, string[]>)["content-security-policy"] = [...policies, USER_CONTENT_CSP];
  return out;
}

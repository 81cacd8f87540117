import crypto from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The policy of Kiln's own pages. Scripts: Kiln's files and the inline scripts Next writes,
 * which carry this request's nonce; nothing injected into a page can run. Styles stay
 * inline-capable (KaTeX, CodeMirror and xterm.js set style attributes and elements; a nonce
 * in style-src would turn 'unsafe-inline' off). Images and media may come from anywhere, as
 * notebook outputs show them today; none of them can run code.
 */
export function pagePolicy(nonce: string, dev = false): string {
  return [
    "default-src 'self'",
    // 'unsafe-eval' only for Next's development runtime (React's debugging, fast refresh).
    `script-src 'self' 'nonce-${nonce}'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src * data: blob:",
    "media-src * data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    // Sign-in with GitHub or OIDC leaves by script (next-auth's signIn fetches, then navigates), not by a form.
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** JSON and other API answers: never rendered as a page, never framed. */
const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

const COMMON: [string, string][] = [
  ["x-content-type-options", "nosniff"],
  ["x-frame-options", "DENY"],
  ["referrer-policy", "strict-origin-when-cross-origin"],
];

/**
 * Security headers for what Kiln serves itself. A page gets a fresh nonce, set on the
 * request too: Next reads it from the request's content-security-policy header while
 * rendering and puts it on its scripts. (Responses from users' servers under /user/ get
 * their own sandbox policy in lib/proxy.)
 */
export function setSecurityHeaders(req: IncomingMessage, res: ServerResponse, kind: "page" | "api", dev = false): void {
  for (const [k, v] of COMMON) res.setHeader(k, v);
  if (kind === "api") {
    res.setHeader("content-security-policy", API_POLICY);
    return;
  }
  const policy = pagePolicy(crypto.randomBytes(16).toString("base64"), dev);
  req.headers["content-security-policy"] = policy; // overwrites anything a client sent
  res.setHeader("content-security-policy", policy);
}

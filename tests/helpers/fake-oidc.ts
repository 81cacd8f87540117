import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

export interface FakeIdentity {
  sub: string;
  email: string;
  name: string;
  emailVerified?: boolean;
}

/**
 * A faithful stand-in for an OpenID Connect provider (no real one is reachable here):
 * discovery, authorization code flow with PKCE (S256), client_secret_basic/post,
 * RS256-signed ID tokens with iss/aud/exp/nonce, JWKS and userinfo. `nextLogin` picks
 * who "signs in" at the provider next; it auto-approves, like an IdP with a live session.
 */
export async function startFakeOidc(client: { id: string; secret: string }) {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  const codes = new Map<string, { identity: FakeIdentity; challenge?: string; nonce?: string; redirect: string }>();
  const tokens = new Map<string, FakeIdentity>();
  let nextLogin: FakeIdentity | undefined;
  let issuer = "";

  const send = (res: http.ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url!, issuer);
    if (url.pathname === "/.well-known/openid-configuration") {
      return send(res, 200, {
        issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`, userinfo_endpoint: `${issuer}/userinfo`,
        response_types_supported: ["code"], subject_types_supported: ["public"], id_token_signing_alg_values_supported: ["RS256"],
        token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"], code_challenge_methods_supported: ["S256"],
        scopes_supported: ["openid", "email", "profile"],
      });
    }
    if (url.pathname === "/jwks") return send(res, 200, { keys: [jwk] });
    if (url.pathname === "/authorize") {
      const q = url.searchParams;
      if (q.get("client_id") !== client.id || q.get("response_type") !== "code" || !nextLogin) return send(res, 400, { error: "invalid_request" });
      const code = crypto.randomBytes(16).toString("hex");
      codes.set(code, { identity: nextLogin, challenge: q.get("code_challenge") ?? undefined, nonce: q.get("nonce") ?? undefined, redirect: q.get("redirect_uri")! });
      const back = new URL(q.get("redirect_uri")!);
      back.searchParams.set("code", code);
      if (q.get("state")) back.searchParams.set("state", q.get("state")!);
      return res.writeHead(302, { location: back.toString() }).end();
    }
    if (url.pathname === "/token" && req.method === "POST") {
      let raw = "";
      for await (const chunk of req) raw += chunk;
      const form = new URLSearchParams(raw);
      const basic = req.headers.authorization?.startsWith("Basic ")
        ? Buffer.from(req.headers.authorization.slice(6), "base64").toString().split(":").map(decodeURIComponent)
        : [form.get("client_id"), form.get("client_secret")];
      if (basic[0] !== client.id || basic[1] !== client.secret) return send(res, 401, { error: "invalid_client" });
      const grant = codes.get(form.get("code") ?? "");
      codes.delete(form.get("code") ?? "");
      if (!grant || grant.redirect !== form.get("redirect_uri")) return send(res, 400, { error: "invalid_grant" });
      const verifier = form.get("code_verifier") ?? "";
      if (grant.challenge && crypto.createHash("sha256").update(verifier).digest("base64url") !== grant.challenge)
        return send(res, 400, { error: "invalid_grant", error_description: "PKCE verification failed" });
      const access = crypto.randomBytes(16).toString("hex");
      tokens.set(access, grant.identity);
      const idToken = await new SignJWT({ email: grant.identity.email, email_verified: grant.identity.emailVerified ?? true, name: grant.identity.name, ...(grant.nonce ? { nonce: grant.nonce } : {}) })
        .setProtectedHeader({ alg: "RS256", kid: "k1" })
        .setIssuer(issuer).setAudience(client.id).setSubject(grant.identity.sub).setIssuedAt().setExpirationTime("5m")
        .sign(privateKey);
      return send(res, 200, { access_token: access, token_type: "Bearer", expires_in: 300, id_token: idToken, scope: "openid email profile" });
    }
    if (url.pathname === "/userinfo") {
      const who = tokens.get((req.headers.authorization ?? "").replace(/^Bearer /, ""));
      return who ? send(res, 200, { sub: who.sub, email: who.email, name: who.name }) : send(res, 401, { error: "invalid_token" });
    }
    send(res, 404, { error: "not_found" });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    loginAs: (who: FakeIdentity) => void (nextLogin = who),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

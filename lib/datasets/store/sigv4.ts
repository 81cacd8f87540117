import { createHash, createHmac } from "node:crypto";

/**
 * AWS Signature Version 4 for S3-compatible stores, written out so Kiln needs no AWS SDK.
 * The rules are AWS's "create a signed request": a canonical request (method, URI, query,
 * signed headers, payload hash), hashed into a string to sign, HMAC'd with a key derived
 * from the secret, the day, the region and the service.
 */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface RequestToSign {
  method: string;
  url: URL;
  /** Headers to send and sign besides host, x-amz-date and x-amz-content-sha256. */
  headers?: Record<string, string>;
  /** Hex SHA-256 of the body, or "UNSIGNED-PAYLOAD". */
  payloadHash: string;
  region: string;
  service?: string;
  now?: Date;
}

export interface SignedRequest {
  /** Every header to send (lower-case names), Authorization included; `host` is signed but fetch sets it. */
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

export const EMPTY_PAYLOAD_HASH = createHash("sha256").digest("hex");

export function signRequest(req: RequestToSign, credentials: AwsCredentials): SignedRequest {
  const service = req.service ?? "s3";
  const amzDate = toAmzDate(req.now ?? new Date());
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers ?? {})) headers[name.toLowerCase()] = value;
  headers["host"] = req.url.host;
  headers["x-amz-date"] = amzDate;
  headers["x-amz-content-sha256"] = req.payloadHash;
  if (credentials.sessionToken) headers["x-amz-security-token"] = credentials.sessionToken;

  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(";");
  const canonicalRequest = [
    req.method.toUpperCase(),
    canonicalPath(req.url.pathname),
    canonicalQuery(req.url.searchParams),
    names.map((n) => `${n}:${canonicalHeaderValue(headers[n]!)}\n`).join(""),
    signedHeaders,
    req.payloadHash,
  ].join("\n");
  const scope = `${day}/${req.region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  const signature = hmac(signingKey(credentials.secretAccessKey, day, req.region, service), stringToSign).toString("hex");
  headers["authorization"] = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope},SignedHeaders=${signedHeaders},Signature=${signature}`;
  delete headers["host"];
  return { headers, canonicalRequest, stringToSign, signature };
}

/** 20130524T000000Z */
export function toAmzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

export function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), "aws4_request");
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ (and "/" in paths). */
export function uriEncode(s: string, keepSlash = false): string {
  const encoded = encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return keepSlash ? encoded.replace(/%2F/g, "/") : encoded;
}

/** S3 signs the path as sent, each segment encoded once (a URL's pathname is already partly encoded). */
function canonicalPath(pathname: string): string {
  return pathname.split("/").map((segment) => uriEncode(decodeURIComponent(segment))).join("/") || "/";
}

function canonicalQuery(params: URLSearchParams): string {
  return [...params]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

function canonicalHeaderValue(v: string): string {
  return v.trim().replace(/\s+/g, " ");
}

function sha256Hex(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

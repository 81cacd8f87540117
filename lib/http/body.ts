import type { z } from "zod";
import { PayloadTooLargeError, ValidationError } from "../errors";
import { fromZod } from "./errors";
import { jsonTooDeep, MAX_JSON_DEPTH, refuseBadJsonStrings } from "./input";

const DEFAULT_MAX_JSON_BYTES = 1024 * 1024;

const tooLarge = (maxBytes: number) => new PayloadTooLargeError(`body: larger than ${maxBytes} bytes`, "body");

/**
 * The body's bytes, read no further than maxBytes: a Content-Length over it is a 413 before
 * anything is read, a chunked body is a 413 the moment it passes it (the rest is never read).
 */
export async function readBodyBytes(req: Request, maxBytes: number): Promise<Buffer> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch {
      throw new ValidationError("body: the request body was cut off", "body", "incomplete_body");
    }
    if (next.done) break;
    size += next.value.byteLength;
    if (size > maxBytes) {
      reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(next.value);
  }
  return Buffer.concat(chunks);
}

/** Reads and validates a JSON body; an empty body counts as "no fields" for optional bodies. */
export async function parseJsonBody<T extends z.ZodType>(req: Request, schema: T, maxBytes = DEFAULT_MAX_JSON_BYTES): Promise<z.infer<T>> {
  const text = decodeUtf8(await readBodyBytes(req, maxBytes));
  let value: unknown = undefined;
  if (text.trim() !== "") {
    if (jsonTooDeep(text)) throw new ValidationError(`body: nested deeper than ${MAX_JSON_DEPTH} levels`, "body", "invalid_json");
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new ValidationError(`Body is not valid JSON: ${(e as Error).message}`, "body", "invalid_json");
    }
    refuseBadJsonStrings(value);
  }
  const r = schema.safeParse(value);
  if (!r.success) {
    if (value === undefined) throw new ValidationError("A JSON body is required", "body", "invalid_json");
    const e = fromZod(r.error);
    // the body as a whole is at fault (an array where an object goes): say so
    throw e.field ? e : new ValidationError(`body: ${e.message}`, "body");
  }
  return r.data;
}

/** JSON is UTF-8 (RFC 8259): bytes that are not are refused, not replaced with U+FFFD. */
function decodeUtf8(bytes: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ValidationError("body: not valid UTF-8", "body", "invalid_json");
  }
}

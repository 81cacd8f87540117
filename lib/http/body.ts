import type { z } from "zod";
import { PayloadTooLargeError, ValidationError } from "../errors";
import { fromZod } from "./errors";

const DEFAULT_MAX_JSON_BYTES = 1024 * 1024;

/** Reads and validates a JSON body; an empty body counts as "no fields" for optional bodies. */
export async function parseJsonBody<T extends z.ZodType>(req: Request, schema: T, maxBytes = DEFAULT_MAX_JSON_BYTES): Promise<z.infer<T>> {
  const length = Number(req.headers.get("content-length") ?? 0);
  if (length > maxBytes) throw new PayloadTooLargeError(`Body is larger than ${maxBytes} bytes`);
  const text = await req.text();
  if (Buffer.byteLength(text) > maxBytes) throw new PayloadTooLargeError(`Body is larger than ${maxBytes} bytes`);
  let value: unknown = undefined;
  if (text.trim() !== "") {
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new ValidationError(`Body is not valid JSON: ${(e as Error).message}`, undefined, "invalid_json");
    }
  }
  const r = schema.safeParse(value);
  if (!r.success) {
    if (value === undefined) throw new ValidationError("A JSON body is required", undefined, "invalid_json");
    throw fromZod(r.error);
  }
  return r.data;
}

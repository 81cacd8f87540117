import type { z } from "zod";
import { PayloadTooLargeError, ValidationError } from "../errors";
import { fromZod } from "./errors";

const MAX_JSON_BYTES = 1024 * 1024;

/** Reads and validates a JSON body; an empty body counts as "no fields" for optional bodies. */
export async function parseJsonBody<T extends z.ZodType>(req: Request, schema: T): Promise<z.infer<T>> {
  const length = Number(req.headers.get("content-length") ?? 0);
  if (length > MAX_JSON_BYTES) throw new PayloadTooLargeError(`Body is larger than ${MAX_JSON_BYTES} bytes`);
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_JSON_BYTES) throw new PayloadTooLargeError(`Body is larger than ${MAX_JSON_BYTES} bytes`);
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

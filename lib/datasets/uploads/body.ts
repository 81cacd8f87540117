import { ValidationError } from "../../errors";

/**
 * A request body as bytes for ingest. A client that goes away mid-body (the socket closes
 * before Content-Length bytes came) makes the stream fail: that becomes a 400, and the
 * caller records nothing, so a cut-off file never enters an upload.
 */
export async function* bodyBytes(body: ReadableStream<Uint8Array> | null, declaredLength: number | null): AsyncGenerator<Uint8Array> {
  let received = 0;
  if (body) {
    const reader = body.getReader();
    try {
      for (;;) {
        let next: ReadableStreamReadResult<Uint8Array>;
        try {
          next = await reader.read();
        } catch {
          throw cutOff(received, declaredLength);
        }
        if (next.done) break;
        received += next.value.byteLength;
        yield next.value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  if (declaredLength !== null && received !== declaredLength) throw cutOff(received, declaredLength);
}

function cutOff(received: number, declared: number | null) {
  const of = declared === null ? "" : ` of ${declared}`;
  return new ValidationError(`The file was cut off after ${received}${of} bytes; it was not stored`, "body", "incomplete_body");
}

export function declaredLength(headers: Headers): number | null {
  const v = headers.get("content-length");
  return v !== null && /^\d+$/.test(v) ? Number(v) : null;
}

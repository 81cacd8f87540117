import { StreamBuffer, type StreamView } from "./stream-buffer";

const cache = new WeakMap<object, StreamView>();

/**
 * A long text/plain (or traceback) capped like a stream: the tail that fits. Keyed by the
 * output object, which is replaced whenever its content changes.
 */
export function cappedText(owner: object, text: string): StreamView {
  const hit = cache.get(owner);
  if (hit) return hit;
  const b = new StreamBuffer();
  b.append(text);
  const v = b.view();
  cache.set(owner, v);
  return v;
}

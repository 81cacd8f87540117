/**
 * "At most once per interval per key", for writes that are informative (last_activity):
 * returns true when the caller should do the work now.
 */
export function throttle(intervalMs: number): (key: string | number) => boolean {
  const last = new Map<string | number, number>();
  return (key) => {
    const now = Date.now();
    if (now - (last.get(key) ?? 0) < intervalMs) return false;
    last.set(key, now);
    return true;
  };
}

/**
 * Values computed once per key and kept, forgotten all at once when `max` are held: for keys
 * that repeat (a token, a scope list), memory stays bounded whatever a client sends.
 */
export class BoundedMemo<K, V> {
  private readonly values = new Map<K, V>();

  constructor(private readonly max: number) {}

  get(key: K, compute: () => V): V {
    if (this.values.has(key)) return this.values.get(key)!;
    const value = compute();
    if (this.values.size >= this.max) this.values.clear();
    this.values.set(key, value);
    return value;
  }
}

/**
 * The `metadata_props` of an ONNX file (ModelProto field 14, key/value strings), which
 * onnxruntime's JavaScript API does not expose. Only the top level of the protobuf is walked:
 * every other field is skipped by its wire type, so a large graph costs one pass, no copies.
 */
export function onnxMetadataProps(bytes: Uint8Array): Record<string, string> {
  const props: Record<string, string> = {};
  const r = new Reader(bytes);
  while (!r.done()) {
    const tag = r.varint();
    const [field, wire] = [Math.floor(tag / 8), tag % 8];
    if (field === 14 && wire === 2) {
      const entry = new Reader(r.bytes());
      let key = "";
      let value = "";
      while (!entry.done()) {
        const t = entry.varint();
        if (t === (1 << 3) + 2) key = entry.text();
        else if (t === (2 << 3) + 2) value = entry.text();
        else entry.skip(t % 8);
      }
      props[key] = value;
    } else r.skip(wire);
  }
  return props;
}

class Reader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}
  done() {
    return this.pos >= this.buf.length;
  }
  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error("truncated protobuf");
      const b = this.buf[this.pos++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
      if (scale > 2 ** 63) throw new Error("malformed varint");
    }
  }
  bytes(): Uint8Array {
    const n = this.varint();
    if (this.pos + n > this.buf.length) throw new Error("truncated protobuf");
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  text(): string {
    return Buffer.from(this.bytes()).toString("utf8");
  }
  skip(wire: number) {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
}

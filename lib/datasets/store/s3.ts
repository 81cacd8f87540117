import { NotFoundError, UnavailableError } from "../../errors";
import { assertBlobHash, type BlobStat, type BlobStore, type BlobUsage, isBlobHash } from "./blob-store";
import { type AwsCredentials, EMPTY_PAYLOAD_HASH, signRequest } from "./sigv4";

export interface S3BlobStoreOptions extends AwsCredentials {
  /** e.g. https://s3.eu-west-1.amazonaws.com or a MinIO/Ceph URL; requests use path style. */
  endpoint: string;
  bucket: string;
  region: string;
  /** Key prefix inside the bucket, e.g. "kiln/chunks/". */
  prefix?: string;
  /** Injected by tests (a clock for signing, a fetch); defaults to the real ones. */
  fetch?: typeof fetch;
  now?: () => Date;
}

// Throttling (503 SlowDown) and brief outages are normal on object stores; every request
// here is idempotent, so it is retried a few times with a growing pause.
const ATTEMPTS = 3;

/** Blobs as objects <prefix><sha256> in one bucket, through PUT/GET/HEAD/DELETE and ListObjectsV2. */
export class S3BlobStore implements BlobStore {
  readonly kind = "s3";
  private readonly base: string;
  private readonly prefix: string;

  constructor(private readonly options: S3BlobStoreOptions) {
    this.base = `${options.endpoint.replace(/\/+$/, "")}/${options.bucket}`;
    this.prefix = options.prefix ?? "";
  }

  async has(hash: string): Promise<boolean> {
    return (await this.stat(hash)) !== null;
  }

  async put(hash: string, bytes: Uint8Array | readonly Uint8Array[]): Promise<boolean> {
    if (await this.has(hash)) return false;
    // A body of our own: fetch refuses views of shared memory, and the caller may reuse them.
    const body = Buffer.concat(Array.isArray(bytes) ? bytes : [bytes as Uint8Array]);
    // The key IS the body's SHA-256, which SigV4 sends as x-amz-content-sha256: the store
    // checks it and refuses a body that does not match, so a wrong hash cannot be stored.
    // A PUT is atomic on S3: readers see the old state or the whole new object.
    await this.request("PUT", this.keyOf(hash), { body, payloadHash: hash, expect: [200] });
    return true;
  }

  async get(hash: string): Promise<Buffer> {
    const res = await this.request("GET", this.keyOf(hash), { expect: [200, 404] });
    if (res.status === 404) throw new NotFoundError(`blob ${hash} is not stored`);
    return Buffer.from(await res.arrayBuffer());
  }

  async stat(hash: string): Promise<BlobStat | null> {
    const res = await this.request("HEAD", this.keyOf(hash), { expect: [200, 404] });
    return res.status === 404 ? null : { size: Number(res.headers.get("content-length")) };
  }

  async delete(hash: string): Promise<boolean> {
    // S3 answers 204 whether or not the object existed; asking first keeps the boolean honest.
    if (!(await this.has(hash))) return false;
    await this.request("DELETE", this.keyOf(hash), { expect: [200, 204] });
    return true;
  }

  /** An object store has the object durably once its PUT is answered. */
  async flush(): Promise<void> {}

  async *list(): AsyncIterable<string> {
    for await (const o of this.objects()) yield o.hash;
  }

  async usage(): Promise<BlobUsage> {
    let blobs = 0;
    let bytes = 0;
    for await (const o of this.objects()) {
      blobs++;
      bytes += o.size;
    }
    return { blobs, bytes };
  }

  private async *objects(): AsyncIterable<{ hash: string; size: number }> {
    let token: string | undefined;
    do {
      const query: Record<string, string> = { "list-type": "2", prefix: this.prefix };
      if (token) query["continuation-token"] = token;
      const xml = await (await this.request("GET", "", { query, expect: [200] })).text();
      for (const [, body] of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
        const hash = unescapeXml(tag(body!, "Key") ?? "").slice(this.prefix.length);
        if (isBlobHash(hash)) yield { hash, size: Number(tag(body!, "Size")) };
      }
      token = tag(xml, "IsTruncated") === "true" ? unescapeXml(tag(xml, "NextContinuationToken") ?? "") : undefined;
    } while (token);
  }

  private keyOf(hash: string): string {
    assertBlobHash(hash);
    return this.prefix + hash;
  }

  private async request(
    method: string,
    key: string,
    opts: { body?: Uint8Array; payloadHash?: string; query?: Record<string, string>; expect: number[] },
  ): Promise<Response> {
    const url = new URL(`${this.base}/${key.split("/").map(encodeURIComponent).join("/")}`);
    for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
    for (let attempt = 1; ; attempt++) {
      const now = this.options.now?.() ?? new Date();
      const payloadHash = opts.payloadHash ?? EMPTY_PAYLOAD_HASH;
      const { headers } = signRequest({ method, url, payloadHash, region: this.options.region, now }, this.options);
      let res: Response | undefined;
      let failure: unknown;
      try {
        // Uint8Array<ArrayBufferLike> may sit on a SharedArrayBuffer, which fetch's types refuse; ours never do.
        res = await (this.options.fetch ?? fetch)(url, { method, headers, body: opts.body as Uint8Array<ArrayBuffer> | undefined });
      } catch (e) {
        failure = e;
      }
      if (res && opts.expect.includes(res.status)) return res;
      const retryable = !res || res.status >= 500;
      if (!retryable || attempt >= ATTEMPTS) throw await s3Error(method, key, res, failure);
      await res?.arrayBuffer().catch(() => undefined); // free the connection before retrying
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
  }
}

async function s3Error(method: string, key: string, res: Response | undefined, failure: unknown): Promise<Error> {
  if (!res) return new UnavailableError(`object store unreachable (${method} ${key}): ${(failure as Error)?.message ?? failure}`);
  const body = method === "HEAD" ? "" : await res.text().catch(() => "");
  const what = `object store answered ${res.status} ${tag(body, "Code") ?? ""} to ${method} ${key || "(bucket)"}`.trim();
  return res.status >= 500 ? new UnavailableError(what) : new Error(what);
}

function tag(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml)?.[1];
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[e]!);
}

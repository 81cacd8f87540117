import { ValidationError } from "../../errors";
import type { BlobStore } from "./blob-store";
import { LocalBlobStore, type LocalBlobStoreOptions } from "./local";
import { S3BlobStore, type S3BlobStoreOptions } from "./s3";

/** A store's configuration, as the integrator reads it from the environment; `kind` picks the provider. */
export type BlobStoreConfig = ({ kind: "local" } & LocalBlobStoreOptions) | ({ kind: "s3" } & S3BlobStoreOptions);

type Factory = (config: never) => BlobStore;

const factories = new Map<string, Factory>([
  ["local", (c: LocalBlobStoreOptions) => new LocalBlobStore(c)],
  ["s3", (c: S3BlobStoreOptions) => new S3BlobStore(c)],
]);

/** Adds a provider by name (tests register doubles; a deployment could add another object store). */
export function registerBlobStore<C extends { kind: string }>(kind: string, factory: (config: C) => BlobStore): void {
  factories.set(kind, factory as Factory);
}

export function blobStoreKinds(): string[] {
  return [...factories.keys()];
}

/** The store a configuration names. */
export function createBlobStore(config: BlobStoreConfig | { kind: string }): BlobStore {
  const factory = factories.get(config.kind);
  if (!factory) throw new ValidationError(`unknown blob store "${config.kind}" (known: ${blobStoreKinds().join(", ")})`, "kind");
  return (factory as (c: unknown) => BlobStore)(config);
}

/** Content-addressed, content-defined-chunking storage for dataset versions. */
export { type BlobStat, type BlobStore, type BlobUsage, assertBlobHash, isBlobHash } from "./blob-store";
export { AVG_CHUNK, CHUNKER_ID, Chunker, chunkSizes, MAX_CHUNK, MIN_CHUNK } from "./chunker";
export { type ChunkRef, type IngestOptions, type IngestResult, ingestFile, ingestStream } from "./ingest";
export { LocalBlobStore, type LocalBlobStoreOptions } from "./local";
export { CorruptBlobError, type FileCheck, type ReadFileOptions, readFile, verifyBlob, verifyFile } from "./read";
export { type BlobStoreConfig, blobStoreKinds, createBlobStore, registerBlobStore } from "./registry";
export { S3BlobStore, type S3BlobStoreOptions } from "./s3";
export { type AwsCredentials, EMPTY_PAYLOAD_HASH, type RequestToSign, type SignedRequest, signRequest } from "./sigv4";

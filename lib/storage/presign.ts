/**
 * The app's presigned URLs, one signer: lib/storage/presign-batch.ts (SigV4 with node:crypto, the signing key
 * cached per connection and day). One `UrlPresigner` per connection lives beside its S3 client
 * (lib/storage/client.ts); a manifest signs its many URLs with `createBatchPresigner`.
 */
export {
  createBatchPresigner,
  createUrlPresigner,
  encodeKeyPath,
  MAX_PRESIGN_SECONDS,
  MIN_PRESIGN_SECONDS,
  operationMethod,
  type BatchPresigner,
  type BucketRequestInput,
  type GetObjectPresignInput,
  type OperationPresignInput,
  type PresignCredentials,
  type PresignedOperation,
  type PresignGetInput,
  type PresignTarget,
  type SignedRequest,
  type UrlPresigner,
} from "@/lib/storage/presign-batch";

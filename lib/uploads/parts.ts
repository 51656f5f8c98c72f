/**
 * The part arithmetic of a browser upload. Every upload is multipart (even one part), every part
 * PART_SIZE bytes but the last (R2 and others require equal parts), and each part URL is signed for
 * its exact length, so a body of another size fails the signature at the storage server.
 */

/** Bytes per part (every part but the last). */
export const PART_SIZE = 8 * 1024 * 1024;
/**
 * With a part's PUT, how many following parts the browser asks the app to sign too (Uppy sends one file's
 * parts one after another: URLs signed ahead spare each part a round trip), and the most the app signs so.
 * 16: a 1 GiB file (128 parts) waits for 8 sign requests instead of 128 (bench:upload, docs/benchmarks.md);
 * 17 URLs cost the app about 4 ms more than one, and a URL signed ahead is used within 10 minutes or not at all.
 */
export const SIGN_AHEAD = 16;
export const MAX_SIGN_AHEAD = 32;

/** S3's limit on the parts of one multipart upload. */
export const MAX_PARTS = 10_000;
/** The largest file one upload can carry at PART_SIZE. */
export const MAX_UPLOAD_BYTES = PART_SIZE * MAX_PARTS;

function checkSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`The size must be a whole number of bytes (got ${size}).`);
  if (size > MAX_UPLOAD_BYTES) throw new RangeError(`A file of ${size} bytes needs more than ${MAX_PARTS} parts of ${PART_SIZE} bytes.`);
}

/** How many parts a file of `size` bytes takes: max(1, ceil(size / PART_SIZE)); a file needing more than MAX_PARTS is refused. */
export function partCount(size: number): number {
  checkSize(size);
  return Math.max(1, Math.ceil(size / PART_SIZE));
}

/** The exact length of part `partNumber` (1-based): PART_SIZE, or the remainder for the last. */
export function partLength(size: number, partNumber: number): number {
  const count = partCount(size);
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > count) {
    throw new RangeError(`Part ${partNumber} is not a part of this upload (1 to ${count}).`);
  }
  return partNumber < count ? PART_SIZE : size - PART_SIZE * (count - 1);
}

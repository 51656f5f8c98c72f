import { describe, expect, it } from "vitest";
import { readListing } from "@/lib/storage/list-objects";

/**
 * A listing's XML as S3-compatible servers write it, read into the folder page's rows (lib/storage/list-objects.ts).
 * The integration tests list real Swift and Ceph buckets through the same code; these cover what they do not write.
 */

const contents = (key: string, extra = "") =>
  `<Contents><Key>${key}</Key><LastModified>2026-12-01T09:30:00.000Z</LastModified><ETag>&quot;0a1b&quot;</ETag><Size>1234</Size>${extra}</Contents>`;

describe("readListing", () => {
  it("reads objects, folders, and where the next page starts", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>b</Name><Prefix>docs/</Prefix><KeyCount>4</KeyCount><MaxKeys>3</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>
  <NextContinuationToken>1/next+token==</NextContinuationToken>
  ${contents("docs/", "<StorageClass>STANDARD</StorageClass>")}
  ${contents("docs/a &amp; b &lt;1&gt;.txt", "<Owner><ID>x</ID></Owner><StorageClass>GLACIER</StorageClass>")}
  <CommonPrefixes><Prefix>docs/2025/</Prefix></CommonPrefixes>
  <CommonPrefixes><Prefix>docs/&#x65E5;&#26412;/</Prefix></CommonPrefixes>
</ListBucketResult>`;
    expect(readListing(xml)).toEqual({
      objects: [
        { key: "docs/", size: 1234, lastModified: new Date("2026-12-01T09:30:00.000Z"), etag: '"0a1b"', storageClass: "STANDARD" },
        { key: "docs/a & b <1>.txt", size: 1234, lastModified: new Date("2026-12-01T09:30:00.000Z"), etag: '"0a1b"', storageClass: "GLACIER" },
      ],
      prefixes: ["docs/2025/", "docs/日本/"],
      nextToken: "1/next+token==",
    });
  });

  it("reads a single object and no folder, an empty folder, and a last page", () => {
    const one = readListing(`<ListBucketResult><IsTruncated>false</IsTruncated>${contents("only.txt")}</ListBucketResult>`);
    expect(one.objects.map((o) => o.key)).toEqual(["only.txt"]);
    expect(one.prefixes).toEqual([]);
    expect(one.nextToken).toBeNull();
    expect(readListing("<ListBucketResult><Name>b</Name><IsTruncated>false</IsTruncated></ListBucketResult>")).toEqual({
      objects: [],
      prefixes: [],
      nextToken: null,
    });
  });

  it("gives an unreadable date or size as unknown rather than failing the page", () => {
    const [object] = readListing(
      "<ListBucketResult><Contents><Key>k</Key><LastModified>yesterday</LastModified><Size>lots</Size></Contents></ListBucketResult>",
    ).objects;
    expect(object).toEqual({ key: "k", size: 0, lastModified: null, etag: null, storageClass: null });
  });

  it("refuses an answer that is not a listing", () => {
    expect(() => readListing("<Error><Code>AccessDenied</Code></Error>")).toThrow(/not a listing/);
    expect(() => readListing("<html><body>proxy error</body></html>")).toThrow(/not a listing/);
    expect(() => readListing("not xml")).toThrow();
  });
});

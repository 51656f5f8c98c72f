import { parseXML } from "@aws-sdk/xml-builder";
import { describe, expect, it, vi } from "vitest";
import { readListing } from "@/lib/storage/list-objects";

// The SDK's parser, watched: the DOCTYPE case checks it is never handed one.
vi.mock("@aws-sdk/xml-builder", async (original) => {
  const actual = await original<typeof import("@aws-sdk/xml-builder")>();
  return { ...actual, parseXML: vi.fn(actual.parseXML) };
});

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
    const objects = readListing(
      "<ListBucketResult><Contents><Key>k</Key><LastModified>yesterday</LastModified><Size>lots</Size></Contents>" +
        "<Contents><Key>n</Key><Size>-5</Size></Contents><Contents><Key>f</Key><Size>1.5</Size></Contents></ListBucketResult>",
    ).objects;
    expect(objects).toEqual([
      { key: "k", size: 0, lastModified: null, etag: null, storageClass: null },
      { key: "n", size: 0, lastModified: null, etag: null, storageClass: null },
      { key: "f", size: 0, lastModified: null, etag: null, storageClass: null },
    ]);
  });

  it("refuses an answer that is not a listing, as a storage fault that names it", () => {
    for (const body of ["<Error><Code>AccessDenied</Code></Error>", "<html><body>proxy error</body></html>", "not xml", ""]) {
      expect(() => readListing(body), body).toThrow(expect.objectContaining({ name: "NotAListing", $metadata: { httpStatusCode: 200 } }));
    }
  });

  // The parser lower-cases the whole text at each top-level DOCTYPE: these 1.2 MB would hold the process about 30 s.
  it("refuses a DOCTYPE without handing it to the parser", () => {
    vi.mocked(parseXML).mockClear();
    const hostile = `${"<!DOCTYPE x>".repeat(100_000)}<ListBucketResult></ListBucketResult>`;
    expect(() => readListing(hostile)).toThrow(expect.objectContaining({ name: "NotAListing" }));
    expect(parseXML).not.toHaveBeenCalled();
    expect(() => readListing('<?xml version="1.0"?><!doctype ListBucketResult><ListBucketResult></ListBucketResult>')).toThrow(
      expect.objectContaining({ name: "NotAListing" }),
    );
    expect(parseXML).not.toHaveBeenCalled();
    readListing("<ListBucketResult></ListBucketResult>");
    expect(parseXML).toHaveBeenCalledTimes(1);
  });
});

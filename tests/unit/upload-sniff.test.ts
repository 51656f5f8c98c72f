import { describe, expect, it } from "vitest";
import { allowsType, sniffBytes } from "@/lib/uploads/sniff";

/** What an upload is, from its first bytes (file-type), never from its name; "Allowed file types" will use allowsType. */
describe("sniffing uploads", () => {
  const png = Buffer.concat([Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"), Buffer.alloc(200)]);
  const exe = Buffer.concat([Buffer.from("4d5a90000300000004000000ffff0000", "hex"), Buffer.alloc(200)]);

  it("reads the type from the bytes", async () => {
    expect(await sniffBytes(png)).toEqual({ ext: "png", mime: "image/png" });
    expect((await sniffBytes(exe))?.ext).toBe("exe");
    expect(await sniffBytes(Buffer.from("just some text\n"))).toBeNull();
  });

  it("matches extensions and MIME families; an unrecognised file matches nothing", async () => {
    const detected = await sniffBytes(png);
    expect(allowsType(["image/*"], detected)).toBe(true);
    expect(allowsType([".PNG"], detected)).toBe(true);
    expect(allowsType(["image/png"], detected)).toBe(true);
    expect(allowsType(["application/pdf", "jpg"], detected)).toBe(false);
    expect(allowsType(["image/*"], await sniffBytes(exe))).toBe(false);
    expect(allowsType(["image/*"], null)).toBe(false);
  });
});

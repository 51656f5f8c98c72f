import { describe, expect, it } from "vitest";
import { PROVIDERS, getProvider, presetEndpoint } from "@/lib/storage/provider-presets";
import { connectionSchema } from "@/lib/validation/connection";

describe("provider presets", () => {
  it("cover the providers people use", () => {
    expect(PROVIDERS.map((p) => p.label)).toEqual([
      "Amazon S3",
      "DigitalOcean Spaces",
      "Storj (S3 gateway)",
      "Cloudflare R2",
      "Backblaze B2",
      "Wasabi",
      "MinIO / self-hosted",
      "Outscale OOS",
      "Gcore Object Storage",
      "Custom S3-compatible",
    ]);
  });

  it("prefill endpoints for a region", () => {
    expect(presetEndpoint(getProvider("aws"), "eu-west-3")).toBe("https://s3.eu-west-3.amazonaws.com");
    expect(presetEndpoint(getProvider("digitalocean"), "fra1")).toBe("https://fra1.digitaloceanspaces.com");
    expect(presetEndpoint(getProvider("b2"), "us-west-004")).toBe("https://s3.us-west-004.backblazeb2.com");
    expect(presetEndpoint(getProvider("wasabi"), "")).toBe("https://s3.us-east-1.wasabisys.com");
    expect(presetEndpoint(getProvider("r2"), "auto")).toBe("https://{accountId}.r2.cloudflarestorage.com");
  });

  it("choose the addressing each provider expects", () => {
    expect(getProvider("aws").pathStyle).toBe(false);
    expect(getProvider("minio").pathStyle).toBe(true);
    expect(getProvider("r2").needsAccountId).toBe(true);
    expect(getProvider("nonsense").id).toBe("custom");
  });

  it("offer a default region that is among its own choices", () => {
    for (const p of PROVIDERS) if (p.regions.length) expect(p.regions).toContain(p.defaultRegion);
  });

  it("produce endpoints the connection form accepts (once placeholders are filled)", () => {
    for (const p of PROVIDERS.filter((p) => p.endpointPattern && !p.needsAccountId)) {
      const result = connectionSchema.safeParse({
        name: p.label,
        provider: p.id,
        endpoint: presetEndpoint(p, p.defaultRegion),
        region: p.defaultRegion,
        accessKeyId: "AKIA",
        secretAccessKey: "secret",
      });
      expect(result.success, p.id).toBe(true);
    }
    expect(
      connectionSchema.safeParse({ name: "R2", provider: "r2", endpoint: presetEndpoint(getProvider("r2"), "auto"), region: "auto", accessKeyId: "k" }).error
        ?.issues[0]?.path,
    ).toEqual(["endpoint"]);
  });
});

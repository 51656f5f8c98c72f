/**
 * Provider presets: what the connection form prefills. Endpoints use `{region}` (and for R2
 * `{accountId}`) placeholders. Pure data, safe for client components.
 */

export type ProviderId = "aws" | "digitalocean" | "storj" | "r2" | "b2" | "wasabi" | "minio" | "outscale" | "gcore" | "custom";

export type ProviderPreset = {
  id: ProviderId;
  label: string;
  /** Endpoint with `{region}` / `{accountId}` placeholders; empty when the user must type it. */
  endpointPattern: string;
  regions: string[];
  defaultRegion: string;
  pathStyle: boolean;
  /** A hint shown under the endpoint field. */
  hint: string;
  needsAccountId?: boolean;
};

export const PROVIDERS: readonly ProviderPreset[] = [
  {
    id: "aws",
    label: "Amazon S3",
    endpointPattern: "https://s3.{region}.amazonaws.com",
    regions: [
      "us-east-1",
      "us-east-2",
      "us-west-1",
      "us-west-2",
      "ca-central-1",
      "eu-west-1",
      "eu-west-2",
      "eu-west-3",
      "eu-central-1",
      "eu-north-1",
      "eu-south-1",
      "ap-south-1",
      "ap-northeast-1",
      "ap-northeast-2",
      "ap-southeast-1",
      "ap-southeast-2",
      "sa-east-1",
    ],
    defaultRegion: "us-east-1",
    pathStyle: false,
    hint: "Use the bucket's region; links signed for another region are refused.",
  },
  {
    id: "digitalocean",
    label: "DigitalOcean Spaces",
    endpointPattern: "https://{region}.digitaloceanspaces.com",
    regions: ["nyc3", "sfo2", "sfo3", "ams3", "sgp1", "fra1", "syd1", "blr1", "tor1", "lon1", "atl1"],
    defaultRegion: "nyc3",
    pathStyle: false,
    hint: "Spaces keys are created under API → Spaces Keys.",
  },
  {
    id: "storj",
    label: "Storj (S3 gateway)",
    endpointPattern: "https://gateway.storjshare.io",
    regions: ["us-1", "eu-1", "ap-1"],
    defaultRegion: "us-1",
    pathStyle: true,
    hint: "Use S3 credentials generated for the hosted gateway.",
  },
  {
    id: "r2",
    label: "Cloudflare R2",
    endpointPattern: "https://{accountId}.r2.cloudflarestorage.com",
    regions: ["auto"],
    defaultRegion: "auto",
    pathStyle: true,
    hint: "Replace {accountId} with your Cloudflare account ID (R2 → Overview).",
    needsAccountId: true,
  },
  {
    id: "b2",
    label: "Backblaze B2",
    endpointPattern: "https://s3.{region}.backblazeb2.com",
    regions: ["us-west-000", "us-west-001", "us-west-002", "us-west-004", "us-east-005", "eu-central-003"],
    defaultRegion: "us-west-004",
    pathStyle: false,
    hint: "The region is part of the bucket's S3 endpoint shown in the B2 console.",
  },
  {
    id: "wasabi",
    label: "Wasabi",
    endpointPattern: "https://s3.{region}.wasabisys.com",
    regions: [
      "us-east-1",
      "us-east-2",
      "us-central-1",
      "us-west-1",
      "eu-central-1",
      "eu-central-2",
      "eu-west-1",
      "eu-west-2",
      "ap-northeast-1",
      "ap-northeast-2",
      "ap-southeast-1",
      "ap-southeast-2",
    ],
    defaultRegion: "us-east-1",
    pathStyle: false,
    hint: "Use the region the bucket was created in.",
  },
  {
    id: "minio",
    label: "MinIO / self-hosted",
    endpointPattern: "http://localhost:9000",
    regions: ["us-east-1"],
    defaultRegion: "us-east-1",
    pathStyle: true,
    hint: "The S3 API address of your server (not the web console).",
  },
  {
    id: "outscale",
    label: "Outscale OOS",
    endpointPattern: "https://oos.{region}.outscale.com",
    regions: ["eu-west-2", "us-east-2", "us-west-1", "cloudgouv-eu-west-1", "ap-northeast-1"],
    defaultRegion: "eu-west-2",
    pathStyle: true,
    hint: "Outscale Object Storage endpoint for your region.",
  },
  {
    id: "gcore",
    label: "Gcore Object Storage",
    endpointPattern: "https://s-ed1.cloud.gcore.lu",
    regions: ["s-ed1", "s-dt2", "s-darz1", "s-us1"],
    defaultRegion: "s-ed1",
    pathStyle: true,
    hint: "Copy the endpoint shown for your storage in the Gcore console; region is its location code.",
  },
  {
    id: "custom",
    label: "Custom S3-compatible",
    endpointPattern: "",
    regions: [],
    defaultRegion: "us-east-1",
    pathStyle: true,
    hint: "Any S3-compatible API endpoint.",
  },
];

export function getProvider(id: string): ProviderPreset {
  return PROVIDERS.find((p) => p.id === id) ?? PROVIDERS[PROVIDERS.length - 1]!;
}

/** The endpoint a preset suggests for a region (placeholders left for what only the user knows). */
export function presetEndpoint(provider: ProviderPreset, region: string): string {
  return provider.endpointPattern.replaceAll("{region}", region || provider.defaultRegion);
}

import { serveLogo } from "@/lib/appearance/logo-route";

export const dynamic = "force-dynamic";

/** An appearance logo for recipient pages (lib/appearance/logo-route.ts): public, by the hash of its PNG. */
export async function GET(_request: Request, { params }: { params: Promise<{ file: string }> }) {
  return serveLogo((await params).file);
}

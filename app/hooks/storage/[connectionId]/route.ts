import { receiveStorageEvents } from "@/lib/storage-events/receive";

/**
 * POST /hooks/storage/<connection id>: storage events pushed by MinIO or Backblaze B2 (docs/storage-events.md).
 * No session: the provider's proof (MinIO's auth token, B2's HMAC signature) is checked in lib/storage-events/receive.ts.
 */
export async function POST(request: Request, { params }: { params: Promise<{ connectionId: string }> }) {
  const { connectionId } = await params;
  const answer = await receiveStorageEvents(connectionId, request);
  return Response.json(answer.body, { status: answer.status, headers: { ...answer.headers, "cache-control": "no-store" } });
}

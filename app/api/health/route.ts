import { db } from "@/lib/db/client";
import { log } from "@/lib/log";

export const dynamic = "force-dynamic";

/** Liveness for load balancers and the launcher: 200 when PostgreSQL answers, 503 when not. */
export async function GET() {
  try {
    await db.$queryRaw`SELECT 1`;
    return Response.json({ db: "ok" }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    log.error("health.db_unavailable", { error });
    return Response.json({ db: "unavailable" }, { status: 503, headers: { "Cache-Control": "no-store" } });
  }
}

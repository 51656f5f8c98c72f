/**
 * The hot statements are prepared once per connection, unless DATABASE_URL says a pooler cannot keep them
 * (`pgbouncer=true`, Prisma's switch): then node-postgres sends their texts each time.
 */
import { describe, expect, it } from "vitest";
import { preparesStatements } from "@/lib/db/client";

describe("preparesStatements", () => {
  it("prepares by default, for the embedded database and any server", () => {
    expect(preparesStatements("postgresql://bucketshare:secret@127.0.0.1:5432/bucketshare")).toBe(true);
    expect(preparesStatements("postgresql://u:p@db.internal/app?sslmode=require")).toBe(true);
    expect(preparesStatements("postgresql://u:p@db.internal/app?pgbouncer=false")).toBe(true);
  });

  it("sends texts behind a pooler that cannot keep prepared statements (pgbouncer=true)", () => {
    expect(preparesStatements("postgresql://u:p@pgbouncer:6432/app?pgbouncer=true")).toBe(false);
    expect(preparesStatements("postgres://u:p@pgbouncer:6432/app?sslmode=require&pgbouncer=true")).toBe(false);
  });
});

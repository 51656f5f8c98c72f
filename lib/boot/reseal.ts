import type { PrismaClient } from "@/lib/generated/prisma/client";
import { DecryptionError, decryptLegacyV1 } from "@/lib/crypto";
import { SEALED_COLUMNS, seal, type SealedColumn } from "@/lib/storage/sealed";

/**
 * Re-seals values written in the old envelope format (v1, bound only to their column) as v2
 * envelopes bound to their row (lib/storage/sealed.ts). Runs at every start; once nothing old is
 * left it costs one scan per column and changes nothing.
 *
 * Safe with two instances starting at once: each row is written with
 * `UPDATE … WHERE id = … AND column = <the old value>`, so the first writer wins and the other's
 * update matches no row (both wrote a valid envelope for the same plaintext anyway). A v1 value
 * that cannot be opened (corrupted, or another key) is left as it is and reported; it was
 * unreadable before too, and reading it later fails with a clear error.
 */

const BATCH = 500;

export type ResealReport = { resealed: number; unreadable: { column: string; id: string; reason: string }[] };

async function resealColumn(client: PrismaClient, column: SealedColumn, key: Buffer, report: ResealReport): Promise<void> {
  const { table, column: name, legacyAad } = SEALED_COLUMNS[column];
  // Identifiers come from the constant table above, never from input.
  const select = `SELECT id, ${name} AS sealed FROM ${table} WHERE ${name} LIKE 'v1.%' AND id > $1 ORDER BY id LIMIT ${BATCH}`;
  const update = `UPDATE ${table} SET ${name} = $1 WHERE id = $2 AND ${name} = $3`;
  let after = "";
  for (;;) {
    const rows = await client.$queryRawUnsafe<{ id: string; sealed: string }[]>(select, after);
    for (const row of rows) {
      let plaintext: string;
      try {
        plaintext = decryptLegacyV1(row.sealed, key, legacyAad);
      } catch (error) {
        if (!(error instanceof DecryptionError)) throw error;
        report.unreadable.push({ column: `${table}.${name}`, id: row.id, reason: error.message });
        continue;
      }
      report.resealed += await client.$executeRawUnsafe(update, seal(column, row.id, plaintext, key), row.id, row.sealed);
    }
    if (rows.length < BATCH) return;
    after = rows[rows.length - 1]!.id;
  }
}

export async function resealLegacyValues(client: PrismaClient, key: Buffer): Promise<ResealReport> {
  const report: ResealReport = { resealed: 0, unreadable: [] };
  for (const column of Object.keys(SEALED_COLUMNS) as SealedColumn[]) await resealColumn(client, column, key, report);
  return report;
}

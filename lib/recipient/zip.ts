import "server-only";
import type { Readable } from "node:stream";
import { ZipFile } from "yazl";
import { db } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { contentDisposition } from "@/lib/links/content-disposition";
import { listFilesForZip, markShareFile, type ShareFile } from "@/lib/recipient/files";
import type { RecipientContext } from "@/lib/recipient/handler";
import { linkRefusal } from "@/lib/recipient/link";
import { shareTitle, zipEntryNames } from "@/lib/recipient/share-paths";
import { openSnapshotObject, SnapshotMismatchError } from "@/lib/recipient/object";
import { plainPage, recipientHeaders } from "@/lib/recipient/respond";
import { takeZipSlot, ZIP_SLOT_HEARTBEAT_MS, type ZipSlot } from "@/lib/recipient/zip-slots";

/**
 * GET /s/<token>/zip: "Download all" of a multi-file share, one ZIP streamed from storage through
 * this server (yazl: entries STOREd, ZIP64 wherever a size or offset needs it, sizes known up front
 * so the response has a Content-Length). Counted as one download before the first byte (the log
 * row's file path is "*"). One object is read at a time, and only as fast as the client takes the
 * bytes (pull-based stream): memory stays flat whatever the share's size.
 *
 * Before each entry the link is checked again (revoked, expired, deleted: one query), and every few
 * seconds while an entry streams; the object is fetched as the snapshot has it (VersionId or
 * If-Match). Files already marked changed/missing are left out. Anything that goes wrong once
 * streaming began — a storage error, a file replaced or deleted, the link revoked or expired — ends
 * the response as a failed transfer: the stream errors before the central directory is written,
 * so the client never gets a valid but short archive.
 */

/** How often a running download re-checks that the link is still usable. */
export const ZIP_RECHECK_MS = 3_000;

/**
 * maxMs: the stream's total time limit (ZIP_MAX_MS unless given); idleMs: how long it waits for the
 * client to take the next bytes (ZIP_IDLE_MS unless given); slot: its place among the running
 * streams, freed when it ends.
 */
export type ZipOptions = { forceZip64?: boolean; recheckMs?: number; maxMs?: number; idleMs?: number; slot?: ZipSlot };

class LinkEndedError extends Error {
  constructor(readonly reason: string) {
    super(`the link can no longer be used (${reason})`);
    this.name = "LinkEndedError";
  }
}

async function stillUsable(context: RecipientContext): Promise<void> {
  const current = await db.shareLink.findUnique({
    where: { id: context.link.id },
    select: { revokedAt: true, expiresAt: true, neverExpires: true, deletedAt: true },
  });
  if (!current || current.deletedAt) throw new LinkEndedError("deleted");
  // The download limit was already spent by this download: only revocation and expiry cut it.
  const reason = linkRefusal({ ...context.link, ...current, downloadLimit: null }, new Date(), true);
  if (reason === "revoked" || reason === "expired") throw new LinkEndedError(reason);
}

/**
 * The response body. pull runs when the client has taken the chunk waiting for it (highWaterMark 1),
 * so the time between handing a chunk over and the next pull is the client's: longer than idleMs and
 * onIdle cuts the stream. Time spent reading from storage does not count against the client.
 */
function zipResponseStream(zip: ZipFile, idleMs: number, onIdle: (error: Error) => void, onCancel: (reason: unknown) => void): ReadableStream<Uint8Array> {
  const output = zip.outputStream as Readable;
  const iterator = output[Symbol.asyncIterator]();
  let idle: ReturnType<typeof setTimeout> | undefined;
  output.once("close", () => clearTimeout(idle));
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        clearTimeout(idle);
        try {
          const { value, done } = await iterator.next();
          if (done) controller.close();
          else {
            controller.enqueue(value instanceof Uint8Array ? value : new Uint8Array(value as ArrayBuffer));
            idle = setTimeout(() => {
              const error = new Error("the client stopped reading the ZIP");
              onIdle(error);
              controller.error(error);
            }, idleMs);
          }
        } catch (error) {
          controller.error(error);
        }
      },
      cancel(reason) {
        clearTimeout(idle);
        onCancel(reason);
      },
    },
    { highWaterMark: 1 },
  );
}

/** The ZIP of these files as a stream, and its exact length. */
export async function zipStream(
  context: RecipientContext,
  files: ShareFile[],
  names: string[],
  options: ZipOptions = {},
): Promise<{ body: ReadableStream<Uint8Array>; length: number | null }> {
  const { link } = context;
  const zip = new ZipFile();
  const transfer = new AbortController();
  let current: Readable | null = null;
  let failed = false;
  let recheck: ReturnType<typeof setInterval> | undefined;
  let deadline: ReturnType<typeof setTimeout> | undefined;

  const stop = () => {
    clearInterval(recheck);
    clearTimeout(deadline);
    recheck = undefined;
    void options.slot?.release();
  };
  const fail = (error: unknown, file?: ShareFile) => {
    if (failed) return;
    failed = true;
    stop();
    log.warn("recipient.zip_failed", { linkId: link.id, path: file?.path, error });
    const broken = error instanceof Error ? error : new Error("the ZIP could not be completed");
    transfer.abort(broken);
    current?.destroy();
    // Errors the stream the response reads: the archive is never finished (no central directory).
    // A file found replaced or deleted is marked first, so the page shows it once the download failed.
    const end = () => (zip.outputStream as Readable).destroy(broken);
    if (error instanceof SnapshotMismatchError && file) {
      context.log("refused", error.state, file.path);
      markShareFile(link.id, file.path, error.state)
        .catch((cause: unknown) => log.error("recipient.object_state_not_saved", { linkId: link.id, error: cause }))
        .finally(end);
      return;
    }
    if (error instanceof LinkEndedError && (error.reason === "revoked" || error.reason === "expired")) {
      context.log("refused", error.reason, "*");
    }
    end();
  };

  zip.on("error", (error: unknown) => fail(error));
  const mtime = new Date();
  for (const [index, file] of files.entries()) {
    zip.addReadStreamLazy(names[index]!, { compress: false, size: Number(file.size), mtime, forceZip64Format: options.forceZip64 ?? false }, (callback) => {
      if (failed) return;
      void (async () => {
        await stillUsable(context);
        const body = await openSnapshotObject(link, file, transfer.signal);
        if (failed) {
          body.destroy();
          return;
        }
        current = body;
        body.once("error", (error) => fail(error, file));
        callback(null, body);
      })().catch((error: unknown) => fail(error, file));
    });
  }
  const recheckMs = options.recheckMs ?? ZIP_RECHECK_MS;
  let sinceHeartbeat = 0;
  recheck = setInterval(() => {
    stillUsable(context).catch((error: unknown) => fail(error));
    sinceHeartbeat += recheckMs;
    if (sinceHeartbeat >= ZIP_SLOT_HEARTBEAT_MS) {
      sinceHeartbeat = 0;
      options.slot?.heartbeat();
    }
  }, recheckMs);
  // A client that reads very slowly (or not at all) must not hold the stream and its slot for ever.
  deadline = setTimeout(() => fail(new Error("the ZIP took longer than its time limit")), options.maxMs ?? getEnv().ZIP_MAX_MS);
  (zip.outputStream as Readable).once("end", stop);
  (zip.outputStream as Readable).once("close", stop);

  const length = await new Promise<number | null>((resolve) => {
    // @types/yazl leaves out the callback's argument: the archive's final size, or -1 when it cannot be known.
    const end = zip.end.bind(zip) as unknown as (options: { forceZip64Format: boolean }, done: (total: number) => void) => void;
    end({ forceZip64Format: options.forceZip64 ?? false }, (total) => resolve(total >= 0 ? total : null));
  });
  // A client that stops reading (a stalled connection) must not hold the stream and its slot until the time limit.
  const body = zipResponseStream(
    zip,
    options.idleMs ?? getEnv().ZIP_IDLE_MS,
    (error) => fail(error),
    (reason) => fail(reason instanceof Error ? reason : new Error("the client went away")),
  );
  return { body, length };
}

/**
 * /s/<token>/zip, once withRecipientLink granted access (policy DOWNLOAD_ALL: the link's checks and
 * password, Download all allowed; on a link with a download limit only the button's POST gets
 * here). The entry names are made and checked, and a place among the running streams taken (a few
 * per address and per link; 429 otherwise), before anything is counted.
 */
export async function serveZip(context: RecipientContext, options: ZipOptions = {}): Promise<Response> {
  const { link } = context;
  const files = await listFilesForZip(link.id);
  if (files.length === 0) {
    context.log("refused", "missing");
    return plainPage("allGone", context.request);
  }
  const names = zipEntryNames(files.map((file) => file.path));
  const maxMs = options.maxMs ?? getEnv().ZIP_MAX_MS;
  const slot = await takeZipSlot({ linkId: link.id, address: context.address, maxMs });
  if (!slot) return plainPage("zipBusy", context.request);
  let refused: Response | null;
  try {
    refused = await context.count();
  } catch (error) {
    await slot.release();
    throw error;
  }
  if (refused) {
    await slot.release();
    return refused;
  }
  const { body, length } = await zipStream(context, files, names, { ...options, maxMs, slot });
  const headers = recipientHeaders({
    "Content-Type": "application/zip",
    "Content-Disposition": contentDisposition("attachment", `${shareTitle(link)}.zip`),
  });
  if (length !== null) headers.set("Content-Length", String(length));
  return new Response(body, { status: 200, headers });
}

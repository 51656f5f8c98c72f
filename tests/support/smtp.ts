import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/** A message as it arrived at the test SMTP server: the envelope and the parsed e-mail. */
export type ReceivedMail = { envelopeTo: string[]; mail: ParsedMail };

/** A message as written to the mail directory: what a test in another process reads. */
export type StoredMail = { envelopeTo: string[]; from: string | undefined; subject: string | undefined; text: string; html: string };

/**
 * A real SMTP server (smtp-server) on a free local port, without TLS or authentication, keeping every
 * message it receives (parsed by mailparser). `url` is what SMTP_URL should be set to. With `dir`, each
 * message is also written there as one JSON file (StoredMail), for tests running in other processes
 * (Playwright's workers: the server is started by the global setup); readMail() reads them.
 */
export async function startSmtpServer(options: { dir?: string } = {}): Promise<{
  url: string;
  received: ReceivedMail[];
  next: (timeoutMs?: number) => Promise<ReceivedMail>;
  close: () => Promise<void>;
}> {
  const received: ReceivedMail[] = [];
  const waiting: ((m: ReceivedMail) => void)[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const item = { envelopeTo: session.envelope.rcptTo.map((r) => r.address), mail };
          received.push(item);
          if (options.dir) {
            const stored: StoredMail = {
              envelopeTo: item.envelopeTo,
              from: mail.from?.value[0]?.address,
              subject: mail.subject,
              text: mail.text ?? "",
              html: typeof mail.html === "string" ? mail.html : "",
            };
            writeFileSync(join(options.dir, `${String(received.length).padStart(6, "0")}.json`), JSON.stringify(stored));
          }
          for (const resolve of waiting.splice(0)) resolve(item);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    next: (timeoutMs = 10_000) =>
      new Promise<ReceivedMail>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no e-mail arrived")), timeoutMs);
        waiting.push((m) => {
          clearTimeout(timer);
          resolve(m);
        });
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Waits until a message to `to` is in the mail directory of the test SMTP server (startSmtpServer's `dir`) and
 * returns the newest one.
 */
export async function readMail(dir: string, to: string, timeoutMs = 15_000): Promise<StoredMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = existsSync(dir)
      ? readdirSync(dir)
          .filter((name) => name.endsWith(".json"))
          .sort()
          .map((name) => JSON.parse(readFileSync(join(dir, name), "utf8")) as StoredMail)
          .filter((mail) => mail.envelopeTo.includes(to))
      : [];
    if (found.length > 0) return found[found.length - 1]!;
    if (Date.now() > deadline) throw new Error(`no e-mail to ${to} arrived at the test SMTP server in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

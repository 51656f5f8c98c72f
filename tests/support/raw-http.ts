/**
 * A fast path of `npm start` (lib/boot/download-fast-path.ts, lib/boot/api-fast-path.ts) mounted as lib/boot/server.ts
 * mounts it (the request stamped first; what it does not take gets 418, where Next would answer), and raw HTTP/1.1
 * requests to it: repeated headers and any Host, as a client may send them and fetch() would not.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { stampRequest } from "@/lib/boot/request-stamp";

export async function serveFastPath(fastPath: (req: IncomingMessage, res: ServerResponse) => boolean): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    stampRequest(req, res, { trustedProxies: 0, trustedNetworks: [] });
    if (!fastPath(req, res)) {
      res.statusCode = 418;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** One request of these lines (request line and headers); the status, the head (lower-cased) and the body. */
export function rawRequest(port: number, lines: string[]): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(`${lines.join("\r\n")}\r\nConnection: close\r\n\r\n`));
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => {
      text += chunk;
    });
    socket.on("error", reject);
    socket.on("end", () => {
      const [head = "", ...body] = text.split("\r\n\r\n");
      resolve({ status: Number(head.split(" ")[1]), head: head.toLowerCase(), body: body.join("\r\n\r\n") });
    });
  });
}

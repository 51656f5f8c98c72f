/**
 * Storage endpoints that never finish answering, for the deadline tests:
 * - "silent": accepts TCP connections and says nothing;
 * - "half": answers half a response and stalls (HEAD: half of the status and headers; other
 *   methods: complete headers promising 100 000 bytes, then a few bytes of body).
 * Sockets stay open until the client gives up or the server is closed.
 */
import { createServer, type AddressInfo, type Socket } from "node:net";

export type HangingMode = "silent" | "half";
export type HangingServer = { endpoint: string; port: number; connections: () => number; openSockets: () => number; close: () => Promise<void> };

export async function startHangingServer(mode: HangingMode): Promise<HangingServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    if (mode === "silent") {
      // Read and discard what arrives (so a client's close is noticed), answer nothing.
      socket.resume();
      return;
    }
    let request = "";
    socket.on("data", (chunk) => {
      if (request.includes("\r\n\r\n")) return;
      request += chunk.toString("latin1");
      if (!request.includes("\r\n\r\n")) return;
      if (request.startsWith("HEAD ")) {
        socket.write("HTTP/1.1 200 OK\r\nContent-Type: application/pd");
      } else {
        socket.write(
          "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: 100000\r\n\r\n" +
            '<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult><Buckets><Bucket><Na',
        );
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    connections: () => connections,
    openSockets: () => sockets.size,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

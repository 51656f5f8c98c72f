/**
 * The API answered before Next's router (lib/boot/api-fast-path.ts, as `npm start` mounts it) reads a request as Next
 * would: the first of a repeated Authorization header (Node's req.headers), and the path and query from the request
 * target only, whatever the Host header says. Sent over a raw socket, as a client could.
 */
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { createApiFastPath } from "@/lib/boot/api-fast-path";
import { stampRequest } from "@/lib/boot/request-stamp";
import { createTestToken } from "../support/api-contract";
import * as h from "../support/helpers";

let server: Server;
let port: number;
let owner: SessionUser;
let token: string;

beforeAll(async () => {
  const fastPath = await createApiFastPath();
  server = createServer((req, res) => {
    stampRequest(req, res, { trustedProxies: 0, trustedNetworks: [] });
    if (!fastPath(req, res)) {
      res.statusCode = 418; // Next would have answered it
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  owner = await h.createTestUser("api-direct");
  token = (await createTestToken(owner.id, { scopes: ["links:read"] })).token;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await h.deleteTestUsers(owner);
});

/** One raw HTTP/1.1 request; the status and body of the answer. */
function raw(lines: string[]): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(`${lines.join("\r\n")}\r\nConnection: close\r\n\r\n`));
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => {
      text += chunk;
    });
    socket.on("error", reject);
    socket.on("end", () => {
      const [head = "", body = ""] = text.split("\r\n\r\n");
      resolve({ status: Number(head.split(" ")[1]), head: head.toLowerCase(), body });
    });
  });
}

describe("the API's direct answers", () => {
  it("take the first of two Authorization headers, as Next does", async () => {
    const answer = await raw(["GET /api/v1/links HTTP/1.1", "Host: localhost", `Authorization: Bearer ${token}`, "Authorization: Bearer bks_not-a-token"]);
    expect(answer.status).toBe(200);
    expect(answer.head).toContain("x-bucketshare-path: direct");
    expect(answer.head).toContain("x-content-type-options: nosniff");
  });

  it("read the path and query from the request target only: a Host header cannot add a filter", async () => {
    const plain = await raw(["GET /api/v1/links?limit=1 HTTP/1.1", "Host: localhost", `Authorization: Bearer ${token}`]);
    const tricked = await raw(["GET /api/v1/links?limit=1 HTTP/1.1", "Host: h?limit=abc#", `Authorization: Bearer ${token}`]);
    expect(plain.status).toBe(200);
    expect(tricked.status).toBe(200);
    expect(JSON.parse(tricked.body)).toEqual(JSON.parse(plain.body));
  });
});

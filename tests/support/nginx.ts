/**
 * nginx (Debian package `nginx`) as a loopback reverse proxy for tests that put two app instances
 * behind one address. Every file (config, pid, error log, temporary folders) lives in `dir`;
 * nothing is read from /etc/nginx or written to /var. One process (master_process off, no daemon),
 * killed by the kernel when this Node process dies (setpriv --pdeathsig), by an exit hook, or by
 * stop() (SIGTERM, then SIGKILL after 5 s).
 *
 * Requests go round-robin over `upstreams` (HTTP/1.1 keep-alive to each), with the headers an
 * app behind a real proxy sees: X-Forwarded-For ($proxy_add_x_forwarded_for), X-Forwarded-Proto,
 * X-Forwarded-Host and the original Host. A request is never retried on the other upstream
 * (proxy_next_upstream off), so each request reaches exactly one instance: counts stay exact.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fsp from "node:fs/promises";
import * as net from "node:net";
import * as path from "node:path";
import { findFreePort } from "@/lib/db/embedded";

export type NginxServer = {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** The error log (warn level and up). */
  errorLog: string;
  stop(): Promise<void>;
};

export type NginxOptions = {
  /** Folder for the config, pid, logs and temporary files (created; kept after stop()). */
  dir: string;
  /** Base URLs of the instances, e.g. ["http://127.0.0.1:3101", "http://127.0.0.1:3102"]. */
  upstreams: string[];
  /** Write an access log (dir/access.log) with the upstream that served each request. Default false. */
  accessLog?: boolean;
};

const NGINX = "/usr/sbin/nginx";
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

export async function nginxInstalled(): Promise<boolean> {
  try {
    await fsp.access(NGINX, fsp.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function upstreamAddress(raw: string): string {
  const url = new URL(raw);
  if (url.protocol !== "http:") throw new Error(`nginx upstream must be http://host:port, got ${raw}`);
  return `${url.hostname}:${url.port || "80"}`;
}

function nginxConf(dir: string, port: number, upstreams: string[], accessLog: boolean): string {
  const d = (name: string) => path.join(dir, name);
  return `daemon off;
master_process off;
${process.getuid?.() === 0 ? "user root root;\n" : ""}pid ${d("nginx.pid")};
error_log ${d("error.log")} warn;

events {
  worker_connections 8192;
}

http {
  ${
    accessLog
      ? `log_format upstreams '$remote_addr "$request" $status upstream=$upstream_addr xff="$http_x_forwarded_for"';
  access_log ${d("access.log")} upstreams;`
      : "access_log off;"
  }
  client_body_temp_path ${d("temp/client_body")};
  proxy_temp_path ${d("temp/proxy")};
  fastcgi_temp_path ${d("temp/fastcgi")};
  uwsgi_temp_path ${d("temp/uwsgi")};
  scgi_temp_path ${d("temp/scgi")};
  client_max_body_size 0;

  upstream app {
${upstreams.map((u) => `    server ${upstreamAddress(u)} max_fails=0;`).join("\n")}
    keepalive 64;
  }

  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_redirect off;
      proxy_next_upstream off;
      proxy_read_timeout 60s;
    }
  }
}
`;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

const running = new Set<ChildProcess>();
let hookInstalled = false;

function killAllNow(): void {
  for (const proc of running) proc.kill("SIGKILL");
  running.clear();
}

async function startOnce(options: NginxOptions): Promise<NginxServer | "port-taken"> {
  const dir = path.resolve(options.dir);
  const port = await findFreePort();
  const conf = path.join(dir, "nginx.conf");
  const errorLog = path.join(dir, "error.log");
  await fsp.mkdir(path.join(dir, "temp"), { recursive: true });
  await fsp.writeFile(conf, nginxConf(dir, port, options.upstreams, options.accessLog ?? false));
  await fsp.rm(errorLog, { force: true });

  if (!hookInstalled) {
    hookInstalled = true;
    process.once("exit", killAllNow);
  }
  let output = "";
  // -e: the log for errors before the config is read (the package's default is stderr anyway).
  const proc = spawn("setpriv", ["--pdeathsig", "SIGKILL", "--", NGINX, "-p", `${dir}/`, "-c", conf, "-e", errorLog], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(proc);
  proc.unref();
  for (const stream of [proc.stdout, proc.stderr]) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      output = (output + chunk).slice(-4000);
    });
    (stream as unknown as { unref?: () => void }).unref?.();
  }
  const exited = new Promise<void>((resolve) => {
    proc.once("exit", () => resolve());
    proc.once("error", (error) => {
      output += `\n${error.message}`;
      resolve();
    });
  });
  exited.then(() => running.delete(proc));
  const alive = () => proc.exitCode === null && proc.signalCode === null && proc.pid !== undefined;

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (!alive()) {
      await exited;
      const log = `${output}\n${await fsp.readFile(errorLog, "utf8").catch(() => "")}`.trim();
      if (/Address already in use/.test(log)) return "port-taken";
      throw new Error(`nginx did not start (${proc.signalCode ?? `exit code ${proc.exitCode}`}):\n${log || "(no output)"}`);
    }
    if (await canConnect(port)) break;
    if (Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`nginx did not listen on 127.0.0.1:${port} within ${START_TIMEOUT_MS} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      if (!alive()) return;
      proc.kill("SIGTERM");
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, STOP_TIMEOUT_MS)))]);
      clearTimeout(timer);
      if (alive()) {
        proc.kill("SIGKILL");
        await exited;
      }
    })());
  return { url: `http://127.0.0.1:${port}`, port, errorLog, stop };
}

/** Starts nginx on a free 127.0.0.1 port, proxying round-robin to `upstreams`. */
export async function startNginx(options: NginxOptions): Promise<NginxServer> {
  if (options.upstreams.length === 0) throw new Error("startNginx: give at least one upstream");
  if (!(await nginxInstalled())) {
    throw new Error("nginx is not installed: run `bash tests/support/install-os-packages.sh` (as root).");
  }
  for (let attempt = 1; ; attempt++) {
    const started = await startOnce(options);
    if (started !== "port-taken") return started;
    if (attempt === 3) throw new Error("nginx: the free port picked was taken three times in a row");
  }
}

/**
 * A real S3-compatible server for tests, the demo and benchmarks (dev tooling: never imported
 * by the app itself; tests/unit/layout.test.ts checks):
 * OpenStack Swift (Debian packages) with the s3api + tempauth middlewares.
 *
 * startSwift() runs memcached and the account, container, object and proxy
 * servers on free 127.0.0.1 ports, with every file (swift.conf, rings, server
 * configs, object data) in a temporary folder, and nothing from /etc/swift.
 *
 * The processes die with this Node process (./supervise.ts: stop(), an exit
 * hook, and a kernel signal when Node dies however it dies; a temporary folder
 * left behind then is removed by the next startSwift()). They do not keep Node
 * alive by themselves: a script that only wants the server running must keep
 * its own event loop busy, e.g. wait for SIGINT.
 *
 * Install the packages with tests/support/install-os-packages.sh.
 */
import * as fsp from "node:fs/promises";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import type { LocalS3Server } from "@/lib/dev/s3";
import {
  LogTail,
  findExecutable,
  httpOk,
  isExecutable,
  makeTemporaryDir,
  removeTemporaryDir,
  shebangPython,
  sleep,
  stopInOrder,
  supervise,
  waitUntil,
  type Supervised,
} from "@/lib/dev/supervise";

export type SwiftServer = LocalS3Server;

const ACCOUNT = "test";
const USER = "tester";
const SECRET = "testing-secret-0123456789";
const START_TIMEOUT_MS = Number(process.env.SWIFT_START_TIMEOUT_MS ?? 60_000);
const PROXY_SERVER_BINARY = "/usr/bin/swift-proxy-server";
const SERVER_BINARIES = [PROXY_SERVER_BINARY, "/usr/bin/swift-account-server", "/usr/bin/swift-container-server", "/usr/bin/swift-object-server"];
const STORAGE_SERVERS = ["account", "container", "object"] as const;
type StorageServer = (typeof STORAGE_SERVERS)[number];

// ---------------------------------------------------------------- binaries

/** The interpreter Debian's swift scripts use (their shebang), which has the `swift` module. */
const swiftPython = () => shebangPython(PROXY_SERVER_BINARY);

/** True when the swift servers, memcached and their python interpreter are installed. */
export async function swiftPackagesInstalled(): Promise<boolean> {
  for (const bin of SERVER_BINARIES) if (!(await isExecutable(bin))) return false;
  if (!(await findExecutable("memcached"))) return false;
  return (await isExecutable(await swiftPython())) && Boolean(await findExecutable("setpriv"));
}

// ---------------------------------------------------------------- ports

/** Distinct free ports: all listeners stay open until every port is known. */
async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
      });
      ports.push((server.address() as net.AddressInfo).port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

// ---------------------------------------------------------------- files

/**
 * Runs Swift. Keeps swift away from /etc/swift: swift.conf is looked up at
 * a module-level path (swift.common.utils.SWIFT_CONF_FILE, no env var), so the
 * launcher points it at the temp folder before the servers' modules load.
 * Syslog output is dropped (there is no /dev/log; it would go to UDP 514); the
 * logs go to stderr (run_wsgi verbose) and from there to Node.
 *
 * It builds the rings, imports the servers' code once, then forks one process
 * per server (so the import cost is paid once; the servers still use both
 * cores). The master dies with Node (supervise); the servers die with the master.
 *
 *   launcher.py <swift_dir> <account port> <container port> <object port>
 */
const LAUNCHER_PY = String.raw`
import ctypes, os, signal, sys, time

PR_SET_PDEATHSIG = 1


def die_with_parent(expected_parent):
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    except Exception:
        pass
    if expected_parent and os.getppid() != expected_parent:
        os._exit(1)


swift_dir = sys.argv[1]
ring_ports = dict(zip(('account', 'container', 'object'), map(int, sys.argv[2:5])))

import logging
from swift.common import utils
utils.SWIFT_CONF_FILE = os.path.join(swift_dir, 'swift.conf')


class _NoSyslog(logging.NullHandler):
    def __init__(self, *args, **kwargs):
        logging.NullHandler.__init__(self)


utils.ThreadSafeSysLogHandler = _NoSyslog

# Monkey-patch once, early (few objects yet): eventlet's patching of existing
# locks runs gc.collect() per lock and took ~0.75 s per server when each server
# did it after loading everything. run_wsgi's own call is then a no-op.
utils.eventlet_monkey_patch()

from swift.common import constraints, storage_policy
constraints.reload_constraints()
storage_policy.reload_storage_policies()
utils.validate_configuration()

# 1-replica rings, one device each, built here rather than with
# swift-ring-builder (one python start instead of nine).
from swift.common.ring import RingBuilder
for name, port in ring_ports.items():
    builder = RingBuilder(6, 1, 1)
    builder.add_dev({'id': 0, 'region': 1, 'zone': 1, 'ip': '127.0.0.1',
                     'port': port, 'device': 'd0', 'weight': 1.0})
    builder.rebalance()
    target = os.path.join(swift_dir, name + '.ring.gz')
    builder.get_ring().save(target + '.tmp')
    os.rename(target + '.tmp', target)

# Import everything the servers load once, then fork one process per server.
from swift.common.wsgi import run_wsgi
import paste.deploy
import swift.account.server, swift.container.server, swift.obj.server, swift.proxy.server
from swift.common.middleware import (catch_errors, gatekeeper, healthcheck, proxy_logging,
    memcache, listing_formats, tempauth, copy, slo, dlo, versioned_writes)
from swift.common.middleware.s3api import s3api

master = os.getpid()
children = {}
for server in ('account-server', 'container-server', 'object-server', 'proxy-server'):
    pid = os.fork()
    if pid == 0:
        die_with_parent(master)
        kwargs = {}
        if server == 'object-server':
            kwargs['global_conf_callback'] = swift.obj.server.global_conf_callback
        try:
            code = run_wsgi(os.path.join(swift_dir, server + '.conf'), server, verbose=True, **kwargs)
        except BaseException:
            import traceback
            traceback.print_exc()
            code = 1
        sys.stderr.flush()
        os._exit(code or 0)
    children[pid] = server


def stop_children(code):
    for pid in list(children):
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            children.pop(pid, None)
    deadline = time.time() + 2
    while children:
        for pid in list(children):
            try:
                done, _status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                children.pop(pid, None)
        if children and time.time() > deadline:
            for pid in children:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            deadline = float('inf')
        if children:
            time.sleep(0.005)
    sys.stderr.flush()
    os._exit(code)


for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(sig, lambda *_args: stop_children(0))

# A server that exits takes the others down with it: Node sees the exit.
pid, status = os.wait()
server = children.pop(pid, '?')
sys.stderr.write('%s exited with status %d\n' % (server, status))
stop_children(1)
`;

type Ports = { memcached: number; proxy: number } & Record<StorageServer, number>;

function swiftConf(): string {
  return `[swift-hash]
swift_hash_path_suffix = bucketshare-test-suffix
swift_hash_path_prefix = bucketshare-test-prefix

[storage-policy:0]
name = Policy-0
default = yes

[swift-constraints]
`;
}

function commonDefaults(dir: string, port: number): string {
  return `bind_ip = 127.0.0.1
bind_port = ${port}
bind_timeout = 2
workers = 0
user = ${os.userInfo().username}
swift_dir = ${dir}
devices = ${path.join(dir, "devices")}
mount_check = false
disable_fallocate = true
fallocate_reserve = 0
log_level = INFO
`;
}

function storageServerConf(dir: string, kind: StorageServer, port: number): string {
  return `[DEFAULT]
${commonDefaults(dir, port)}
[pipeline:main]
pipeline = healthcheck ${kind}-server

[app:${kind}-server]
use = egg:swift#${kind}
log_requests = false

[filter:healthcheck]
use = egg:swift#healthcheck
`;
}

function proxyServerConf(dir: string, ports: Ports): string {
  return `[DEFAULT]
${commonDefaults(dir, ports.proxy)}
[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo versioned_writes proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true

[filter:s3api]
use = egg:swift#s3api
location = us-east-1
# Signatures (header and presigned, V2 and V4) are always checked by tempauth;
# presigned URLs are refused after X-Amz-Expires (at most 604800 s).
max_bucket_listing = 1000

[filter:tempauth]
use = egg:swift#tempauth
user_${ACCOUNT}_${USER} = ${SECRET} .admin

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:${ports.memcached}

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:gatekeeper]
use = egg:swift#gatekeeper

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:proxy-logging]
use = egg:swift#proxy_logging

[filter:listing_formats]
use = egg:swift#listing_formats

[filter:copy]
use = egg:swift#copy

[filter:slo]
use = egg:swift#slo

[filter:dlo]
use = egg:swift#dlo

[filter:versioned_writes]
use = egg:swift#versioned_writes
`;
}

async function writeFiles(dir: string, ports: Ports): Promise<void> {
  await fsp.mkdir(path.join(dir, "devices", "d0"), { recursive: true });
  await Promise.all([
    fsp.writeFile(path.join(dir, "launcher.py"), LAUNCHER_PY),
    fsp.writeFile(path.join(dir, "swift.conf"), swiftConf()),
    fsp.writeFile(path.join(dir, "proxy-server.conf"), proxyServerConf(dir, ports)),
    ...STORAGE_SERVERS.map((kind) => fsp.writeFile(path.join(dir, `${kind}-server.conf`), storageServerConf(dir, kind, ports[kind]))),
  ]);
}

class StartError extends Error {
  constructor(
    message: string,
    readonly portClash: boolean,
  ) {
    super(message);
  }
}

async function waitUntilReady(server: Omit<SwiftServer, "stop">, ports: Ports, children: Supervised[], logs: LogTail, startedAt: number): Promise<void> {
  const deadline = startedAt + START_TIMEOUT_MS;
  const healthUrls = [ports.proxy, ports.account, ports.container, ports.object].map((port) => `http://127.0.0.1:${port}/healthcheck`);
  const pending = new Set(healthUrls);
  let lastS3Error = "";
  const client = new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: 1,
  });
  try {
    await waitUntil(
      async () => {
        if (pending.size) {
          const results = await Promise.all([...pending].map(async (url) => [url, await httpOk(url)] as const));
          for (const [url, ok] of results) if (ok) pending.delete(url);
        }
        if (pending.size) return false;
        try {
          await client.send(new ListBucketsCommand({}));
          return true;
        } catch (error) {
          lastS3Error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          return false;
        }
      },
      {
        deadline,
        alive: async () => {
          const dead = children.find((child) => !child.isRunning());
          if (!dead) return;
          await sleep(50); // let the last output lines arrive
          const tail = logs.tail(60);
          throw new StartError(
            `Swift did not start: ${dead.name} exited early.\n--- last log lines ---\n${tail || "(none)"}`,
            /Address already in use|Could not bind/i.test(tail),
          );
        },
        timedOut: () =>
          new StartError(
            `Swift did not become ready within ${START_TIMEOUT_MS} ms ` +
              `(waiting for: ${pending.size ? [...pending].join(", ") : `S3 ListBuckets, last error: ${lastS3Error}`}; ` +
              `raise SWIFT_START_TIMEOUT_MS if the machine is just slow).\n--- last log lines ---\n${logs.tail(60) || "(none)"}`,
            false,
          ),
      },
    );
  } finally {
    client.destroy();
  }
}

// ---------------------------------------------------------------- start

async function startOnce(dir: string, ownsDir: boolean, python: string, memcached: string, log: ((line: string) => void) | undefined): Promise<SwiftServer> {
  const startedAt = Date.now();
  const [memcachedPort, proxy, account, container, object] = (await freePorts(5)) as [number, number, number, number, number];
  const ports: Ports = { memcached: memcachedPort, proxy, account, container, object };
  await writeFiles(dir, ports);

  const logs = new LogTail(400, log);
  const launcher = path.join(dir, "launcher.py");
  const user = os.userInfo().username;
  const memcachedArgs = ["-l", "127.0.0.1", "-p", String(ports.memcached), "-U", "0", "-m", "64", "-t", "2"];
  if (process.getuid?.() === 0) memcachedArgs.push("-u", user);

  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1" };
  delete env.PYTHONPATH;
  delete env.PYTHONHOME;
  const children: Supervised[] = [
    // memcached holds nothing worth keeping and takes ~0.7 s to honour SIGTERM.
    supervise("memcached", memcached, memcachedArgs, { logs, stopSignal: "SIGKILL" }),
    // SIGTERM when Node dies: the master then stops the servers it forked.
    supervise("swift", python, [launcher, dir, String(ports.account), String(ports.container), String(ports.object)], { logs, env, deathSignal: "SIGTERM" }),
  ];

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      await stopInOrder(children);
      if (ownsDir) await removeTemporaryDir(dir);
    })();
    return stopped;
  };

  const server: SwiftServer = {
    endpoint: `http://127.0.0.1:${ports.proxy}`,
    region: "us-east-1",
    accessKeyId: `${ACCOUNT}:${USER}`,
    secretAccessKey: SECRET,
    dir,
    stop,
  };
  try {
    await waitUntilReady(server, ports, children, logs, startedAt);
  } catch (error) {
    await stopInOrder(children);
    throw error;
  }
  return server;
}

const TEMP_PREFIX = "bucketshare-swift-";

/**
 * Starts Swift + s3api in `options.dir` (kept after stop(); object data survives
 * a restart in the same folder) or in a new temporary folder (removed by stop()).
 * `options.log` receives every server log line, prefixed with the process name.
 */
export async function startSwift(options: { dir?: string; log?: (line: string) => void } = {}): Promise<SwiftServer> {
  const [python, memcached] = await Promise.all([swiftPython(), findExecutable("memcached")]);
  if (!memcached || !(await swiftPackagesInstalled())) {
    throw new Error(
      "OpenStack Swift or memcached is not installed: run tests/support/install-os-packages.sh " +
        "(apt packages swift-proxy swift-account swift-container swift-object memcached).",
    );
  }
  const ownsDir = !options.dir;
  let dir: string;
  if (options.dir) {
    dir = path.resolve(options.dir);
    await fsp.mkdir(dir, { recursive: true });
  } else {
    dir = await makeTemporaryDir(TEMP_PREFIX);
  }

  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(dir, ownsDir, python, memcached, options.log);
    } catch (error) {
      // A port picked as free can be taken before the server binds it: retry.
      if (error instanceof StartError && error.portClash && attempt < 3) continue;
      if (ownsDir) await removeTemporaryDir(dir);
      throw error;
    }
  }
}

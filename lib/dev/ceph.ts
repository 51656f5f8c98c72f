/**
 * A second real S3-compatible server for tests and benchmarks (dev tooling: never imported by the
 * app itself; tests/unit/layout.test.ts checks): Ceph's RADOS Gateway (Debian packages radosgw,
 * ceph-mon, ceph-osd; Ceph 16 "Pacific"), the S3 engine behind DigitalOcean Spaces. Unlike Swift's
 * s3api it implements bucket versioning (PutObject returns a VersionId) and CORS.
 *
 * startCeph() builds a throw-away one-node cluster in a folder: one monitor, one OSD keeping its
 * data in memory (memstore), and radosgw (beast frontend) on 127.0.0.1, all on free ports, with
 * cephx off and nothing read from /etc/ceph or written to /var. A user with known keys is made
 * with radosgw-admin. ~1.5 s from nothing; ~140 MiB RSS for the three daemons.
 *
 * Run as root, the daemons stay root (no --setuser/--setgroup: their default is to keep the
 * caller's identity). The daemons die with this Node process (./supervise.ts). stop() ends
 * radosgw, then the OSD, then the monitor (all at once made radosgw hang now and then), each with
 * SIGTERM and a SIGKILL after a grace.
 *
 * Install the packages with tests/support/install-os-packages.sh.
 */
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fsp from "node:fs/promises";
import * as net from "node:net";
import * as path from "node:path";
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import { findFreePort } from "@/lib/db/embedded";
import { s3ClientFor, type LocalS3Server } from "@/lib/dev/s3";
import {
  LogTail,
  endsWithin,
  findExecutable,
  httpOk,
  makeTemporaryDir,
  removeTemporaryDir,
  shebangPython,
  sleep,
  stopInOrder,
  supervise,
  waitUntil,
  writeOwnerFile,
  type Supervised,
} from "@/lib/dev/supervise";

export type CephServer = LocalS3Server;

const ACCESS_KEY = "BUCKETSHARETESTKEY01";
const SECRET_KEY = "ceph-testing-secret-0123456789abcdefghij";
const RGW_NAME = "client.rgw.a";
const START_TIMEOUT_MS = Number(process.env.CEPH_START_TIMEOUT_MS ?? 60_000);
const STOP_TIMEOUT_MS = 5_000;
const BINARIES = ["ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "monmaptool", "ceph", "setpriv"];
/** OSD messengers take ports from a range; kept below Linux's ephemeral ports (32768+). */
const OSD_PORT_COUNT = 10;

// ---------------------------------------------------------------- binaries

/** True when ceph-mon, ceph-osd, radosgw, radosgw-admin, monmaptool, the ceph CLI and setpriv are installed. */
export async function cephPackagesInstalled(): Promise<boolean> {
  return (await Promise.all(BINARIES.map(findExecutable))).every(Boolean);
}

/** The interpreter of Debian's `ceph` CLI (its shebang), which has the `rados` module. */
async function cephPython(): Promise<string> {
  return shebangPython(await findExecutable("ceph"));
}

/**
 * `ceph osd new <uuid> 0` through librados: the `ceph` CLI takes ~0.3–1 s more (it imports a
 * lot and fetches every command's description first). argv: conf, uuid, timeout in seconds.
 */
const OSD_NEW_PY = `
import json, sys, rados
cluster = rados.Rados(conffile=sys.argv[1], name='client.admin')
cluster.connect(timeout=int(sys.argv[3]))
ret, out, err = cluster.mon_command(json.dumps({'prefix': 'osd new', 'uuid': sys.argv[2], 'id': 0, 'format': 'json'}), b'', timeout=int(sys.argv[3]))
print(ret, out.decode(), err)
cluster.shutdown()
sys.exit(0 if ret == 0 else 1)
`;

// ---------------------------------------------------------------- ports

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen({ host: "127.0.0.1", port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The first port of `count` consecutive free ports in 20000–32767. */
async function freePortRange(count: number, avoid: number[]): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const first = 20_000 + Math.floor(Math.random() * (32_768 - 20_000 - count));
    const ports = Array.from({ length: count }, (_, i) => first + i);
    if (ports.some((p) => avoid.includes(p))) continue;
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return first;
  }
  throw new Error(`Ceph: found no ${count} consecutive free ports on 127.0.0.1 between 20000 and 32767`);
}

// ---------------------------------------------------------------- configuration

type Ports = { mon: number; rgw: number; osdFirst: number };

function cephConf(dir: string, fsid: string, ports: Ports): string {
  const d = (name: string) => path.join(dir, name);
  return `[global]
fsid = ${fsid}
mon_host = [v2:127.0.0.1:${ports.mon}]
public_addr = 127.0.0.1
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
# radosgw defaults to "secure", which cannot work with cephx off (it then loops on
# "get_initial_auth_request returned -13" and never listens): repeated in [${RGW_NAME}].
ms_mon_client_mode = crc
ms_bind_msgr1 = false
ms_bind_msgr2 = true
ms_bind_ipv6 = false
# One bind attempt: a port taken meanwhile fails at once (startCeph retries with others), not after 3 × 5 s.
ms_bind_retry_count = 1
ms_bind_port_min = ${ports.osdFirst}
ms_bind_port_max = ${ports.osdFirst + OSD_PORT_COUNT - 1}
mon_allow_pool_size_one = true
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
# The 1 s default makes the start ~12 s instead of ~1.5 s.
paxos_propose_interval = 0.05
keyring = ${d("keyring")}
run_dir = ${d("run")}
admin_socket = ${d("run")}/$name.$pid.asok
crash_dir = ${d("crash")}
log_file = ${d("log")}/$name.log
log_to_stderr = false
err_to_stderr = true
mon_cluster_log_file = ${d("log")}/cluster.log
pid_file =

[mon]
mon_data = ${d("mon")}/$name
mon_warn_on_pool_no_redundancy = false

[osd]
osd_data = ${d("osd")}/$name
osd_objectstore = memstore
memstore_device_bytes = 1073741824

[${RGW_NAME}]
ms_mon_client_mode = crc
rgw_frontends = beast endpoint=127.0.0.1:${ports.rgw}
rgw_data = ${d("rgw")}
rgw_thread_pool_size = 64
`;
}

// ---------------------------------------------------------------- processes

/** A daemon or tool of the cluster, which reads only our ceph.conf. */
function startChild(name: string, command: string, args: string[], logs: LogTail): Supervised {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.CEPH_CONF;
  delete env.CEPH_ARGS;
  return supervise(name, command, args, { logs, env, graceMs: STOP_TIMEOUT_MS });
}

class StartError extends Error {
  constructor(
    message: string,
    readonly portClash: boolean,
  ) {
    super(message);
  }
}

const PORT_CLASH = /Address already in use|unable to bind|failed to bind/i;

async function logTails(dir: string, lines: number): Promise<string> {
  const logDir = path.join(dir, "log");
  const parts: string[] = [];
  for (const name of await fsp.readdir(logDir).catch(() => [] as string[])) {
    if (name === "cluster.log") continue;
    const text = await fsp.readFile(path.join(logDir, name), "utf8").catch(() => "");
    const tail = text
      .split("\n")
      .filter((l) => / -1 |error|fail|abort/i.test(l))
      .slice(-lines);
    if (tail.length) parts.push(`--- ${name} ---\n${tail.join("\n")}`);
  }
  return parts.join("\n");
}

/** Runs a one-shot command (tool or --mkfs) to its end; fails with its output. */
async function runTool(
  name: string,
  command: string,
  args: string[],
  output: LogTail,
  dir: string,
  timeoutMs: number,
  tools: Set<ChildProcess>,
): Promise<string> {
  const own = new LogTail(300, (line) => output.push(line));
  let stdout = "";
  const child = startChild(name, command, args, own);
  tools.add(child.proc);
  void child.exited.then(() => tools.delete(child.proc));
  child.proc.stdout?.on("data", (chunk: string) => {
    stdout += chunk;
  });
  const timedOut = !(await endsWithin(child.exited, timeoutMs));
  if (timedOut) {
    child.proc.kill("SIGKILL");
    await child.exited;
  }
  if (timedOut || child.proc.exitCode !== 0) {
    const logs = await logTails(dir, 15);
    throw new StartError(
      `Ceph did not start: \`${[path.basename(command), ...args].join(" ")}\` ${timedOut ? `took over ${timeoutMs} ms` : `failed (${child.proc.signalCode ?? `exit code ${child.proc.exitCode}`})`}.\n` +
        `--- output ---\n${own.tail(40) || "(none)"}\n${logs}`,
      PORT_CLASH.test(own.tail(40) + logs),
    );
  }
  return stdout;
}

// ---------------------------------------------------------------- start

async function startOnce(dir: string, log: ((line: string) => void) | undefined): Promise<CephServer> {
  const startedAt = Date.now();
  const deadline = startedAt + START_TIMEOUT_MS;
  const remaining = () => Math.max(1000, deadline - Date.now());
  const output = new LogTail(300, log);

  const mon = await findFreePort();
  let rgw = await findFreePort();
  while (rgw === mon) rgw = await findFreePort();
  const ports: Ports = { mon, rgw, osdFirst: await freePortRange(OSD_PORT_COUNT, [mon, rgw]) };
  const python = await cephPython();
  const fsid = randomUUID();
  const osdUuid = randomUUID();
  const conf = path.join(dir, "ceph.conf");
  await Promise.all(["run", "log", "crash", "mon", "osd/osd.0", "rgw"].map((sub) => fsp.mkdir(path.join(dir, sub), { recursive: true })));
  await fsp.writeFile(conf, cephConf(dir, fsid, ports));
  await fsp.writeFile(path.join(dir, "keyring"), "");

  const children: Supervised[] = [];
  // radosgw first, then the OSD, then the monitor.
  const stopAll = () => stopInOrder(children);
  const c = ["-c", conf];
  const tools = new Set<ChildProcess>();
  const tool = (name: string, command: string, args: string[]) => runTool(name, command, args, output, dir, remaining(), tools);
  const checkAlive = async () => {
    const dead = children.find((child) => !child.isRunning());
    if (!dead) return;
    await sleep(50); // the last output lines
    const text = `${output.tail(40)}\n${await logTails(dir, 20)}`;
    throw new StartError(`Ceph did not start: ${dead.name} exited early.\n--- output ---\n${text}`, PORT_CLASH.test(text));
  };

  try {
    const monmap = path.join(dir, "monmap");
    await tool("monmaptool", "monmaptool", [...c, "--create", "--fsid", fsid, "--addv", "a", `[v2:127.0.0.1:${ports.mon}]`, monmap]);
    await tool("ceph-mon --mkfs", "ceph-mon", [...c, "--mkfs", "-i", "a", "--monmap", monmap]);
    children.push(startChild("ceph-mon", "ceph-mon", [...c, "-f", "-i", "a"], output));
    // Both wait for the monitor to answer; the OSD's store does not need the map entry yet.
    // A monitor that dies (its port was taken meanwhile) ends the wait at once.
    const monitorDied = children[0]!.exited.then(checkAlive);
    monitorDied.catch(() => undefined); // reported by the race below, or by a later checkAlive()
    await Promise.race([
      monitorDied,
      Promise.all([
        tool("osd new", python, ["-c", OSD_NEW_PY, conf, osdUuid, String(Math.ceil(remaining() / 1000))]),
        tool("ceph-osd --mkfs", "ceph-osd", [...c, "-i", "0", "--mkfs", "--osd-uuid", osdUuid]),
      ]),
    ]);
    await checkAlive();
    children.push(startChild("ceph-osd", "ceph-osd", [...c, "-f", "-i", "0"], output));
    // radosgw creates its pools at once, which fails (ERANGE) while no OSD is in: wait for the
    // OSD's "booting -> active" (its log file: cheaper than polling with the python CLI).
    const osdLog = path.join(dir, "log", "osd.0.log");
    const timeoutError = async (waitingFor: string) =>
      new StartError(
        `Ceph did not become ready within ${START_TIMEOUT_MS} ms (${waitingFor}; raise CEPH_START_TIMEOUT_MS if the ` +
          `machine is just slow).\n--- output ---\n${output.tail(40)}\n${await logTails(dir, 20)}`,
        false,
      );
    await waitUntil(async () => /state: booting -> active/.test(await fsp.readFile(osdLog, "utf8").catch(() => "")), {
      deadline,
      intervalMs: 25,
      alive: checkAlive,
      timedOut: () => timeoutError("the OSD never became active"),
    });
    children.push(startChild("radosgw", "radosgw", [...c, "-f", "-n", RGW_NAME], output));

    const endpoint = `http://127.0.0.1:${ports.rgw}`;
    await waitUntil(() => httpOk(`${endpoint}/`), {
      deadline,
      alive: checkAlive,
      timedOut: () => timeoutError(`radosgw never answered on ${endpoint}`),
    });
    await tool("radosgw-admin", "radosgw-admin", [
      ...c,
      "-n",
      RGW_NAME, // radosgw's settings; its admin socket name has $pid, so it does not clash with the daemon's
      "user",
      "create",
      "--uid=bucketshare",
      "--display-name=Bucketshare tests",
      `--access-key=${ACCESS_KEY}`,
      `--secret-key=${SECRET_KEY}`,
    ]);

    const server: CephServer = {
      endpoint,
      region: "us-east-1",
      accessKeyId: ACCESS_KEY,
      secretAccessKey: SECRET_KEY,
      dir,
      stop: stopAll,
    };
    const client = s3ClientFor(server);
    try {
      await client.send(new ListBucketsCommand({}));
    } finally {
      client.destroy();
    }
    return server;
  } catch (error) {
    for (const proc of tools) proc.kill("SIGKILL");
    await stopAll();
    throw error;
  }
}

const TEMP_PREFIX = "bucketshare-ceph-";
/**
 * Starts a throw-away Ceph cluster with radosgw in `options.dir` (emptied first; kept after stop(),
 * with the daemons' logs in log/) or in a new temporary folder (removed by stop()). The data lives
 * in memory: nothing survives stop(). `options.log` receives the daemons' stderr and the tools' output.
 */
export async function startCeph(options: { dir?: string; log?: (line: string) => void } = {}): Promise<CephServer> {
  if (!(await cephPackagesInstalled())) {
    throw new Error("Ceph is not installed: run tests/support/install-os-packages.sh (apt packages radosgw ceph-mon ceph-osd; setpriv from util-linux).");
  }
  const ownsDir = !options.dir;
  let dir: string;
  if (options.dir) {
    dir = path.resolve(options.dir);
  } else {
    dir = await makeTemporaryDir(TEMP_PREFIX);
  }
  const removeDir = () => removeTemporaryDir(dir);

  for (let attempt = 1; ; attempt++) {
    // A fresh cluster each time: whatever an earlier start left is not reused.
    await fsp.rm(dir, { recursive: true, force: true, maxRetries: 3 });
    await fsp.mkdir(dir, { recursive: true });
    if (ownsDir) await writeOwnerFile(dir);
    try {
      const server = await startOnce(dir, options.log);
      if (!ownsDir) return server;
      let stopped: Promise<void> | undefined;
      return {
        ...server,
        stop: () =>
          (stopped ??= (async () => {
            await server.stop();
            await removeDir();
          })()),
      };
    } catch (error) {
      // A port picked as free can be taken before a daemon binds it: retry.
      if (error instanceof StartError && error.portClash && attempt < 3) continue;
      if (ownsDir) await removeDir();
      throw error;
    }
  }
}

"""scripts/bench orchestrator: starts wsadm local, holds clients with wsadm loadtest, runs
wsadm broadcast and its peers, verifies every delivery by the clients' own counts, and writes
bench/results.md + bench/results.json. Run through scripts/bench (which builds and installs).

Every process it starts is stopped on exit; every wait is bounded in time.
"""
import atexit
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WSADM = os.environ.get("WSADM_BIN", str(ROOT / "target/release/wsadm"))
WORK = Path(os.environ.get("BENCH_WORK", ROOT / "target/bench/run"))
NODE_DIR = ROOT / "target/bench/node"
OUT_DIR = ROOT / "bench"
HERE = Path(__file__).resolve().parent
PY = str(ROOT / ".venv/bin/python")
AWS_CLI = str(ROOT / ".venv/bin/aws")

# Sizes (overridable for a quick smoke run: BENCH_HOLD=2000 BENCH_CLIENTS=1000 scripts/bench)
HOLD = int(os.environ.get("BENCH_HOLD", 15000))          # issue 5/9: idle connections held
CLIENTS = int(os.environ.get("BENCH_CLIENTS", 10000))    # issue 8: broadcast clients
CLI_SAMPLE = int(os.environ.get("BENCH_CLI_SAMPLE", 200))  # aws cli: measured on this many
CONNECT_RATE = int(os.environ.get("BENCH_CONNECT_RATE", 5000))
WRK_SECS = int(os.environ.get("BENCH_WRK_SECS", 10))
WRK_THREADS = int(os.environ.get("BENCH_WRK_THREADS", 2))
WRK_CONNS = int(os.environ.get("BENCH_WRK_CONNS", 128))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))          # wsadm broadcast rounds; the median is reported
PAIR_SECS = int(os.environ.get("BENCH_PAIR_SECS", 3))    # wrk's share of each back-to-back pair
STAGE = "bench"

ENV = dict(os.environ)
for k in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
    ENV.pop(k, None)
ENV.update({
    "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
    "WSADM_LOOPBACK_ONLY": "1", "NO_COLOR": "1", "AWS_PAGER": "",
})
os.environ.update(ENV)

PROCS = []  # everything we started, stopped at exit


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def start(args, name, env=None):
    out = open(WORK / f"{name}.out", "w")
    err = open(WORK / f"{name}.err", "w")
    p = subprocess.Popen(args, stdout=out, stderr=err, env=env or ENV, start_new_session=True)
    p.name, p.out_path = name, WORK / f"{name}.out"
    PROCS.append(p)
    return p


def stop(p, sig=signal.SIGTERM, timeout=30):
    if p.poll() is None:
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            pass
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait(10)
    return p.returncode


@atexit.register
def _cleanup():
    for p in reversed(PROCS):
        try:
            stop(p, timeout=10)
        except Exception:  # noqa: BLE001
            pass


signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
signal.signal(signal.SIGINT, lambda *_: sys.exit(130))


def lines(path):
    try:
        return [l for l in Path(path).read_text().splitlines() if l.strip()]
    except FileNotFoundError:
        return []


def wait_json_line(p, pred, timeout):
    """The first JSON line of p's stdout that satisfies pred, waiting at most timeout s."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for l in lines(p.out_path):
            try:
                j = json.loads(l)
            except ValueError:
                continue
            if pred(j):
                return j
        if p.poll() is not None:
            raise RuntimeError(f"{p.name} exited {p.returncode}: {Path(str(p.out_path).replace('.out', '.err')).read_text()[-2000:]}")
        time.sleep(0.1)
    raise RuntimeError(f"{p.name}: no matching line within {timeout}s")


def last_json(p):
    try:
        return json.loads(Path(p.out_path).read_text())
    except ValueError:
        pass
    for l in reversed(lines(p.out_path)):
        try:
            return json.loads(l)
        except ValueError:
            continue
    return None


def http(method, url, body=None, timeout=30):
    req = urllib.request.Request(url, data=body.encode() if body else None, method=method)
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read() or b"null")


def proc_status(pid, key):
    try:
        for l in Path(f"/proc/{pid}/status").read_text().splitlines():
            if l.startswith(key + ":"):
                return int(l.split()[1])  # kB
    except FileNotFoundError:
        return None


def proc_cpu(pid):
    """User + system CPU seconds of pid and its reaped children."""
    try:
        f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12]) + int(f[13]) + int(f[14])) / os.sysconf("SC_CLK_TCK")
    except FileNotFoundError:
        return None


def version(args):
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=60, env=ENV).stdout.strip().splitlines()[0]
    except Exception as e:  # noqa: BLE001
        return f"unknown ({e})"


# ---------------------------------------------------------------------------------------------
class Emulator:
    def __init__(self, name, *extra):
        self.p = start([WSADM, "local", "--port", "0", "-o", "jsonl", "--idle-timeout", "3600", *extra], name)
        ready = wait_json_line(self.p, lambda j: "endpoint" in j, 120)
        self.endpoint = ready["endpoint"].rstrip("/")
        self.pid = self.p.pid
        import boto3
        gw = boto3.client("apigatewayv2", endpoint_url=self.endpoint)
        # No $connect/$disconnect integrations: connects must not wait on moto's DynamoDB.
        api = gw.create_api(Name=f"bench-{name}", ProtocolType="WEBSOCKET",
                            RouteSelectionExpression="$request.body.action")
        self.api = api["ApiId"]
        gw.create_stage(ApiId=self.api, StageName=STAGE, AutoDeploy=True)
        self.ws_url = f"{self.endpoint.replace('http://', 'ws://')}/apis/{self.api}/{STAGE}"
        self.mgmt = f"{self.endpoint}/apis/{self.api}/{STAGE}"
        log(f"{name}: {self.endpoint} api {self.api} ({' '.join(extra)})")

    def stats(self):
        return http("GET", f"{self.endpoint}/_wsadm/stats")

    def ids(self):
        return http("GET", f"{self.endpoint}/_wsadm/connections")["connectionIds"]

    def wait_connections(self, n, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.stats()["connections"] == n:
                return True
            time.sleep(0.2)
        return False


class Clients:
    """wsadm loadtest holding n clients in counting mode (frames of type "bench")."""

    def __init__(self, emu, n, name, expect=None, rate=CONNECT_RATE):
        args = [WSADM, "loadtest", emu.ws_url, "-n", str(n), "--connect-rate", str(rate), "--hold",
                "--heartbeat", "0", "--count-type", "bench", "-o", "jsonl"]
        if expect is not None:
            args += ["--expect", str(expect), "--until-expected", "--settle", "1s"]
        self.n, self.emu = n, emu
        t0 = time.monotonic()
        self.p = start(args, name)
        self.ready = wait_json_line(self.p, lambda j: j.get("event") == "ready", n / rate + 120)
        self.secs_from_start = time.monotonic() - t0
        self.cpu_at_ready = proc_cpu(self.p.pid)
        self.hwm_at_ready = proc_status(self.p.pid, "VmHWM")
        if self.ready["open"] != n:
            log(f"{name}: only {self.ready['open']} of {n} open ({self.ready['failed']} failed)")
        emu.wait_connections(self.ready["open"], 30)
        self.ids = emu.ids()

    def finish(self, wait=0):
        """The loadtest report: after it ends by itself (until-expected) within wait s, else SIGTERM."""
        end = time.monotonic() + wait
        while self.p.poll() is None and time.monotonic() < end:
            time.sleep(0.1)
        self.hwm = proc_status(self.p.pid, "VmHWM")
        stop(self.p, timeout=60)
        rep = last_json(self.p)
        if not rep or "connections" not in rep:
            raise RuntimeError(f"{self.p.name}: no report")
        self.emu.wait_connections(0, 30)
        return rep


def write_ids(ids, path, encode=False):
    from urllib.parse import quote
    Path(path).write_text("".join((quote(i, safe="") if encode else i) + "\n" for i in ids))
    return str(path)


def timed(args, name, timeout, env=None):
    """Wall seconds from start to exit. A blocking wait: Popen.wait(timeout) polls with sleeps of
    up to 50 ms, which would add up to 50 ms to a sub-second run."""
    global LAST_CPU
    t0 = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = start(args, name, env)
    timer = threading.Timer(timeout, lambda: stop(p))
    timer.start()
    p.wait()
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # Only p was reaped in between: the difference is its CPU.
    LAST_CPU = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    timer.cancel()
    if wall >= timeout:
        raise RuntimeError(f"{name}: over {timeout}s")
    return wall, p.returncode, last_json(p)


LAST_CPU = None  # user+system seconds of the last timed() process


def run_wrk(emu, ids, secs, name):
    idsf = write_ids(ids, WORK / f"{name}.ids", encode=True)
    env = dict(ENV, IDS_FILE=idsf, POST_PATH=f"/apis/{emu.api}/{STAGE}/@connections/",
               POST_BODY='{"type":"bench","peer":"wrk"}')
    before = emu.stats()["connectionsApi"]
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = start(["wrk", "-t", str(WRK_THREADS), "-c", str(WRK_CONNS), "-d", f"{secs}s", "--timeout", "5s",
               "-s", str(HERE / "post.lua"), emu.endpoint], name, env)
    p.wait(secs + 60)
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = Path(p.out_path).read_text()
    m = re.search(r"WRKJSON (\{.*\})", out)
    if not m:
        raise RuntimeError(f"{name}: no summary: {out[-1000:]}")
    w = json.loads(m.group(1))
    time.sleep(1)
    after = emu.stats()["connectionsApi"]
    w["server_calls"] = after["calls"] - before["calls"]
    w["server_throttled"] = after["throttled"] - before["throttled"]
    w["rate_per_sec"] = w["requests"] / (w["duration_us"] / 1e6)
    w["cpu_us_per_request"] = ((cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)) * 1e6 / max(w["requests"], 1)
    w["errors"] = w["connect_errors"] + w["read_errors"] + w["write_errors"] + w["status_errors"] + w["timeouts"]
    return w


def received_total(rep):
    return sum(int(k) * v for k, v in (rep["counting"] or {}).get("histogram", {}).items())


R = {"started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "machine": {}, "versions": {}}


def save():
    OUT_DIR.mkdir(exist_ok=True)
    (OUT_DIR / "results.json").write_text(json.dumps(R, indent=2) + "\n")


# ---------------------------------------------------------------------------------------------
def capacity():
    """Issues 5 and 9: hold HOLD idle clients; RSS per connection; wrk POST/s, every one delivered."""
    emu = Emulator("emu-capacity", "--connect-rate", "1000000", "--account-rate", "10000000",
                   "--account-burst", "10000000")
    time.sleep(1)
    rss0 = proc_status(emu.pid, "VmRSS")
    t0 = time.monotonic()
    cl = Clients(emu, HOLD, "loadtest-hold")
    open_n = cl.ready["open"]
    time.sleep(2)
    rss1 = proc_status(emu.pid, "VmRSS")
    cap = R["capacity"] = {
        "held": open_n, "requested": HOLD, "rss_before_kb": rss0, "rss_after_kb": rss1,
        "kb_per_connection": (rss1 - rss0) / max(open_n, 1),
        "loadtest": {"connect_rate_asked": CONNECT_RATE, "ramp_secs": cl.ready["elapsed_secs"],
                     "connections_per_sec": open_n / cl.ready["elapsed_secs"],
                     "cpu_secs_to_ready": cl.cpu_at_ready, "peak_rss_kb_at_ready": cl.hwm_at_ready,
                     "secs_from_process_start": cl.secs_from_start,
                     "connections_per_sec_from_process_start": open_n / cl.secs_from_start},
    }
    log(f"held {open_n}: emulator RSS {rss0} -> {rss1} kB = {cap['kb_per_connection']:.2f} kB/conn; "
        f"loadtest {cap['loadtest']['connections_per_sec']:.0f} conn/s, CPU {cl.cpu_at_ready:.1f}s, peak {cl.hwm_at_ready} kB")
    save()
    w = run_wrk(emu, cl.ids, WRK_SECS, "wrk-capacity")
    time.sleep(2)
    rep = cl.finish()
    got = received_total(rep)
    cap["wrk"] = w
    cap["wrk"]["clients_received"] = got
    cap["wrk"]["all_delivered"] = (w["errors"] == 0 and w["server_throttled"] == 0
                                   and got == w["server_calls"] and got >= w["requests"])
    cap["loadtest"]["peak_rss_kb"] = cl.hwm
    cap["loadtest"]["report_connections"] = rep["connections"]
    log(f"wrk {w['rate_per_sec']:.0f} POST/s ({w['requests']} done, {w['server_calls']} at the server, "
        f"{got} received by clients, errors {w['errors']})")
    save()
    if os.environ.get("BENCH_ARTILLERY", "1") != "0":
        try:
            artillery(emu)
        except Exception as e:  # noqa: BLE001 - the peer is optional; say why it is missing
            cap["artillery"] = {"error": repr(e)}
            log(f"artillery: {e!r}")
        save()
    stop(emu.p)


def group_usage(pgid):
    """CPU seconds and summed VmHWM (kB) of the processes in a process group."""
    cpu, hwm = 0.0, 0
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            if os.getpgid(int(d.name)) != pgid:
                continue
        except (ProcessLookupError, PermissionError):
            continue
        cpu += proc_cpu(int(d.name)) or 0
        hwm += proc_status(int(d.name), "VmHWM") or 0
    return cpu, hwm


def artillery(emu):
    """Issue 9's peer: Artillery's WebSocket engine opening and holding HOLD connections at the same rate."""
    bin_ = ROOT / "target/bench/artillery/node_modules/.bin/artillery"
    if not bin_.exists():
        raise RuntimeError("artillery is not installed (npm install failed or skipped)")
    secs = max(1, round(HOLD / CONNECT_RATE))
    cfg = WORK / "artillery.yml"
    cfg.write_text(f"""config:
  target: "{emu.ws_url}"
  phases:
    - duration: {secs}
      arrivalRate: {HOLD // secs}
scenarios:
  - engine: ws
    flow:
      - think: 600
""")
    emu.wait_connections(0, 30)
    env = dict(ENV, ARTILLERY_DISABLE_TELEMETRY="true", DO_NOT_TRACK="1")
    t0 = time.monotonic()
    p = start([str(bin_), "run", str(cfg)], "artillery", env)
    best, best_t, last_change = 0, None, time.monotonic()
    cpu_at, hwm_at = 0.0, 0
    deadline = t0 + HOLD / CONNECT_RATE + 120
    while time.monotonic() < deadline and p.poll() is None:
        n = emu.stats()["connections"]
        c, h = group_usage(p.pid)
        hwm_at = max(hwm_at, h)
        if n > best:
            best, best_t, last_change, cpu_at = n, time.monotonic() - t0, time.monotonic(), c
        if best >= HOLD or time.monotonic() - last_change > 15:
            break
        time.sleep(0.2)
    c, h = group_usage(p.pid)
    stop(p)
    R["capacity"]["artillery"] = {
        "asked": HOLD, "arrival_rate": HOLD // secs, "max_open": best, "secs_to_max": best_t,
        "connections_per_sec": best / best_t if best_t else None, "cpu_secs_to_max": cpu_at,
        "peak_rss_kb": max(hwm_at, h), "exited_early": p.returncode is not None and best < HOLD,
    }
    log(f"artillery: {best} open after {best_t}s, CPU {cpu_at:.1f}s, peak {max(hwm_at, h)} kB")


def free_port():
    import socket
    with socket.socket() as so:
        so.bind(("127.0.0.1", 0))
        return so.getsockname()[1]


def serverless_offline():
    """Issue 5's peer: serverless-offline's WebSocket emulation, same clients, same wrk script."""
    d = ROOT / "target/bench/sls"
    bin_ = d / "node_modules/.bin/serverless"
    S = R["serverless_offline"] = {}
    if not bin_.exists():
        S["error"] = "serverless/serverless-offline not installed"
        return
    for f in ("serverless.yml", "handler.js"):
        shutil.copy(HERE / "sls" / f, d / f)
    ws_port, http_port, lambda_port = free_port(), free_port(), free_port()
    idsf = WORK / "sls.ids"
    idsf.write_text("")
    env = dict(ENV, SLS_WS_PORT=str(ws_port), SLS_HTTP_PORT=str(http_port), SLS_LAMBDA_PORT=str(lambda_port),
               IDS_FILE=str(idsf), SLS_TELEMETRY_DISABLED="1", SLS_NOTIFICATIONS_MODE="off",
               SLS_DEPRECATION_DISABLE="*", SERVERLESS_PLATFORM_STAGE="", NODE_OPTIONS="--max-old-space-size=8192")
    p = subprocess.Popen([str(bin_), "offline", "start"], cwd=d, env=env, start_new_session=True,
                         stdout=open(WORK / "sls.out", "w"), stderr=subprocess.STDOUT)
    p.name, p.out_path = "sls", WORK / "sls.out"
    PROCS.append(p)
    import socket
    end = time.monotonic() + 120
    while time.monotonic() < end:
        if p.poll() is not None:
            raise RuntimeError(f"serverless offline exited: {Path(p.out_path).read_text()[-1500:]}")
        try:
            socket.create_connection(("127.0.0.1", ws_port), 1).close()
            break
        except OSError:
            time.sleep(0.5)
    else:
        raise RuntimeError("serverless offline did not listen within 120 s")
    time.sleep(2)
    _, _ = group_usage(p.pid)
    rss0 = group_rss(p.pid)
    url = f"ws://127.0.0.1:{ws_port}"
    args = [WSADM, "loadtest", url, "-n", str(HOLD), "--connect-rate", str(CONNECT_RATE), "--hold",
            "--heartbeat", "0", "--count-type", "bench", "-o", "jsonl", "--handshake-timeout", "30s"]
    lt = start(args, "loadtest-sls")
    ready = wait_json_line(lt, lambda j: j.get("event") == "ready", HOLD / CONNECT_RATE + 240)
    time.sleep(2)
    rss1 = group_rss(p.pid)
    ids = [l for l in idsf.read_text().splitlines() if l]
    S.update({"version": R["versions"].get("serverless-offline"), "requested": HOLD, "held": ready["open"],
              "failed": ready["failed"], "ramp_secs": ready["elapsed_secs"], "ids_recorded": len(ids),
              "rss_before_kb": rss0, "rss_after_kb": rss1,
              "kb_per_connection": (rss1 - rss0) / max(ready["open"], 1)})
    log(f"serverless-offline: held {ready['open']} ({ready['failed']} failed) in {ready['elapsed_secs']:.1f}s; "
        f"RSS {rss0} -> {rss1} kB = {S['kb_per_connection']:.2f} kB/conn")
    save()
    if ids:
        idsf2 = write_ids(ids, WORK / "sls-wrk.ids", encode=True)
        env2 = dict(ENV, IDS_FILE=idsf2, POST_PATH="/@connections/", POST_BODY='{"type":"bench","peer":"wrk"}')
        w = start(["wrk", "-t", str(WRK_THREADS), "-c", str(WRK_CONNS), "-d", f"{WRK_SECS}s", "--timeout", "5s",
                   "-s", str(HERE / "post.lua"), f"http://127.0.0.1:{ws_port}"], "wrk-sls", env2)
        w.wait(WRK_SECS + 60)
        m = re.search(r"WRKJSON (\{.*\})", Path(w.out_path).read_text())
        if m:
            wj = json.loads(m.group(1))
            wj["rate_per_sec"] = wj["requests"] / (wj["duration_us"] / 1e6)
            wj["errors"] = wj["connect_errors"] + wj["read_errors"] + wj["write_errors"] + wj["status_errors"] + wj["timeouts"]
            time.sleep(2)
            rep = None
            try:
                stop(lt, timeout=60)
                rep = last_json(lt)
            except Exception:  # noqa: BLE001
                pass
            wj["clients_received"] = received_total(rep) if rep else None
            S["wrk"] = wj
            log(f"serverless-offline wrk: {wj['rate_per_sec']:.0f} POST/s, errors {wj['errors']}, clients received {wj['clients_received']}")
    stop(lt, timeout=60)
    stop(p)
    save()


def group_rss(pgid):
    tot = 0
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if os.getpgid(int(d.name)) == pgid:
                    tot += proc_status(int(d.name), "VmRSS") or 0
            except (ProcessLookupError, PermissionError):
                pass
    return tot


def broadcast_rounds():
    """Issue 8: wsadm broadcast vs boto3, Node SDK v3, aws cli, raw wrk; every delivery verified."""
    emu = Emulator("emu-broadcast", "--connect-rate", "1000000", "--account-rate", "10000000",
                   "--account-burst", "10000000")
    B = R["broadcast"] = {"clients": CLIENTS, "rounds": {}}

    def round_(peer, n, run):
        cl = Clients(emu, n, f"loadtest-{peer}", expect=1)
        idsf = write_ids(cl.ids, WORK / f"{peer}.ids")
        msg = json.dumps({"type": "bench", "peer": peer})
        before = emu.stats()["connectionsApi"]
        wall, rc, summary = run(idsf, msg, len(cl.ids))
        cpu = LAST_CPU
        rep = cl.finish(wait=30)
        after = emu.stats()["connectionsApi"]
        k = rep["counting"]
        r = {"targets": len(cl.ids), "wall_secs": wall, "rate_per_sec": len(cl.ids) / wall, "exit": rc,
             "summary": summary, "clients_exact": k["exact"], "clients_fewer": k["fewer"],
             "clients_more": k["more"], "server_calls": after["calls"] - before["calls"],
             "server_throttled": after["throttled"] - before["throttled"],
             "cpu_secs": cpu, "cpu_us_per_message": cpu * 1e6 / n if cpu is not None else None}
        r["verified"] = k["exact"] == n == len(cl.ids)
        B["rounds"][peer] = r
        log(f"{peer}: {n} in {wall:.3f}s = {r['rate_per_sec']:.0f}/s; clients exact {k['exact']}/{n} "
            f"(fewer {k['fewer']}, more {k['more']})")
        save()
        return r

    def wsadm(idsf, msg, n):
        # As many connections as wrk's; no rate cap (the emulator's throttle is raised too).
        return timed([WSADM, "broadcast", "--endpoint-url", emu.endpoint, "--api", emu.api, "--stage", STAGE,
                      "--targets", idsf, "--message", msg, "--max-rps", "1000000", "--concurrency", str(WRK_CONNS),
                      "-o", "json"], "broadcast-wsadm", 300)

    def median_of(peer, runs, n, run):
        rs = []
        for i in range(runs):
            rs.append(round_(peer, n, run))
        ok = sorted((r for r in rs), key=lambda r: r["wall_secs"])
        med = ok[len(ok) // 2]
        med["runs"] = [{"wall_secs": r["wall_secs"], "verified": r["verified"], "cpu_secs": r["cpu_secs"]} for r in rs]
        med["all_verified"] = all(r["verified"] and r["exit"] == 0 for r in rs)
        B["rounds"][peer] = med
        save()
        return med

    def boto3_(idsf, msg, n):
        return timed([PY, str(HERE / "boto3_peer.py"), emu.mgmt, idsf, msg, "32"], "broadcast-boto3", 900)

    def node(idsf, msg, n):
        env = dict(ENV, NODE_PATH=str(NODE_DIR / "node_modules"))
        script = NODE_DIR / "node_peer.mjs"  # next to node_modules so the ESM import resolves
        shutil.copy(HERE / "node_peer.mjs", script)
        return timed(["node", str(script), emu.mgmt, idsf, msg], "broadcast-node", 900, env)

    def awscli(idsf, msg, n):
        ids = [l for l in Path(idsf).read_text().splitlines() if l]
        t0 = time.monotonic()
        fails = 0
        deadline = t0 + 900
        for i in ids:
            if time.monotonic() > deadline:
                break
            r = subprocess.run([AWS_CLI, "apigatewaymanagementapi", "post-to-connection", "--endpoint-url",
                                emu.mgmt, "--connection-id", i, "--data", msg], env=ENV,
                               capture_output=True, timeout=60)
            fails += r.returncode != 0
        return time.monotonic() - t0, 0 if not fails else 1, {"failed": fails}

    B["rounds"]["wsadm_median"] = median_of("wsadm", ROUNDS, CLIENTS, wsadm)
    round_("boto3", CLIENTS, boto3_)
    round_("node", CLIENTS, node)
    r = round_("awscli", CLI_SAMPLE, awscli)
    r["extrapolated_secs_for_clients"] = r["wall_secs"] * CLIENTS / CLI_SAMPLE
    r["rate_per_sec"] = CLI_SAMPLE / r["wall_secs"]

    # Raw ceiling: wrk, precomputed header, cycling over CLIENTS clients for WRK_SECS.
    cl = Clients(emu, CLIENTS, "loadtest-wrk-raw")
    w = run_wrk(emu, cl.ids, WRK_SECS, "wrk-raw")
    time.sleep(2)
    rep = cl.finish()
    got = received_total(rep)
    w["clients_received"] = got
    w["verified"] = w["errors"] == 0 and w["server_throttled"] == 0 and got == w["server_calls"]
    B["raw_ceiling"] = w
    log(f"raw ceiling (wrk): {w['rate_per_sec']:.0f} POST/s, clients received {got} of {w['server_calls']}")
    save()

    # Paired: the machine's speed drifts between measurements minutes apart (a shared VM: wrk
    # measured 28,569/s and 33,275/s in two runs of the same build), so the ratio is also taken
    # from pairs measured back to back: a wsadm round, then wrk for PAIR_SECS on fresh clients.
    pairs = []
    for k in range(ROUNDS):
        r = round_("wsadm", CLIENTS, wsadm)
        cl = Clients(emu, CLIENTS, f"loadtest-wrk-pair{k}")
        pw = run_wrk(emu, cl.ids, PAIR_SECS, f"wrk-pair{k}")
        time.sleep(1)
        rep = cl.finish()
        ok = pw["errors"] == 0 and pw["server_throttled"] == 0 and received_total(rep) == pw["server_calls"]
        pairs.append({"wsadm_wall_secs": r["wall_secs"], "wsadm_rate": r["rate_per_sec"], "wsadm_verified": r["verified"],
                      "wrk_rate": pw["rate_per_sec"], "wrk_verified": ok, "ratio": r["rate_per_sec"] / pw["rate_per_sec"]})
        log(f"pair {k}: wsadm {r['rate_per_sec']:.0f}/s, wrk {pw['rate_per_sec']:.0f}/s = {100 * pairs[-1]['ratio']:.0f}%")
    B["rounds"]["wsadm"] = B["rounds"].get("wsadm_median", B["rounds"]["wsadm"])
    B["pairs"] = pairs
    save()
    stop(emu.p)

    # Throttled: account 2,000 rps + 30 ms on every @connections call.
    emu = Emulator("emu-throttled", "--connect-rate", "1000000", "--account-rate", "2000",
                   "--account-burst", "2000", "--connections-latency-ms", "30")
    cl = Clients(emu, CLIENTS, "loadtest-throttled", expect=1)
    idsf = write_ids(cl.ids, WORK / "throttled.ids")
    before = emu.stats()["connectionsApi"]
    wall, rc, s = timed([WSADM, "broadcast", "--endpoint-url", emu.endpoint, "--api", emu.api, "--stage", STAGE,
                         "--targets", idsf, "--message", json.dumps({"type": "bench", "peer": "throttled"}),
                         "-o", "json"], "broadcast-throttled", 600)
    rep = cl.finish(wait=30)
    after = emu.stats()["connectionsApi"]
    k = rep["counting"]
    B["throttled"] = {"account_rate": 2000, "account_burst": 2000, "latency_ms": 30, "max_rps": "default (5000)",
                      "wall_secs": wall, "exit": rc, "summary": s, "clients_exact": k["exact"],
                      "targets": len(cl.ids), "server_calls": after["calls"] - before["calls"],
                      "server_throttled_429": after["throttled"] - before["throttled"]}
    log(f"throttled: {s}; clients exact {k['exact']}/{len(cl.ids)}")
    save()
    stop(emu.p)


def fmt(x, nd=0):
    if x is None:
        return "n/a"
    return f"{x:,.{nd}f}"


def report():
    rows = []  # (area, measure, figure, target, verdict)

    def row(area, what, fig, target, ok):
        rows.append((area, what, fig, target, "n/a" if ok is None else ("PASS" if ok else "FAIL")))

    c = R.get("capacity")
    if c:
        row("emulator (5)", "idle connections held", f"{c['held']:,} of {c['requested']:,}", ">= 15,000", c["held"] >= 15000)
        row("emulator (5)", "RSS per connection", f"{c['kb_per_connection']:.2f} KB ({fmt(c['rss_before_kb'])} -> {fmt(c['rss_after_kb'])} kB)",
            "< 20 KB", c["kb_per_connection"] < 20)
        w = c.get("wrk")
        if w:
            row("emulator (5)", "@connections POST/s (wrk, precomputed SigV4 header)",
                f"{fmt(w['rate_per_sec'])}/s ({w['requests']:,} posts to {c['held']:,} clients, p99 {w['p99_ms']:.1f} ms)",
                ">= 20,000/s", w["rate_per_sec"] >= 20000)
            row("emulator (5)", "every POST delivered", f"{w['clients_received']:,} received / {w['server_calls']:,} accepted, {w['errors']} errors",
                "all", w["all_delivered"])
        lt = c["loadtest"]
        row("loadtest (9)", "connections/s to hold all", f"{fmt(lt['connections_per_sec'])}/s ({lt['ramp_secs']:.1f} s, asked {fmt(lt['connect_rate_asked'])}/s); "
            f"{fmt(lt['connections_per_sec_from_process_start'])}/s counted from process start", "report", None)
        a = c.get("artillery")
        if a and "max_open" in a:
            row("loadtest (9)", "Artillery ws engine, same scenario",
                f"{a['max_open']:,} of {a['asked']:,} open, {fmt(a['connections_per_sec'])}/s from process start, CPU {a['cpu_secs_to_max']:.1f} s, "
                f"peak {fmt(a['peak_rss_kb']/1024, 1)} MiB -> wsadm loadtest {lt['connections_per_sec_from_process_start']/max(a['connections_per_sec'] or 1e-9, 1e-9):.1f}x the rate",
                "report", None)
        elif a:
            row("loadtest (9)", "Artillery ws engine", f"not measured: {a['error']}", "report", None)
        row("loadtest (9)", "client CPU to open them", f"{lt['cpu_secs_to_ready']:.1f} s", "report", None)
        row("loadtest (9)", "client peak memory", f"{fmt((lt.get('peak_rss_kb') or lt['peak_rss_kb_at_ready'])/1024, 1)} MiB "
            f"({(lt.get('peak_rss_kb') or lt['peak_rss_kb_at_ready'])/max(c['held'],1):.1f} kB/conn)", "report", None)
    b = R.get("broadcast")
    if b:
        rs = b["rounds"]
        ws = rs.get("wsadm")
        def runs(r):
            return ", ".join(f"{x['wall_secs']:.3f}" for x in r.get("runs", [])) or f"{r['wall_secs']:.3f}"
        if ws:
            row("broadcast (8)", f"wsadm broadcast to {ws['targets']:,}", f"{ws['wall_secs']:.3f} s = {fmt(ws['rate_per_sec'])}/s "
                f"(median of {runs(ws)} s; {ws['cpu_us_per_message']:.1f} µs CPU per message), "
                f"{ws['clients_exact']:,} clients got exactly 1 in every run", "verified", ws.get("all_verified", ws["verified"]))
            row("emulator (5)", f"one message to each of {ws['targets']:,} clients via @connections", f"{ws['wall_secs']:.3f} s wall, process start to exit ({(ws['summary'] or {}).get('elapsed_secs', 0):.3f} s sending)",
                "< 1 s", ws["wall_secs"] < 1.0 and ws["verified"])
        for peer, label, target in (("boto3", "boto3 ThreadPoolExecutor(32)", 10), ("node", "Node SDK v3 Promise.all", 3)):
            p = rs.get(peer)
            if p and ws:
                ratio = p["wall_secs"] / ws["wall_secs"]
                row("broadcast (8)", f"vs {label}", f"{p['wall_secs']:.2f} s ({fmt(p['rate_per_sec'])}/s, {p['clients_exact']:,} exact) -> wsadm {ratio:.1f}x",
                    f">= {target}x", ratio >= target and p["verified"])
        a = rs.get("awscli")
        if a and ws:
            ratio = a["extrapolated_secs_for_clients"] / ws["wall_secs"]
            row("broadcast (8)", f"vs aws cli post-to-connection loop", f"{a['wall_secs']:.1f} s for {a['targets']} -> {a['extrapolated_secs_for_clients']:,.0f} s for {b['clients']:,} -> wsadm {ratio:,.0f}x",
                "report", None)
        w = b.get("raw_ceiling")
        if w and ws:
            pct = 100 * ws["rate_per_sec"] / w["rate_per_sec"]
            row("broadcast (8)", "vs raw ceiling (wrk, no signing, 10 s steady state)",
                f"wrk {fmt(w['rate_per_sec'])}/s ({w['cpu_us_per_request']:.1f} µs CPU per POST; received {w['clients_received']:,}/{w['server_calls']:,}); "
                f"wsadm {fmt(ws['rate_per_sec'])}/s process start to exit (median round, measured minutes apart) = {pct:.0f}%",
                "report (the pairs below are the measure)", None)
        pairs = b.get("pairs")
        if pairs:
            ratios = sorted(p["ratio"] for p in pairs)
            med = ratios[len(ratios) // 2]
            ok = all(p["wsadm_verified"] and p["wrk_verified"] for p in pairs)
            row("broadcast (8)", f"vs raw ceiling, {len(pairs)} back-to-back pairs (a wsadm round, then wrk {PAIR_SECS} s)",
                "wsadm/wrk per pair: " + ", ".join(f"{fmt(p['wsadm_rate'])}/{fmt(p['wrk_rate'])} = {100 * p['ratio']:.0f}%" for p in pairs)
                + f"; median {100 * med:.0f}%", ">= 80%", med >= 0.8 and ok)
        t = b.get("throttled")
        if t:
            s = t["summary"] or {}
            rate = s.get("rate_per_sec") or (t["targets"] / t["wall_secs"])
            row("broadcast (8)", "account 2,000 rps (burst 2,000) + 30 ms latency", f"delivered {s.get('delivered')}, failed {s.get('failed')}, "
                f"{s.get('elapsed_secs', 0):.2f} s = {fmt(rate)}/s ({100*rate/2000:.0f}% of 2,000; {t['server_throttled_429']:,} 429s absorbed; {t['clients_exact']:,} exact)",
                "0 failures, >= 1,800/s", s.get("failed") == 0 and s.get("delivered") == t["targets"] and rate >= 1800 and t["clients_exact"] == t["targets"])
    so = R.get("serverless_offline")
    if so and "held" in so:
        mine = R.get("capacity", {})
        row("emulator (5)", "serverless-offline: connections held", f"{so['held']:,} of {so['requested']:,} ({so['failed']:,} failed, {so['ramp_secs']:.1f} s); wsadm local {mine.get('held', 0):,}", "report", None)
        row("emulator (5)", "serverless-offline: RSS per connection", f"{so['kb_per_connection']:.2f} KB ({fmt(so['rss_before_kb'])} -> {fmt(so['rss_after_kb'])} kB); wsadm local {mine.get('kb_per_connection', 0):.2f} KB", "report", None)
        if so.get("wrk"):
            w = so["wrk"]
            ours = (mine.get("wrk") or {}).get("rate_per_sec")
            row("emulator (5)", "serverless-offline: @connections POST/s (same wrk script)", f"{fmt(w['rate_per_sec'])}/s ({w['errors']:,} errors, clients received {w['clients_received']}); wsadm local {fmt(ours)}/s"
                + (f" = {ours / w['rate_per_sec']:.1f}x" if ours and w['rate_per_sec'] else ""), "report", None)
    elif so:
        row("emulator (5)", "serverless-offline", f"not measured: {so.get('error')}", "report", None)
    R["table"] = rows
    save()
    head = "| area (issue) | measure | figure | target | result |\n|---|---|---|---|---|\n"
    table = head + "".join(f"| {a} | {w} | {f} | {t} | {v} |\n" for a, w, f, t, v in rows)
    md = [f"# wsadm benchmark results\n\nRun {R['started']} by `scripts/bench` (release build), "
          f"{R['machine'].get('cpus')} CPUs, {R['machine'].get('mem')}; open-files hard limit {R['machine'].get('nofile')}.\n",
          table, "\nVersions: " + "; ".join(f"{k} {v}" for k, v in R["versions"].items()) + "\n", NOTES]
    (OUT_DIR / "results.md").write_text("\n".join(md))
    print(table)


NOTES = """
How it is measured (all on 127.0.0.1, dummy credentials, nothing reaches AWS):
- Each `wsadm local` runs with an API that has no routes (no `$connect`/`$disconnect`
  integrations), so connects never wait on moto's DynamoDB. The capacity and speed runs raise the
  emulator's account throttle and connect rate out of the way (the AWS defaults, 10,000 rps and
  500 connections/s, would cap the measurement, not the emulator); the throttled run sets
  `--account-rate 2000 --account-burst 2000 --connections-latency-ms 30`.
- Clients are `wsadm loadtest --hold` processes of their own (counting mode, `--count-type bench`),
  spread over 127.0.0.x. For each broadcast round a fresh set of clients connects with
  `--expect 1 --until-expected`: a round is verified only when every client received exactly one
  message. For wrk (cycling over the ids, so counts per client vary) the check is that the sum of
  the clients' received counts equals the @connections calls the emulator accepted, with no HTTP
  errors and no 429s.
- RSS per connection = (emulator VmRSS with all clients held - VmRSS before) / clients held.
- wsadm, boto3, Node and the aws cli all read the same ids (the emulator's
  `GET /_wsadm/connections`, written to a file; `--targets FILE` for wsadm). The Node peer is the
  AWS sample app's fan-out (Promise.all of PostToConnectionCommand over every id) but takes the
  ids from that file instead of a DynamoDB scan, so neither side pays for moto's slow scan.
  Times are wall clock from process start to exit (interpreter start-up included for every peer).
- The aws cli is measured on a smaller sample, one process per connection in sequence, and
  extrapolated linearly.
- Loadtest CPU is user+system seconds of the loadtest process from start until all clients were
  open; peak memory is its VmHWM.
"""


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    OUT_DIR.mkdir(exist_ok=True)
    R["machine"] = {"cpus": os.cpu_count(),
                    "mem": subprocess.run(["sh", "-c", "free -g | awk '/Mem:/{print $2\" GiB\"}'"], capture_output=True, text=True).stdout.strip(),
                    "nofile": subprocess.run(["sh", "-c", "ulimit -Hn"], capture_output=True, text=True).stdout.strip()}
    R["versions"] = {
        "wsadm": version([WSADM, "--version"]),
        "wrk": version(["sh", "-c", "wrk -v 2>&1 | head -1"]),
        "boto3": version([PY, "-c", "import boto3; print(boto3.__version__)"]),
        "aws cli": version([AWS_CLI, "--version"]),
        "node": version(["node", "--version"]),
        "serverless": version(["node", "-p", f"require('{ROOT}/target/bench/sls/node_modules/serverless/package.json').version"]),
        "serverless-offline": version(["node", "-p", f"require('{ROOT}/target/bench/sls/node_modules/serverless-offline/package.json').version"]),
        "artillery": version(["node", "-p", f"require('{ROOT}/target/bench/artillery/node_modules/artillery/package.json').version"]),
        "@aws-sdk/client-apigatewaymanagementapi": version(["node", "-p", f"require('{NODE_DIR}/node_modules/@aws-sdk/client-apigatewaymanagementapi/package.json').version"]),
    }
    only = os.environ.get("BENCH_ONLY", "capacity,broadcast,sls").split(",")
    try:
        if "capacity" in only:
            capacity()
        if "broadcast" in only:
            broadcast_rounds()
        if "sls" in only and os.environ.get("BENCH_SLS", "1") != "0":
            try:
                serverless_offline()
            except Exception as e:  # noqa: BLE001 - the peer is optional; say why it is missing
                R.setdefault("serverless_offline", {})["error"] = repr(e)
                log(f"serverless-offline: {e!r}")
            save()
    except Exception as e:  # noqa: BLE001 - report what was measured so far
        R["error"] = repr(e)
        log(f"ERROR: {e!r}")
    report()
    return 1 if "error" in R else 0


if __name__ == "__main__":
    sys.exit(main())

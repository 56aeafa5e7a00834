"""scripts/bench, part `tls`: broadcast as it talks to AWS — over TLS (`wsadm local --tls`, the
CA in AWS_CA_BUNDLE) with latency added to every @connections call — to the provisioned chat
stack's clients, each verified by the clients' own counts:
  1. 10,000 clients, 20 ms per call: a 100-byte and a 100 KB message, each received exactly once;
     wsadm through the Rust SDK's own client (`--sender sdk`), boto3 and the Node SDK (the AWS
     sample's Promise.all) send the same 100-byte message over TLS;
  2. the account throttle at 2,000 rps (burst 2,000) and 30 ms per call: sustained rate, 429s, failures.
Writes bench/tls.md and bench/tls.json. Everything runs on 127.0.0.1; nothing reaches AWS.
Sizes: BENCH_TLS_CLIENTS (10000); BENCH_TLS_THROTTLE_CLIENTS (18000: a run long enough that the
2,000-call burst is a small part of it); BENCH_TLS_PARTS (delivery,throttled).
"""
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import chat  # noqa: E402  the stack, tokens and runs of the chat part

ROOT, WSADM, WORK, OUT = chat.ROOT, chat.WSADM, chat.WORK, chat.OUT
CLIENTS = int(os.environ.get("BENCH_TLS_CLIENTS", 10000))
THROTTLE_CLIENTS = int(os.environ.get("BENCH_TLS_THROTTLE_CLIENTS", 18000))
BURST = 2000
NODE_DIR = ROOT / "target/bench/node"
log = chat.log


class TlsStack(chat.Stack):
    def __init__(self, name, *extra):
        self.engine = name
        self.ca = WORK / f"tls-{name}-ca.pem"
        self.err = open(WORK / f"tls-local-{name}.err", "w")
        self.p = subprocess.Popen([WSADM, "local", "--port", "0", "-o", "jsonl", "--tls", "--tls-ca-file", str(self.ca),
                                   "--idle-timeout", "3600", *extra], env=chat.ENV, stdout=subprocess.PIPE,
                                  stderr=self.err, text=True, start_new_session=True)
        chat.PROCS.append(self.p)
        ready = json.loads(self.p.stdout.readline())
        self.env = dict(chat.ENV, AWS_ENDPOINT_URL=ready["endpoint"].rstrip("/"), AWS_CA_BUNDLE=str(self.ca),
                        NODE_EXTRA_CA_CERTS=str(self.ca))
        zip_path = WORK / "chat-handler.zip"
        zip_path.write_bytes(b"PK\x05\x06" + b"\0" * 18)
        _, rc, out = chat.run([WSADM, "provision", "--name", "chat", "--stage", "prod", "--jwt-secret-env",
                               "BENCH_SECRET", "--handler-zip", str(zip_path), "-o", "json"], self.env, 300,
                              f"tls-provision-{name}")
        assert rc == 0, f"provision failed ({rc})"
        outputs = json.loads(out)["outputs"]
        self.ws_url, self.table, self.mgmt = outputs["wss_url"], outputs["table"], outputs["management_endpoint"]
        assert self.ws_url.startswith("wss://"), self.ws_url
        log(f"{name}: TLS stack provisioned, {self.ws_url}")


def hold(st, n, expect):
    args = [WSADM, "loadtest", st.ws_url, "--token-file", chat.tokens(f"tls-{st.engine}", n), "-n", str(n),
            "--connect-rate", "500", "--heartbeat", "0", "--hold", "--count-type", "bench", "--expect", str(expect),
            "--until-expected", "--settle", "1s", "-o", "jsonl"]
    out = WORK / f"tls-hold-{st.engine}.out"
    p = subprocess.Popen(args, env=st.env, stdout=open(out, "w"), stderr=open(WORK / f"tls-hold-{st.engine}.err", "w"),
                         start_new_session=True)
    chat.PROCS.append(p)
    end = time.monotonic() + n / 500 + 300
    while time.monotonic() < end and p.poll() is None:
        time.sleep(0.2)
        for line in out.read_text().splitlines():
            if '"ready"' in line:
                ready = json.loads(line)
                if ready["open"] != n:
                    raise RuntimeError(f"only {ready['open']} of {n} open")
                return p, out
    raise RuntimeError("clients not ready")


def finish(p, out, wait=180):
    try:
        p.wait(wait)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGTERM)
        p.wait(60)
    rep = chat.last_json(out.read_text()) or {}
    return rep.get("counting") or {}


def timed(args, env, name):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    secs, rc, out = chat.run(args, env, 900, name)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    try:
        rep = json.loads(out)
    except ValueError:
        rep = chat.last_json(out) or {}
    return {"secs": secs, "exit": rc, "cpu_secs": cpu, "report": {k: rep.get(k) for k in (
        "delivered", "gone", "failed", "not_attempted", "throttled", "retries", "rate_per_sec")}}


def ids_file(st, name):
    _, rc, out = chat.run([WSADM, "sessions", "ls", "--api", "chat", "--stage", "prod", "-o", "json"], st.env, 600,
                          f"tls-ls-{name}")
    ids = [r["connection_id"] for r in json.loads(out)["sessions"]]
    path = WORK / f"tls-{name}.ids"
    path.write_text("".join(i + "\n" for i in ids))
    return path, len(ids)


def delivery(n):
    R = {"clients": n}
    st = TlsStack("latency", "--connections-latency-ms", "20")
    try:
        p, out = hold(st, n, 5)
        time.sleep(31)  # past broadcast's --min-age
        idsf, R["ids"] = ids_file(st, "latency")
        small = '{"type":"bench","size":"100B","pad":"' + "x" * 60 + '"}'
        big_file = WORK / "tls-100k.json"
        big_file.write_text('{"type":"bench","size":"100KB","pad":"' + "x" * (100 * 1024 - 40) + '"}')
        target = ["--api", "chat", "--stage", "prod", "--targets", str(idsf), "--yes", "-o", "json"]
        R["wsadm_100B"] = timed([WSADM, "broadcast", *target, "-m", small], st.env, "tls-bc-small")
        R["wsadm_100KB"] = timed([WSADM, "broadcast", *target, "--file", str(big_file)], st.env, "tls-bc-big")
        R["wsadm_sdk_100B"] = timed([WSADM, "broadcast", *target, "--sender", "sdk", "-m", small], st.env,
                                    "tls-bc-sdk")
        R["boto3_100B"] = timed([chat.ENV.get("PYTHON", str(ROOT / ".venv/bin/python")), str(HERE / "boto3_peer.py"),
                                 st.mgmt, str(idsf), small, "32"], st.env, "tls-bc-boto3")
        if (NODE_DIR / "node_modules/@aws-sdk/client-apigatewaymanagementapi").exists():
            script = NODE_DIR / "node_peer.mjs"
            shutil.copy(HERE / "node_peer.mjs", script)
            R["node_100B"] = timed(["node", str(script), st.mgmt, str(idsf), small],
                                   dict(st.env, NODE_PATH=str(NODE_DIR / "node_modules")), "tls-bc-node")
        c = finish(p, out)
        R["clients_exact"], R["clients_fewer"], R["clients_more"] = c.get("exact"), c.get("fewer"), c.get("more")
    finally:
        st.stop()
    log(f"delivery over TLS: {json.dumps(R)}")
    return R


def throttled(n):
    R = {"clients": n, "account_rate": 2000, "burst": BURST, "latency_ms": 30}
    st = TlsStack("throttle", "--connections-latency-ms", "30", "--account-rate", "2000", "--account-burst", str(BURST))
    try:
        p, out = hold(st, n, 1)
        time.sleep(31)
        idsf, R["ids"] = ids_file(st, "throttle")
        R["wsadm"] = timed([WSADM, "broadcast", "--api", "chat", "--stage", "prod", "--targets", str(idsf), "-m",
                            '{"type":"bench"}', "--yes", "-o", "json"], st.env, "tls-bc-throttle")
        c = finish(p, out)
        R["clients_exact"] = c.get("exact")
    finally:
        st.stop()
    log(f"throttled over TLS: {json.dumps(R)}")
    return R


def report(R):
    def row(label, r, n):
        rep = r["report"]
        rate = n / r["secs"] if r["secs"] else 0
        return (f"| {label} | {r['secs']:.2f} s ({rate:,.0f}/s), {rep.get('delivered')} delivered, "
                f"{rep.get('failed')} failed, {rep.get('throttled') or 0} throttled; "
                f"{r['cpu_secs'] * 1e6 / max(n, 1):.1f} µs CPU per message |")
    d, t = R.get("delivery", {}), R.get("throttled", {})
    lines = [f"# Broadcast over TLS with latency ({R['started']})", "",
             "`scripts/bench` part `tls`: `wsadm local --tls` (https/wss only, the CA in AWS_CA_BUNDLE) with the",
             "provisioned chat stack; every client verified by its own count. Release build, 2 cores shared.", "",
             "| measure | result |", "|---|---|"]
    reruns = [f"Re-run {u['at']}: {', '.join(u['parts'])}." for u in R.get("updated", [])]
    if reruns:
        lines[5:5] = [" ".join(reruns) + " The other rows are from the first run.", ""]
    if "wsadm_100B" in d:
        n = d["ids"]
        lines += [row(f"wsadm broadcast, {n:,} clients, 100 B, 20 ms per call", d["wsadm_100B"], n),
                  row(f"wsadm broadcast, {n:,} clients, 100 KB, 20 ms per call", d["wsadm_100KB"], n),
                  row("boto3 ThreadPoolExecutor(32), 100 B", d["boto3_100B"], n)]
        if "wsadm_sdk_100B" in d:
            lines.insert(-1, row("wsadm broadcast --sender sdk (the Rust SDK's client), 100 B", d["wsadm_sdk_100B"], n))
        if "node_100B" in d:
            lines.append(row("Node SDK v3 Promise.all (AWS sample), 100 B", d["node_100B"], n))
        w = d["wsadm_100B"]
        for key, label in (("wsadm_sdk_100B", "the Rust SDK client"), ("boto3_100B", "boto3"),
                           ("node_100B", "the Node SDK")):
            if key in d and w["cpu_secs"] and w["secs"]:
                o = d[key]
                lines.append(f"| wsadm's sender against {label}, 100 B | {o['secs'] / w['secs']:.1f}x faster, "
                             f"{o['cpu_secs'] / w['cpu_secs']:.1f}x less CPU per message |")
        expect = 5 if "wsadm_sdk_100B" in d else 4
        lines.append(f"| clients with exactly the {expect} messages | {d.get('clients_exact')} of {d['clients']:,} "
                     f"(fewer {d.get('clients_fewer')}, more {d.get('clients_more')}) |")
    if "wsadm" in t:
        w = t["wsadm"]
        rep = w["report"]
        # Every call the throttle let through: delivered, and gone (stale records answer 410).
        accepted = (rep.get("delivered") or 0) + (rep.get("gone") or 0)
        calls = accepted + (rep.get("throttled") or 0)
        burst = t.get("burst", 2000)
        sustained = (accepted - burst) / w["secs"] if w["secs"] else 0
        lines += [row(f"throttle 2,000 rps (burst {burst:,}) + 30 ms, {t['ids']:,} targets", w, t["ids"]),
                  f"| gone (stale records, 410) | {rep.get('gone') or 0} |",
                  f"| sustained past the burst: (calls let through - {burst:,}) / the whole run, a lower bound "
                  f"| {sustained:,.0f}/s ({100 * sustained / 2000:.0f}% of 2,000/s) |",
                  f"| share of calls answered 429 | {100 * (rep.get('throttled') or 0) / max(calls, 1):.1f}% |",
                  f"| clients with exactly 1 | {t.get('clients_exact')} of {t['clients']:,} |"]
    for k in ("delivery_error", "throttled_error"):
        if k in R:
            lines.append(f"| {k} | {R[k]} |")
    return "\n".join(lines) + "\n"


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    R = {"started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
    parts = os.environ.get("BENCH_TLS_PARTS", "delivery,throttled").split(",")
    if parts != ["delivery", "throttled"] and (OUT / "tls.json").exists():
        R = json.loads((OUT / "tls.json").read_text())  # a partial run updates the last full one
        R.setdefault("updated", []).append({"at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "parts": parts})
    for name, fn in (("delivery", delivery), ("throttled", throttled)):
        if name not in parts:
            continue
        try:
            R[name] = fn(THROTTLE_CLIENTS if name == "throttled" else CLIENTS)
        except Exception as e:  # noqa: BLE001 - report what was measured
            R[f"{name}_error"] = repr(e)
            log(f"{name} failed: {e!r}")
    OUT.mkdir(exist_ok=True)
    (OUT / "tls.json").write_text(json.dumps(R, indent=2) + "\n")
    (OUT / "tls.md").write_text(report(R))
    log("wrote bench/tls.md and bench/tls.json")


if __name__ == "__main__":
    try:
        main()
    finally:
        for p in chat.PROCS:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except Exception:  # noqa: BLE001
                pass

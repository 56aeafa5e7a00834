"""scripts/bench, part `runtime`: the provisioned chat stack on `wsadm local` with its handlers run
two ways on the same kind of stack (dynalite): the real artifact (this wsadm, zipped as
`bootstrap`, run as processes under the emulator's Lambda Runtime API) and the in-process handlers
(a placeholder zip). For each: connect latency (distinct users at a steady rate) and message round
trip (users in rooms sending at a steady rate), p50/p99, as `wsadm loadtest` measures them.
Writes bench/runtime.md and bench/runtime.json. Everything runs on 127.0.0.1; nothing reaches AWS.

Sizes: BENCH_RUNTIME_CONNECT_RATE (100), BENCH_RUNTIME_CONNECT_SECS (20), BENCH_RUNTIME_USERS (1000),
BENCH_RUNTIME_ROOMS (10), BENCH_RUNTIME_MSG_RATE (200), BENCH_RUNTIME_MSG_SECS (30).
WSADM_BIN picks the binary (default target/release/wsadm; a debug one works for a smoke run).
"""
import json
import os
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import chat  # noqa: E402  the stack, tokens and runs of the chat part

WSADM, WORK, OUT = chat.WSADM, chat.WORK, chat.OUT
RATE = int(os.environ.get("BENCH_RUNTIME_CONNECT_RATE", 100))
CONNECT_SECS = int(os.environ.get("BENCH_RUNTIME_CONNECT_SECS", 20))
USERS = int(os.environ.get("BENCH_RUNTIME_USERS", 1000))
ROOMS = int(os.environ.get("BENCH_RUNTIME_ROOMS", 10))
MSG_RATE = float(os.environ.get("BENCH_RUNTIME_MSG_RATE", 200))
MSG_SECS = int(os.environ.get("BENCH_RUNTIME_MSG_SECS", 30))
log = chat.log


def zips():
    placeholder = WORK / "runtime-placeholder.zip"
    placeholder.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    real = WORK / "runtime-bootstrap.zip"
    info = zipfile.ZipInfo("bootstrap")
    info.external_attr = 0o100755 << 16  # a regular file, rwxr-xr-x
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(real, "w") as z:
        z.writestr(info, Path(WSADM).read_bytes())
    return {"in-process": placeholder, "process": real}


class Stack(chat.Stack):
    """chat.Stack with a handler zip of our choosing (dynalite)."""

    def __init__(self, mode, zip_path):
        self.engine = f"runtime-{mode}"
        self.err = open(WORK / f"runtime-local-{mode}.err", "w")
        self.p = subprocess.Popen([WSADM, "local", "--port", "0", "-o", "jsonl", "--dynamodb-engine", "dynalite"],
                                  env=chat.ENV, stdout=subprocess.PIPE, stderr=self.err, text=True,
                                  start_new_session=True)
        chat.PROCS.append(self.p)
        ready = json.loads(self.p.stdout.readline())
        self.endpoint = ready["endpoint"].rstrip("/")
        self.env = dict(chat.ENV, AWS_ENDPOINT_URL=self.endpoint)
        arch = "arm64" if os.uname().machine == "aarch64" else "x86_64"
        _, rc, out = chat.run([WSADM, "provision", "--name", "chat", "--stage", "prod", "--jwt-secret-env",
                               "BENCH_SECRET", "--handler-zip", str(zip_path), "--architecture", arch,
                               "--throttle-rate", "5000", "--throttle-burst", "5000", "-o", "json"],
                              self.env, 600, f"runtime-provision-{mode}")
        assert rc == 0, f"provision failed ({rc}); see chat-runtime-provision-{mode}.err"
        outputs = json.loads(out)["outputs"]
        self.ws_url, self.table = outputs["wss_url"], outputs["table"]
        log(f"{mode}: stack provisioned, {self.ws_url}")

    def sandboxes(self):
        with urllib.request.urlopen(f"{self.endpoint}/_wsadm/stats", timeout=10) as r:
            return json.loads(r.read())["sandboxes"]


def measure(mode, zip_path):
    st = Stack(mode, zip_path)
    try:
        n = RATE * CONNECT_SECS
        log(f"{mode}: {n} distinct users at {RATE}/s")
        rep = st.loadtest(f"runtime-{mode}-connect", n, ["--connect-rate", str(RATE), "--duration", "1s",
                                                         "--handshake-timeout", "30s"], n / RATE + 300)
        c, l = rep["connections"], rep.get("connect_latency")
        r = {"connect": {"users": n, "rate": RATE, "opened": c["opened"], "failed": c["failed"],
                         "p50_ms": chat.lat(l, "p50_ms"), "p99_ms": chat.lat(l, "p99_ms"), "max_ms": chat.lat(l, "max_ms")}}
        log(f"{mode}: {USERS} users in {ROOMS} rooms, {MSG_RATE:g} messages/s for {MSG_SECS} s")
        rep = st.loadtest(f"runtime-{mode}-traffic", USERS, [
            "--connect-rate", str(RATE), "--rooms", str(ROOMS), "--join-via", "query",
            "--message-rate", str(MSG_RATE), "--duration", f"{MSG_SECS}s", "--drain", "10s",
            "--handshake-timeout", "30s"], USERS / RATE + MSG_SECS + 300)
        m = rep.get("messages", {})
        r["messages"] = {"users": USERS, "rate": MSG_RATE, "sent": m.get("sent"),
                         "rt_p50_ms": chat.lat(m.get("round_trip"), "p50_ms"),
                         "rt_p99_ms": chat.lat(m.get("round_trip"), "p99_ms"), "errors": rep["errors"]}
        r["sandboxes"] = st.sandboxes()
        log(f"{mode}: {r}")
        if mode == "process":
            assert r["sandboxes"]["started"] > 0, "the real artifact did not run as processes"
        return r
    finally:
        st.stop()


def fmt(x):
    return "-" if x is None else f"{x:.1f}"


def report(R):
    lines = ["# The chat stack's handlers: real artifact (processes) vs in process", "",
             f"wsadm local, DynamoDB on dynalite; {RATE} connects/s for {CONNECT_SECS} s, then {USERS} users in "
             f"{ROOMS} rooms sending {MSG_RATE:g} messages/s for {MSG_SECS} s. Binary: `{WSADM}`.", "",
             "| handlers | connect p50 | connect p99 | opened/failed | message round trip p50 | p99 | processes started |",
             "|---|---|---|---|---|---|---|"]
    for mode, r in R.items():
        c, m = r["connect"], r["messages"]
        lines.append(f"| {mode} | {fmt(c['p50_ms'])} ms | {fmt(c['p99_ms'])} ms | {c['opened']}/{c['failed']} | "
                     f"{fmt(m['rt_p50_ms'])} ms | {fmt(m['rt_p99_ms'])} ms | {r['sandboxes']['started']} |")
    return "\n".join(lines) + "\n"


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)
    R = {}
    for mode, path in zips().items():
        R[mode] = measure(mode, path)
    (OUT / "runtime.json").write_text(json.dumps({"when": time.strftime("%Y-%m-%d %H:%M:%S"), "results": R},
                                                 indent=2) + "\n")
    text = report(R)
    (OUT / "runtime.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()

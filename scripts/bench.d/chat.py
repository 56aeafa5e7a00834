"""scripts/bench, part `chat`: the provisioned chat stack (JWT authorizer and chat handlers, made
by `wsadm provision`) on `wsadm local`, with DynamoDB on dynalite and, beside it, on moto:
  1. connects: distinct users at AWS's default 500 new connections/s for 30 s (all open? p99?);
  2. traffic: 10,000 users held in 100 rooms, then room messages for 60 s (every copy delivered,
     as counted by the clients; message round trip): at 100/s under AWS's default account
     throttle (10,000 @connections calls/s: each message to a 100-member room is 99 calls, so
     ~101 messages/s is all AWS allows), and at 1,000/s, 400/s and 250/s with that throttle raised
     (99,000 calls/s: what this machine does past AWS's default);
  3. broadcast --all (targets read from the session table) against --targets FILE with the same ids;
  4. sessions ls --count over 100,000 session records.
Writes bench/chat.md and bench/chat.json. Everything runs on 127.0.0.1; nothing reaches AWS.

Sizes: BENCH_CHAT_CONNECTS_SECS (30), BENCH_CHAT_USERS (10000), BENCH_CHAT_ROOMS (100),
BENCH_CHAT_MSG_RATES (100: under AWS's account throttle), BENCH_CHAT_RAISED_RATES (1000,400,250: with
it raised to BENCH_CHAT_RAISED_ACCOUNT_RATE, 1000000), BENCH_CHAT_MSG_SECS (60), BENCH_CHAT_RECORDS (100000),
BENCH_CHAT_ENGINES (dynalite,moto). moto runs the same steps, shortened where it cannot keep up
(its figures say so).
"""
import base64
import hashlib
import hmac
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WSADM = os.environ.get("WSADM_BIN", str(ROOT / "target/release/wsadm"))
WORK = Path(os.environ.get("BENCH_WORK", ROOT / "target/bench/run"))
OUT = ROOT / "bench"
SECRET = "bench-secret-bench-secret-bench-secret"
CONNECT_RATE = int(os.environ.get("BENCH_CHAT_CONNECT_RATE", 500))  # AWS: 500 new connections/s
CONNECT_SECS = int(os.environ.get("BENCH_CHAT_CONNECTS_SECS", 30))
USERS = int(os.environ.get("BENCH_CHAT_USERS", 10000))
ROOMS = int(os.environ.get("BENCH_CHAT_ROOMS", 100))
MSG_RATES = [float(r) for r in os.environ.get("BENCH_CHAT_MSG_RATES", "100").split(",") if r]
RAISED_RATES = [float(r) for r in os.environ.get("BENCH_CHAT_RAISED_RATES", "1000,400,250").split(",") if r]
AWS_ACCOUNT_RATE = 10000  # @connections calls/s per account and region (burst 5,000)
RAISED_ACCOUNT_RATE = int(os.environ.get("BENCH_CHAT_RAISED_ACCOUNT_RATE", 1000000))
MSG_SECS = int(os.environ.get("BENCH_CHAT_MSG_SECS", 60))
RECORDS = int(os.environ.get("BENCH_CHAT_RECORDS", 100000))
ENGINES = os.environ.get("BENCH_CHAT_ENGINES", "dynalite,moto").split(",")
# moto: the same steps, smaller, bounded (it collapses above ~50 connects/s).
MOTO_CONNECT_SECS = int(os.environ.get("BENCH_CHAT_MOTO_CONNECT_SECS", 10))
MOTO_USERS = int(os.environ.get("BENCH_CHAT_MOTO_USERS", 1000))
MOTO_RECORDS = int(os.environ.get("BENCH_CHAT_MOTO_RECORDS", 100000))

ENV = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "WSADM_"))}
ENV.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true", "WSADM_LOOPBACK_ONLY": "1",
            "NO_COLOR": "1", "BENCH_SECRET": SECRET, "AWS_PAGER": ""})
PROCS = []


def log(msg):
    print(f"[bench chat {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def token(user):
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps({"sub": user, "exp": int(time.time()) + 6 * 3600}).encode())
    sig = b64(hmac.new(SECRET.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest())
    return f"{head}.{body}.{sig}"


def tokens(prefix, n):
    path = WORK / f"chat-{prefix}.tokens"
    path.write_text("".join(token(f"{prefix}-{i}") + "\n" for i in range(n)))
    return str(path)


def run(args, env, timeout, name):
    t0 = time.monotonic()
    with open(WORK / f"chat-{name}.err", "w") as err:
        p = subprocess.run(args, env=env, stdout=subprocess.PIPE, stderr=err, text=True, timeout=timeout)
    return time.monotonic() - t0, p.returncode, p.stdout


def last_json(text):
    for line in reversed(text.strip().splitlines()):
        try:
            return json.loads(line)
        except ValueError:
            continue
    return None


class Stack:
    def __init__(self, engine, account_rate=AWS_ACCOUNT_RATE):
        self.engine, self.account_rate = engine, account_rate
        self.err = open(WORK / f"chat-local-{engine}.err", "w")
        raised = [] if account_rate == AWS_ACCOUNT_RATE else [
            "--account-rate", str(account_rate), "--account-burst", str(account_rate)]
        self.p = subprocess.Popen([WSADM, "local", "--port", "0", "-o", "jsonl", "--dynamodb-engine", engine, *raised],
                                  env=ENV, stdout=subprocess.PIPE, stderr=self.err, text=True,
                                  start_new_session=True)
        PROCS.append(self.p)
        ready = json.loads(self.p.stdout.readline())
        assert ready["dynamodb"]["engine"] == engine, ready
        self.env = dict(ENV, AWS_ENDPOINT_URL=ready["endpoint"].rstrip("/"))
        zip_path = WORK / "chat-handler.zip"
        zip_path.write_bytes(b"PK\x05\x06" + b"\0" * 18)
        # The stage limit above the message rates measured: the backend is measured, not the throttle.
        _, rc, out = run([WSADM, "provision", "--name", "chat", "--stage", "prod", "--jwt-secret-env", "BENCH_SECRET",
                          "--handler-zip", str(zip_path), "--throttle-rate", "5000", "--throttle-burst", "5000",
                          "-o", "json"], self.env, 300, f"provision-{engine}")
        assert rc == 0, f"provision failed ({rc}); see chat-provision-{engine}.err"
        outputs = json.loads(out)["outputs"]
        self.ws_url, self.table = outputs["wss_url"], outputs["table"]
        log(f"{engine}: stack provisioned, {self.ws_url}")

    def loadtest(self, name, users, extra, timeout):
        args = [WSADM, "loadtest", self.ws_url, "--token-file", tokens(name, users), "-n", str(users),
                "--heartbeat", "0", "--connect-retries", "0", "-o", "jsonl", *extra]
        wall, rc, out = run(args, self.env, timeout, f"loadtest-{name}")
        rep = last_json(out)
        if rep is None:
            raise RuntimeError(f"loadtest {name}: no report (exit {rc})")
        return rep

    def stop(self):
        try:
            os.killpg(self.p.pid, signal.SIGTERM)
            self.p.wait(60)
        except Exception:  # noqa: BLE001
            pass


def lat(l, k):
    return None if not l else l.get(k)


def cpu_by_name(root):
    """CPU seconds used so far by `root` and its descendants, by process name (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    procs = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = open(f"/proc/{d}/stat").read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        f = stat[stat.rindex(")") + 2:].split()
        procs[int(d)] = (int(f[1]), name, (int(f[11]) + int(f[12])) / tick)
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo += [c for c, (pp, _, _) in procs.items() if pp == pid and c not in tree]
    out = {}
    for pid in tree:
        if pid in procs:
            _, name, cpu = procs[pid]
            out[name] = out.get(name, 0.0) + cpu
    return out


def connects(st, secs):
    n = CONNECT_RATE * secs
    log(f"{st.engine}: {n} distinct users at {CONNECT_RATE}/s")
    rep = st.loadtest(f"{st.engine}-connect", n, ["--connect-rate", str(CONNECT_RATE), "--duration", "1s",
                                                  "--handshake-timeout", "30s"], n / CONNECT_RATE + 300)
    c, l = rep["connections"], rep.get("connect_latency")
    r = {"users": n, "rate": CONNECT_RATE, "opened": c["opened"], "failed": c["failed"],
         "ramp_rate": c["ramp_rate"], "p50_ms": lat(l, "p50_ms"), "p99_ms": lat(l, "p99_ms"),
         "max_ms": lat(l, "max_ms"), "errors": rep["errors"]["connect"]}
    log(f"{st.engine}: connects {r}")
    return r


def traffic(st, users, rate, secs):
    log(f"{st.engine}: {users} users in {ROOMS} rooms, {rate} room messages/s for {secs} s")
    before, kids, t0 = cpu_by_name(st.p.pid), resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    rep = st.loadtest(f"{st.engine}-traffic", users, [
        "--connect-rate", str(CONNECT_RATE), "--rooms", str(ROOMS), "--join-via", "query",
        "--message-rate", str(rate), "--duration", f"{secs}s", "--drain", "10s", "--handshake-timeout", "30s"],
        users / CONNECT_RATE + secs + 400)
    m, c = rep["messages"], rep["connections"]
    r = {"users": users, "rooms": ROOMS, "rate": rate, "secs": secs, "account_rate": st.account_rate,
         "opened": c["opened"], "held": c["held"],
         "sent": m["sent"], "acked": m["acked"], "rejected": m["rejected"],
         "deliveries_claimed": m["deliveries_claimed"], "deliveries_received": m["deliveries_received"],
         "ack_p99_ms": lat(m.get("ack_latency"), "p99_ms"), "rt_p50_ms": lat(m.get("round_trip"), "p50_ms"),
         "rt_p99_ms": lat(m.get("round_trip"), "p99_ms"), "errors": rep["errors"]}
    r["delivered_all"] = r["sent"] > 0 and r["acked"] == r["sent"] and r["deliveries_received"] == r["deliveries_claimed"]
    # Where the 2 cores went over the whole run (connects included): cores = CPU s / wall s.
    wall, after = time.monotonic() - t0, cpu_by_name(st.p.pid)
    k = resource.getrusage(resource.RUSAGE_CHILDREN)
    cores = {name: round((after[name] - before.get(name, 0.0)) / wall, 2) for name in after}
    cores["loadtest"] = round((k.ru_utime + k.ru_stime - kids.ru_utime - kids.ru_stime) / wall, 2)
    r["cores"] = {n: c for n, c in sorted(cores.items(), key=lambda x: -x[1]) if c >= 0.01}
    r["wall_secs"] = round(wall, 1)
    log(f"{st.engine}: traffic {r}")
    return r


def broadcast(st, users):
    """broadcast --all (targets from the session table) and --targets FILE (the same ids), each
    verified by the clients: every one must count exactly one frame of each."""
    log(f"{st.engine}: broadcast to {users} users: --all against --targets FILE")
    args = [WSADM, "loadtest", st.ws_url, "--token-file", tokens(f"{st.engine}-bc", users), "-n", str(users),
            "--connect-rate", str(CONNECT_RATE), "--heartbeat", "0", "--hold", "--count-type", "bench",
            "--expect", "2", "--until-expected", "--settle", "1s", "-o", "jsonl"]
    out = open(WORK / f"chat-hold-{st.engine}.out", "w")
    hold = subprocess.Popen(args, env=st.env, stdout=out, stderr=open(WORK / f"chat-hold-{st.engine}.err", "w"),
                            text=True, start_new_session=True)
    PROCS.append(hold)
    end = time.monotonic() + users / CONNECT_RATE + 300
    ready = None
    while ready is None and time.monotonic() < end and hold.poll() is None:
        time.sleep(0.2)
        for line in Path(out.name).read_text().splitlines():
            if '"ready"' in line:
                ready = json.loads(line)
    if ready is None or ready["open"] != users:
        raise RuntimeError(f"hold: not all open: {ready}")
    target = ["--api", "chat", "--stage", "prod"]
    # Records become broadcast targets once past --min-age (default 30 s): wait it out, once.
    time.sleep(31)
    _, rc, ids_out = run([WSADM, "sessions", "ls", *target, "-o", "json"], st.env, 600, f"ls-{st.engine}")
    ids = [r["connection_id"] for r in json.loads(ids_out)["sessions"]]
    idsf = WORK / f"chat-{st.engine}.ids"
    idsf.write_text("".join(i + "\n" for i in ids))
    msg = ["-m", '{"type":"bench"}', "--yes", "-o", "json"]
    t_all, rc_all, o_all = run([WSADM, "broadcast", *target, "--all", *msg], st.env, 600, f"bc-all-{st.engine}")
    t_file, rc_file, o_file = run([WSADM, "broadcast", *target, "--targets", str(idsf), *msg], st.env, 600,
                                  f"bc-file-{st.engine}")
    try:
        hold.wait(120)
    except subprocess.TimeoutExpired:
        os.killpg(hold.pid, signal.SIGTERM)
        hold.wait(60)
    rep = last_json(Path(out.name).read_text())
    counting = (rep or {}).get("counting") or {}
    r = {"users": users, "ids_listed": len(ids), "all_secs": t_all, "all_exit": rc_all,
         "all_delivered": delivered(o_all), "file_secs": t_file, "file_exit": rc_file,
         "file_delivered": delivered(o_file), "ratio": t_all / t_file,
         "clients_exact": counting.get("exact"), "clients_fewer": counting.get("fewer"),
         "clients_more": counting.get("more")}
    log(f"{st.engine}: broadcast {r}")
    return r


def delivered(out):
    try:
        return json.loads(out).get("delivered")
    except ValueError:
        return None


def count_records(st, records):
    """sessions ls --count over `records` session records written straight into the table."""
    import boto3
    from concurrent.futures import ThreadPoolExecutor
    log(f"{st.engine}: writing {records} session records")
    ddb = boto3.client("dynamodb", endpoint_url=st.env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                       aws_access_key_id="bench", aws_secret_access_key="bench")
    now = int(time.time() * 1000)

    def item(i):
        cid = f"bench{i:09d}="
        return {"PutRequest": {"Item": {
            "connectionId": {"S": cid}, "sk": {"S": "session"}, "userId": {"S": f"user-{i}"},
            "connectedAt": {"N": str(now)}, "lastSeenAt": {"N": str(now)},
            "expiresAt": {"N": str(now // 1000 + 7200)}, "stage": {"S": "prod"}}}}

    def batch(start):
        reqs = [item(i) for i in range(start, min(start + 25, records))]
        while reqs:
            left = ddb.batch_write_item(RequestItems={st.table: reqs}).get("UnprocessedItems", {})
            reqs = left.get(st.table, [])

    t0 = time.monotonic()
    with ThreadPoolExecutor(8) as ex:
        list(ex.map(batch, range(0, records, 25)))
    load_secs = time.monotonic() - t0
    secs, rc, out = run([WSADM, "sessions", "ls", "--api", "chat", "--stage", "prod", "--count", "-o", "json"],
                        st.env, 1800, f"count-{st.engine}")
    got = json.loads(out) if rc == 0 else {}
    r = {"records": records, "load_secs": load_secs, "count_secs": secs, "exit": rc, "count": got.get("count")}
    log(f"{st.engine}: sessions ls --count {r}")
    return r


def steps(engine):
    """(name, function, account throttle) of each measure, with moto's smaller sizes."""
    fast = engine == "dynalite"

    def traffic_at(rate):
        return lambda st: traffic(st, USERS if fast else MOTO_USERS, rate if fast else rate / 10,
                                  MSG_SECS if fast else 20)
    return [
        ("connects", lambda st: connects(st, CONNECT_SECS if fast else MOTO_CONNECT_SECS), AWS_ACCOUNT_RATE),
        *[(f"traffic-{int(rate)}", traffic_at(rate), AWS_ACCOUNT_RATE) for rate in MSG_RATES],
        *[(f"traffic-{int(rate)}-raised", traffic_at(rate), RAISED_ACCOUNT_RATE) for rate in RAISED_RATES if fast],
        ("broadcast", lambda st: broadcast(st, USERS if fast else MOTO_USERS), AWS_ACCOUNT_RATE),
        ("count", lambda st: count_records(st, RECORDS if fast else MOTO_RECORDS), AWS_ACCOUNT_RATE),
    ]


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    R = {"started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "engines": {}}
    all_steps = ["connects", "traffic", "broadcast", "count"]
    only = os.environ.get("BENCH_CHAT_STEPS", ",".join(all_steps)).split(",")
    if set(only) != set(all_steps) and (OUT / "chat.json").exists():
        # A partial run updates the last full one: the steps not run keep their figures.
        R = json.loads((OUT / "chat.json").read_text())
        # Only the latest re-run of each step is named: earlier ones' rows are gone.
        R["updated"] = [u for u in R.get("updated", []) if not set(u["steps"]) <= set(only)]
        R["updated"].append({"at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "steps": only})
    for engine in ENGINES:
        res = R["engines"].setdefault(engine, {})
        for k in [k for k in res if k.split("-")[0].split("_")[0] in only]:
            del res[k]
        for name, step, account_rate in steps(engine):
            if name.split("-")[0] not in only:
                continue
            st = Stack(engine, account_rate)  # a fresh stack per measure: none inherits another's records
            try:
                res[name] = step(st)
            except Exception as e:  # noqa: BLE001 - report what was measured
                res[f"{name}_error"] = repr(e)
                log(f"{engine}: {name} failed: {e!r}")
            finally:
                st.stop()
    OUT.mkdir(exist_ok=True)
    (OUT / "chat.json").write_text(json.dumps(R, indent=2) + "\n")
    (OUT / "chat.md").write_text(report(R))
    log("wrote bench/chat.md and bench/chat.json")


def refusals(t):
    """What the refused sends were answered, e.g. " (Internal server error: 39,636)"."""
    frames = (t.get("errors") or {}).get("frames") or {}
    return " (" + ", ".join(f"{k}: {v:,}" for k, v in frames.items()) + ")" if frames else ""


def fmt(x, nd=0):
    return "-" if x is None else f"{x:,.{nd}f}"


def report(R):
    out = [f"# The chat stack on wsadm local at AWS's rates ({R['started']})", "",
           "`scripts/bench` part `chat` (release build, this machine: 2 cores shared by the engines, the emulator",
           "and the load generator). The stack is `wsadm provision`'s (JWT authorizer, chat handlers, session",
           "table); DynamoDB on dynalite (the default) and, beside it, on moto. Every user is distinct.", ""]
    reruns = [f"Re-run {u['at']}: {', '.join(u['steps'])}." for u in R.get("updated", [])]
    if reruns:
        out += [" ".join(reruns) + " The other rows are from the first run.", ""]
    out += ["Cores used: each process's CPU seconds over the wall time of the whole run (connects, the",
            "messages, the drain): `wsadm` is `wsadm local` with the in-process handlers, `node` is dynalite.", "",
            "A message to a room of 100 is 99 @connections calls. AWS's default account throttle, 10,000",
            "calls/s (burst 5,000) for every API of the account and region, so allows about 101 such messages/s;",
            "the emulator enforces it as AWS does. The rows with the throttle raised measure this machine",
            "instead. Lambda's 1,000 concurrent executions stay: a send past them is refused at once with API",
            "Gateway's `Internal server error`, as on AWS. **held**: every send acknowledged and every copy",
            "the acknowledgements claim received by the clients.", ""]
    for engine, res in R["engines"].items():
        out += [f"## DynamoDB on {engine}", "", "| measure | result |", "|---|---|"]
        c = res.get("connects")
        if c:
            out.append(f"| {c['users']:,} connects at {c['rate']}/s | {c['opened']:,} open, {c['failed']:,} failed; "
                       f"connect p50 {fmt(c['p50_ms'], 1)} ms, p99 {fmt(c['p99_ms'], 1)} ms, max {fmt(c['max_ms'], 1)} ms |")
        traffic = [(k, v) for k, v in res.items() if k.startswith("traffic-") and isinstance(v, dict)]
        for k, t in sorted(traffic, key=lambda kv: (kv[1].get("account_rate", AWS_ACCOUNT_RATE), -kv[1]["rate"])):
            ar = t.get("account_rate", AWS_ACCOUNT_RATE)
            throttle = ("AWS's account throttle (10,000 @connections calls/s)" if ar == AWS_ACCOUNT_RATE
                        else f"account throttle raised to {ar:,}/s")
            out.append(f"| {t['users']:,} users in {t['rooms']} rooms, {fmt(t['rate'])} room messages/s for {t['secs']} s, "
                       f"{throttle} | "
                       f"{'**held**' if t['delivered_all'] else '**not held**'}: {t['sent']:,} sent, "
                       f"{t['acked']:,} acked, {t['rejected']:,} refused{refusals(t)}; "
                       f"{t['deliveries_received']:,} copies received of the {t['deliveries_claimed']:,} the acks "
                       f"claim; round trip p50 {fmt(t['rt_p50_ms'])} ms, "
                       f"p99 {fmt(t['rt_p99_ms'])} ms" + (
                           "; cores used: " + ", ".join(f"{n} {c:.2f}" for n, c in t["cores"].items())
                           if t.get("cores") else "") + " |")
        b = res.get("broadcast")
        if b:
            out.append(f"| broadcast to {b['users']:,} users: --all (table scan) vs --targets FILE | "
                       f"{fmt(b['all_secs'], 2)} s vs {fmt(b['file_secs'], 2)} s (ratio {fmt(b['ratio'], 2)}); "
                       f"clients with exactly both copies: {fmt(b['clients_exact'])} of {b['users']:,} |")
        n = res.get("count")
        if n:
            out.append(f"| sessions ls --count over {n['records']:,} records | {fmt(n['count_secs'], 2)} s "
                       f"(count {fmt(n['count'])}); writing them took {fmt(n['load_secs'], 1)} s |")
        for k, v in res.items():
            if k.endswith("_error"):
                out.append(f"| {k[:-6]} | failed: {v} |")
        out.append("")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    try:
        main()
    finally:
        for p in PROCS:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except Exception:  # noqa: BLE001
                pass

"""scripts/bench, part `logs`: the `wsadm logs` engine on 1,000,000 generated events, and
`wsadm logs tail --since 1h` on 100,000 events of a provisioned chat stage in the local stack
against the AWS CLI and boto3 reading the same groups (one group at a time, as they must).
Writes bench/logs.md and bench/logs.json. Everything runs on 127.0.0.1; nothing reaches AWS.
"""
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WSADM = os.environ.get("WSADM_BIN", str(ROOT / "target/release/wsadm"))
ENGINE = str(ROOT / "target/release/examples/logs_engine")
AWS_CLI = str(ROOT / ".venv/bin/aws")
PY = str(ROOT / ".venv/bin/python")
WORK = Path(os.environ.get("BENCH_WORK", ROOT / "target/bench/run"))
OUT = ROOT / "bench"
ENGINE_EVENTS = int(os.environ.get("BENCH_LOG_ENGINE_EVENTS", 1_000_000))
TAIL_EVENTS = int(os.environ.get("BENCH_LOG_EVENTS", 100_000))
SECRET = "bench-secret-bench-secret-bench-secret"

ENV = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "WSADM_"))}
ENV.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true", "WSADM_LOOPBACK_ONLY": "1",
            "NO_COLOR": "1", "AWS_PAGER": "", "BENCH_SECRET": SECRET})
R = {"started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}


def log(msg):
    print(f"[bench logs {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def timed(args, env, out=subprocess.DEVNULL):
    """Wall seconds, exit code, peak RSS (kB) of one process, via /usr/bin/time."""
    rss = WORK / "time.out"
    t0 = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(rss), *args], env=env, stdout=out,
                       stderr=subprocess.PIPE, text=True, timeout=1800)
    wall = time.monotonic() - t0
    if p.returncode != 0:
        raise RuntimeError(f"{args[0]} failed ({p.returncode}): {p.stderr[-2000:]}")
    return wall, int(rss.read_text().split()[-1])


def engine():
    log(f"engine: {ENGINE_EVENTS:,} generated events")
    p = subprocess.run([ENGINE, str(ENGINE_EVENTS)], capture_output=True, text=True, timeout=900)
    if p.returncode != 0:
        raise RuntimeError(p.stderr)
    R["engine"] = json.loads(p.stdout.strip().splitlines()[-1])
    log(f"engine: {R['engine']['events_per_sec']:,.0f} events/s")


def lines_for(api, stage, n, t0_ms, span_ms):
    """n events over the groups of the stage in AWS's shapes: per request 1 access line, 6
    execution lines, 4 Lambda lines (11 events), all within [t0, t0 + span]."""
    rng = random.Random(7)
    access, execution, lam = [], [], {"chat-connect": [], "chat-chat": [], "chat-disconnect": []}
    req = 0
    while len(access) * 11 < n:
        req += 1
        cid = f"C{req // 5:013d}="
        route, etype, fn = [("$connect", "CONNECT", "chat-connect"), ("send", "MESSAGE", "chat-chat"),
                            ("send", "MESSAGE", "chat-chat"), ("join", "MESSAGE", "chat-chat"),
                            ("$disconnect", "DISCONNECT", "chat-disconnect")][req % 5]
        t = t0_ms + int(span_ms * req / (n / 11))
        rid, lid = f"R{req:011d}=", f"{req:08x}-0000-4000-8000-{req:012x}"
        status = 500 if rng.random() < 0.01 else 200
        access.append((t, json.dumps({"requestId": rid, "requestTime": str(t), "connectionId": cid, "eventType": etype,
                                      "routeKey": route, "status": str(status), "integrationLatency": str(rng.randint(5, 80)),
                                      "authorizerError": "-", "errorMessage": "-", "sourceIp": "203.0.113.7",
                                      "userAgent": "chat-web/3.1"}, separators=(",", ":"))))
        for line in [f"Extended Request Id: {rid}", f"Starting execution for request: {rid}",
                     f"WebSocket Request Route: [{route}]",
                     f"WebSocket API [{api}] received message from client [Connection Id: {cid}].",
                     f"AWS Integration Endpoint RequestId : {lid}",
                     f"Message from client [Connection Id: {cid}] sent to API [{api}] with response status code [{status}]."]:
            execution.append((t, f"({rid}) {line}"))
        lam[fn] += [(t, f"START RequestId: {lid} Version: $LATEST"),
                    (t, json.dumps({"level": "INFO", "fields": {"message": "handled", "connection_id": cid, "route": route,
                                                               "user": f"user{req % 500}", "status": status}})),
                    (t + 1, f"END RequestId: {lid}"),
                    (t + 1, f"REPORT RequestId: {lid}\tDuration: 11.52 ms\tBilled Duration: 12 ms\tMemory Size: 256 MB\tMax Memory Used: 41 MB")]
    return access, execution, lam


def put(logs, group, events):
    try:
        logs.create_log_group(logGroupName=group)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    try:
        logs.create_log_stream(logGroupName=group, logStreamName="bench")
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    for i in range(0, len(events), 10_000):
        logs.put_log_events(logGroupName=group, logStreamName="bench",
                            logEvents=[{"timestamp": t, "message": m} for t, m in events[i:i + 10_000]])


def tail_vs_peers():
    import boto3
    WORK.mkdir(parents=True, exist_ok=True)
    out = open(WORK / "logs-local.out", "w")
    local = subprocess.Popen([WSADM, "local", "--port", "0", "-o", "jsonl"], env=ENV, stdout=subprocess.PIPE,
                             stderr=out, text=True)
    try:
        endpoint = json.loads(local.stdout.readline())["endpoint"].rstrip("/")
        env = dict(ENV, AWS_ENDPOINT_URL=endpoint)
        zip_path = WORK / "handler.zip"
        zip_path.write_bytes(b"PK\x05\x06" + b"\0" * 18)
        subprocess.run([WSADM, "provision", "--name", "chat", "--stage", "prod", "--jwt-secret-env", "BENCH_SECRET",
                        "--logging-level", "INFO", "--handler-zip", str(zip_path), "-o", "json"],
                       env=env, check=True, capture_output=True, timeout=300)
        groups = json.loads(subprocess.run([WSADM, "logs", "groups", "--api", "chat", "--stage", "prod", "-o", "json"],
                                           env=env, check=True, capture_output=True, text=True).stdout)
        api = groups["api_id"]
        by_source = {}
        for g in groups["groups"]:
            by_source.setdefault(g["source"], []).append(g)
        now = int(time.time() * 1000)
        access, execution, lam = lines_for(api, "prod", TAIL_EVENTS, now - 50 * 60_000, 45 * 60_000)
        logs = boto3.client("logs", endpoint_url=endpoint)
        written = {by_source["access"][0]["name"]: access, by_source["execution"][0]["name"]: execution}
        for g in by_source.get("lambda", []):
            if g["function"] in lam:
                written[g["name"]] = lam[g["function"]]
        for group, events in written.items():
            put(logs, group, events)
        total = sum(len(v) for v in written.values())
        log(f"tail: {total:,} events in {len(written)} groups; wsadm logs tail --since 1h")
        res = {"events": total, "groups": len(written)}

        listing = WORK / "logs-wsadm.jsonl"
        with open(listing, "w") as f:
            wall, rss = timed([WSADM, "logs", "tail", "--api", "chat", "--stage", "prod", "--since", "1h",
                               "--limit", str(total * 2), "-o", "jsonl"], env, out=f)
        got = sum(1 for _ in open(listing))
        res["wsadm"] = {"secs": wall, "events": got, "peak_rss_kb": rss}
        log(f"tail: wsadm {wall:.2f} s, {got:,} events, {rss / 1024:.1f} MiB")

        start_ms = now - 3_600_000
        cli_secs, cli_events = 0.0, 0
        for group in written:
            dump = WORK / "logs-cli.json"
            with open(dump, "w") as f:
                wall, _ = timed([AWS_CLI, "logs", "filter-log-events", "--log-group-name", group,
                                 "--start-time", str(start_ms), "--output", "json"], env, out=f)
            cli_secs += wall
            cli_events += len(json.load(open(dump))["events"])
        res["aws_cli"] = {"secs": cli_secs, "events": cli_events}
        log(f"tail: aws cli {cli_secs:.2f} s, {cli_events:,} events")

        script = ("import boto3,sys,time\nc=boto3.client('logs')\nn=0\n"
                  "for g in sys.argv[2:]:\n"
                  "  for p in c.get_paginator('filter_log_events').paginate(logGroupName=g,startTime=int(sys.argv[1])):\n"
                  "    for e in p['events']: print(e['timestamp'], e['message']); n+=1\n"
                  "print(n, file=sys.stderr)\n")
        with open(WORK / "logs-boto3.out", "w") as f:
            wall, _ = timed([PY, "-c", script, str(start_ms), *written], env, out=f)
        boto_events = sum(1 for _ in open(WORK / "logs-boto3.out"))
        res["boto3"] = {"secs": wall, "events": boto_events}
        log(f"tail: boto3 {wall:.2f} s, {boto_events:,} events")
        R["tail"] = res
    finally:
        local.terminate()
        try:
            local.wait(timeout=30)
        except subprocess.TimeoutExpired:
            local.kill()


def report():
    rows = []
    e = R.get("engine")
    if e:
        rows.append(("parse + merge + correlate + filter, 1 connection", f"{e['events']:,} events in {e['total_secs']:.2f} s = "
                     f"{e['events_per_sec']:,.0f} events/s (parse {e['parse_secs']:.2f} s, merge {e['merge_secs']:.2f} s, "
                     f"correlate {e['correlate_secs']:.2f} s); peak RSS {e['peak_rss_kb'] / 1024:.0f} MiB "
                     f"({e['rss_after_generation_kb'] / 1024:.0f} MiB of it the generated input); "
                     f"{e['matched_one_connection']} events of one connection found, in order: {e['ordered']}",
                     ">= 250,000 events/s (5x what FilterLogEvents delivers: 10,000 events a page at 5 requests/s)",
                     "PASS" if e["events_per_sec"] >= 250_000 and e["matched_one_connection"] == 55 and e["ordered"] else "FAIL"))
    t = R.get("tail")
    if t:
        w = t["wsadm"]
        rows.append(("wsadm logs tail --since 1h (all groups, merged, parsed)",
                     f"{w['secs']:.2f} s for {w['events']:,} of {t['events']:,} events in {t['groups']} groups; peak RSS {w['peak_rss_kb'] / 1024:.0f} MiB",
                     "every event", "PASS" if w["events"] == t["events"] else "FAIL"))
        for name, key in (("aws cli filter-log-events, one group at a time", "aws_cli"), ("boto3 paginator, one group at a time", "boto3")):
            p = t[key]
            rows.append((name, f"{p['secs']:.2f} s for {p['events']:,} events -> wsadm {p['secs'] / w['secs']:.1f}x as fast, "
                         "and it parses, correlates and merges", "report", "n/a"))
    head = "| measure | figure | target | result |\n|---|---|---|---|\n"
    table = head + "".join(f"| {a} | {b} | {c} | {d} |\n" for a, b, c, d in rows)
    OUT.mkdir(exist_ok=True)
    (OUT / "logs.json").write_text(json.dumps(R, indent=2) + "\n")
    (OUT / "logs.md").write_text(f"# wsadm logs benchmark\n\nRun {R['started']} by `scripts/bench` (BENCH_ONLY=logs), "
                                 f"release build, {os.cpu_count()} CPUs.\n\n{table}\n{NOTES}")
    print(table)


NOTES = """How it is measured (all on 127.0.0.1, dummy credentials, nothing reaches AWS):
- Engine: `target/release/examples/logs_engine N` generates N events of a chat stage in AWS's line
  shapes (the access log in the format `wsadm provision` sets, INFO execution lines, Lambda
  START/handler/END/REPORT; 11 events per request, 5 requests per connection), then times what
  `logs tail --connection` does with them: parse every line, k-way merge of the 5 groups,
  correlate by request and Lambda request id, filter one connection (all 55 of its events,
  Lambda lines included, must be found). Peak RSS is the process's VmHWM.
- Tail: `wsadm local` (moto behind it), the chat stack provisioned by `wsadm provision
  --logging-level INFO`, its groups found by `wsadm logs groups`, then the events written into
  them with PutLogEvents (timestamps over the last 50 minutes). wsadm reads all groups under its
  default budget (5 FilterLogEvents requests/s); the AWS CLI v1 (`logs filter-log-events`, which
  pages by itself; the v2-only `aws logs tail` is not on PyPI) and a boto3 paginator read the
  same groups one at a time and only print. All three are served by moto, whose speed bounds
  them all.
"""


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    try:
        tail_vs_peers()
        engine()
    except Exception as e:  # noqa: BLE001 - report what was measured
        R["error"] = repr(e)
        log(f"ERROR: {e!r}")
    report()
    return 1 if "error" in R else 0


if __name__ == "__main__":
    sys.exit(main())

"""scripts/bench, part `audit`: `wsadm audit --all` over N provisioned chat stacks in the local
stack (each made by `wsadm provision`, the path users run): wall time, AWS calls per API, and
that every default stack audits clean at high and above. Writes bench/audit.md and bench/audit.json.
Everything runs on 127.0.0.1; nothing reaches AWS.
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WSADM = os.environ.get("WSADM_BIN", str(ROOT / "target/release/wsadm"))
WORK = Path(os.environ.get("BENCH_WORK", ROOT / "target/bench/run"))
OUT = ROOT / "bench"
APIS = int(os.environ.get("BENCH_AUDIT_APIS", 50))

ENV = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "WSADM_"))}
ENV.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true", "WSADM_LOOPBACK_ONLY": "1",
            "NO_COLOR": "1", "BENCH_SECRET": "bench-secret-bench-secret-bench-secret"})


def log(msg):
    print(f"[bench audit {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    R = {"started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "apis": APIS}
    err = open(WORK / "audit-local.err", "w")
    local = subprocess.Popen([WSADM, "local", "--port", "0", "-o", "jsonl"], env=ENV, stdout=subprocess.PIPE,
                             stderr=err, text=True)
    try:
        endpoint = json.loads(local.stdout.readline())["endpoint"].rstrip("/")
        env = dict(ENV, AWS_ENDPOINT_URL=endpoint)
        zip_path = WORK / "handler.zip"
        zip_path.write_bytes(b"PK\x05\x06" + b"\0" * 18)
        t0 = time.monotonic()
        for i in range(APIS):
            subprocess.run([WSADM, "provision", "--name", f"chat{i:02d}", "--stage", "prod", "--jwt-secret-env",
                            "BENCH_SECRET", "--handler-zip", str(zip_path), "-o", "json"],
                           env=env, check=True, capture_output=True, timeout=300)
        R["provision_secs"] = time.monotonic() - t0
        log(f"{APIS} stacks provisioned in {R['provision_secs']:.1f} s; wsadm audit --all")
        t0 = time.monotonic()
        p = subprocess.run([WSADM, "audit", "--all", "-o", "json"], env=env, capture_output=True, text=True, timeout=900)
        R["audit_secs"] = time.monotonic() - t0
        report = json.loads(p.stdout)
        calls = [a["aws_calls"] for a in report["apis"]]
        high = [f for f in report["findings"]
                if f.get("severity") in ("critical", "high") and f.get("status", "found") == "found"]
        R.update({"exit_code": p.returncode, "apis_audited": len(report["apis"]), "calls_total": sum(calls),
                  "calls_per_api_max": max(calls), "calls_per_api_mean": sum(calls) / len(calls),
                  "high_or_above": len(high), "findings": len(report["findings"])})
        log(f"audit: {R['audit_secs']:.2f} s, {R['apis_audited']} APIs, {R['calls_per_api_mean']:.1f} calls/API, "
            f"{R['high_or_above']} at high or above")
    except Exception as e:  # noqa: BLE001 - report what was measured
        R["error"] = repr(e)
        log(f"ERROR: {e!r}")
    finally:
        local.terminate()
        try:
            local.wait(timeout=30)
        except subprocess.TimeoutExpired:
            local.kill()
    OUT.mkdir(exist_ok=True)
    (OUT / "audit.json").write_text(json.dumps(R, indent=2) + "\n")
    ok = "error" not in R and R.get("apis_audited") == APIS and R.get("high_or_above") == 0
    table = ("| measure | figure | target | result |\n|---|---|---|---|\n"
             f"| `wsadm audit --all` over {APIS} provisioned chat stacks | "
             + (f"{R['audit_secs']:.2f} s ({R['audit_secs'] / APIS * 1000:.0f} ms per API); {R['calls_per_api_mean']:.1f} AWS calls per API "
                f"(max {R['calls_per_api_max']}), {R['calls_total']} in all; {R['findings']} findings, {R['high_or_above']} at high or above; exit {R['exit_code']}"
                if "audit_secs" in R else f"not measured: {R.get('error')}")
             + f" | every API audited, none at high or above (defaults are clean) | {'PASS' if ok else 'FAIL'} |\n")
    (OUT / "audit.md").write_text(
        f"# wsadm audit benchmark\n\nRun {R['started']} by `scripts/bench` (BENCH_ONLY=audit), release build, "
        f"{os.cpu_count()} CPUs. The stacks were made by `wsadm provision` on `wsadm local` (moto behind it) in "
        f"{R.get('provision_secs', 0):.0f} s; the audit reads each API's facts with a few concurrent calls, "
        f"several APIs at once.\n\n{table}")
    print(table)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Peer for scripts/bench: what a Python operator writes — boto3 post_to_connection from a
ThreadPoolExecutor of 32. Prints one JSON line: delivered, gone, failed, elapsed_secs."""
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

endpoint, ids_file, message = sys.argv[1], sys.argv[2], sys.argv[3]
workers = int(sys.argv[4]) if len(sys.argv) > 4 else 32
ids = [l.strip() for l in open(ids_file) if l.strip()]
client = boto3.client(
    "apigatewaymanagementapi",
    endpoint_url=endpoint,
    config=Config(max_pool_connections=workers, retries={"max_attempts": 3, "mode": "standard"}),
)
data = message.encode()
start = time.monotonic()


def post(cid):
    try:
        client.post_to_connection(ConnectionId=cid, Data=data)
        return "delivered"
    except client.exceptions.GoneException:
        return "gone"
    except Exception:  # noqa: BLE001 - counted, not raised
        return "failed"


with ThreadPoolExecutor(max_workers=workers) as pool:
    outcomes = list(pool.map(post, ids))
elapsed = time.monotonic() - start
print(json.dumps({
    "delivered": outcomes.count("delivered"),
    "gone": outcomes.count("gone"),
    "failed": outcomes.count("failed"),
    "elapsed_secs": elapsed,
    "rate_per_sec": len(ids) / elapsed if elapsed else None,
}))

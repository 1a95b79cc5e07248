#!/usr/bin/env python3
"""Enhanced fan-out latency: put -> subscriber, p50/p99 ms on loopback.

Starts the release server (ephemeral), registers a consumer, subscribes with boto3 and puts
records one at a time with a timestamp inside; the subscriber measures when each arrives.
usage: .venv/bin/python scripts/bench-fanout.py [--eddy .build/release/eddy] [--records 1000]
"""
import argparse
import http.client
import json
import base64
import os
import socket
import struct
import subprocess
import sys
import threading
import time

import boto3
from botocore.config import Config


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--eddy", default=".build/release/eddy")
    ap.add_argument("--records", type=int, default=1000)
    ap.add_argument("--interval-ms", type=float, default=5)
    args = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([args.eddy, "serve", "--ephemeral", "--port", str(port), "--log-level", "warning"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert proc.stdout.readline().strip() == b"Ready."
        k = boto3.client("kinesis", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                         aws_access_key_id="x", aws_secret_access_key="x", config=Config(retries={"max_attempts": 1}))
        k.create_stream(StreamName="fan", ShardCount=1)
        k.get_waiter("stream_exists").wait(StreamName="fan", WaiterConfig={"Delay": 0.1})
        arn = k.describe_stream_summary(StreamName="fan")["StreamDescriptionSummary"]["StreamARN"]
        consumer = k.register_stream_consumer(StreamARN=arn, ConsumerName="bench")["Consumer"]["ConsumerARN"]
        time.sleep(0.2)
        stream = k.subscribe_to_shard(ConsumerARN=consumer, ShardId="shardId-000000000000",
                                      StartingPosition={"Type": "LATEST"})["EventStream"]
        latencies = []

        def produce():
            conn = http.client.HTTPConnection("127.0.0.1", port)
            time.sleep(0.3)
            for i in range(args.records):
                payload = struct.pack("<d", time.perf_counter())
                body = json.dumps({"StreamName": "fan", "PartitionKey": "k", "Data": base64.b64encode(payload).decode()})
                conn.request("POST", "/", body, {"X-Amz-Target": "Kinesis_20131202.PutRecord",
                                                 "Content-Type": "application/x-amz-json-1.1"})
                conn.getresponse().read()
                time.sleep(args.interval_ms / 1000)

        t = threading.Thread(target=produce)
        t.start()
        for event in stream:
            now = time.perf_counter()
            for r in event["SubscribeToShardEvent"]["Records"]:
                latencies.append((now - struct.unpack("<d", r["Data"])[0]) * 1000)
            if len(latencies) >= args.records:
                break
        stream.close()
        t.join()
        latencies.sort()
        p = lambda q: latencies[min(len(latencies) - 1, int(len(latencies) * q))]
        print(f"fan-out put->subscriber latency over {len(latencies)} records: p50 {p(0.5):.2f} ms, "
              f"p99 {p(0.99):.2f} ms, max {latencies[-1]:.2f} ms (includes the Python client's parsing)")
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    sys.exit(main())

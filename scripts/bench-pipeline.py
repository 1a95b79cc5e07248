#!/usr/bin/env python3
"""Firehose and CloudWatch figures: input MB/s into GZIP objects, delivery lag at the configured
interval, and GetMetricData latency over days x streams of stored data points.

Starts the release server itself (ephemeral data dir), talks raw HTTP (no SDK overhead).
usage: .venv/bin/python scripts/bench-pipeline.py [--eddy .build/release/eddy] [--mb 256] [--streams 100] [--days 15]
"""
import argparse
import base64
import http.client
import json
import socket
import statistics
import subprocess
import time


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def call(self, target, body, content_type="application/x-amz-json-1.1", path="/", method="POST"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"Content-Type": content_type}
        if target:
            headers["X-Amz-Target"] = target
        self.conn.request(method, path, data, headers)
        r = self.conn.getresponse()
        payload = r.read()
        if r.status >= 300:
            raise RuntimeError(f"{target or path}: {r.status} {payload[:200]}")
        return json.loads(payload) if payload and payload.startswith(b"{") else payload


def list_sizes(c, bucket, prefix):
    body = c.call(None, b"", path=f"/{bucket}?list-type=2&prefix={prefix}", method="GET", content_type="application/xml")
    text = body.decode()
    return [int(x.split("</Size>")[0]) for x in text.split("<Size>")[1:]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--eddy", default=".build/release/eddy")
    ap.add_argument("--mb", type=int, default=256, help="MB of input for the throughput figure")
    ap.add_argument("--streams", type=int, default=100)
    ap.add_argument("--days", type=int, default=15)
    args = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([args.eddy, "serve", "--ephemeral", "--port", str(port), "--log-level", "warning"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert proc.stdout.readline().strip() == b"Ready."
        c = Client(port)
        c.call(None, b"", path="/bench-lake", method="PUT", content_type="application/xml")
        dest = lambda prefix, size, interval: {"RoleARN": "arn:aws:iam::000000000000:role/x", "BucketARN": "arn:aws:s3:::bench-lake",
                                               "Prefix": prefix, "CompressionFormat": "GZIP",
                                               "BufferingHints": {"SizeInMBs": size, "IntervalInSeconds": interval}}
        c.call("Firehose_20150804.CreateDeliveryStream", {"DeliveryStreamName": "bulk", "ExtendedS3DestinationConfiguration": dest("bulk/", 64, 900)})
        c.call("Firehose_20150804.CreateDeliveryStream", {"DeliveryStreamName": "lag", "ExtendedS3DestinationConfiguration": dest("lag/", 1, 2)})
        time.sleep(0.3)

        # Throughput: NDJSON-like records, 500 per PutRecordBatch (about 200 KB per call).
        record = json.dumps({"event_type": "af_purchase", "campaign": "spring_sale", "media_source": "facebook_int",
                             "country_code": "US", "event_revenue": 12.99, "pad": "x" * 250}).encode() + b"\n"
        batch = {"DeliveryStreamName": "bulk", "Records": [{"Data": base64.b64encode(record).decode()}] * 500}
        body = json.dumps(batch).encode()
        calls = max(1, args.mb * 1_000_000 // (len(record) * 500))
        start = time.time()
        for _ in range(calls):
            c.call("Firehose_20150804.PutRecordBatch", body)
        put_done = time.time()
        total_in = calls * 500 * len(record)
        # Objects close at 64 MiB; the remainder is flushed by the interval or DeleteDeliveryStream.
        c.call("Firehose_20150804.DeleteDeliveryStream", {"DeliveryStreamName": "bulk"})
        end = time.time()
        out = sum(list_sizes(c, "bench-lake", "bulk/"))
        print(f"firehose: {total_in / 1e6:.0f} MB in ({calls} x PutRecordBatch of 500), ingest {total_in / 1e6 / (put_done - start):.0f} MB/s, "
              f"end to end into GZIP objects {total_in / 1e6 / (end - start):.0f} MB/s, {out / 1e6:.1f} MB of gzip out")

        # Lag: one record, interval 2 s: when does its object appear?
        lags = []
        for i in range(5):
            before = len(list_sizes(c, "bench-lake", "lag/"))
            t0 = time.time()
            c.call("Firehose_20150804.PutRecord", {"DeliveryStreamName": "lag", "Record": {"Data": base64.b64encode(b"ping\n").decode()}})
            while len(list_sizes(c, "bench-lake", "lag/")) == before:
                time.sleep(0.02)
            lags.append(time.time() - t0 - 2)
        print(f"firehose delivery lag beyond the 2 s interval: median {statistics.median(lags) * 1000:.0f} ms, max {max(lags) * 1000:.0f} ms")

        # CloudWatch: streams x days of 1-minute points, then GetMetricData latency.
        now = int(time.time()) // 60 * 60
        t0 = time.time()
        points = 0
        for s in range(args.streams):
            data = []
            for m in range(args.days * 1440):
                data.append({"MetricName": "IncomingRecords", "Value": float(m % 100), "Unit": "Count",
                             "Timestamp": now - m * 60, "Dimensions": [{"Name": "StreamName", "Value": f"stream-{s:03d}"}]})
                if len(data) == 1000:
                    c.call("GraniteServiceVersion20100801.PutMetricData", {"Namespace": "Bench/Kinesis", "MetricData": data},
                           content_type="application/x-amz-json-1.0")
                    points += len(data)
                    data = []
            if data:
                c.call("GraniteServiceVersion20100801.PutMetricData", {"Namespace": "Bench/Kinesis", "MetricData": data},
                       content_type="application/x-amz-json-1.0")
                points += len(data)
        load = time.time() - t0
        latencies = []
        for s in range(20):
            query = {"StartTime": now - args.days * 86400, "EndTime": now + 60, "MetricDataQueries": [
                {"Id": "m", "MetricStat": {"Metric": {"Namespace": "Bench/Kinesis", "MetricName": "IncomingRecords",
                                                      "Dimensions": [{"Name": "StreamName", "Value": f"stream-{s * 5 % args.streams:03d}"}]},
                                           "Period": 3600, "Stat": "Sum"}}]}
            t = time.time()
            r = c.call("GraniteServiceVersion20100801.GetMetricData", query, content_type="application/x-amz-json-1.0")
            latencies.append((time.time() - t) * 1000)
            assert len(r["MetricDataResults"][0]["Values"]) >= args.days * 24
        latencies.sort()
        print(f"cloudwatch: {points} points ({args.streams} streams x {args.days} days x 1/min) loaded in {load:.1f} s; "
              f"GetMetricData (one stream, {args.days} days, hourly Sum): p50 {statistics.median(latencies):.1f} ms, max {latencies[-1]:.1f} ms")
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()

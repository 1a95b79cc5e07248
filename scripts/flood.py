#!/usr/bin/env python3
"""Floods a server the way hostile or broken clients do and prints what it costs: resident
memory (now and peak) and a well-behaved client's PutRecord latency during each flood.

  scripts/flood.py [--eddy .build/release/eddy] [--scenario all|idle|slowloris|bodies|h2bodies|h2gets]

Scenarios:
  idle       1,000 connections that send nothing
  slowloris  200 connections trickling a request head a byte at a time
  bodies     64 connections each announcing a 16 MiB PutRecords body, sending 8 MiB, then stalling
  h2bodies   one h2c connection with 40 streams of unfinished 8 MiB PutRecords bodies
  h2gets     6 h2c GETs of a 48 MiB object by a client that never reads (window left open)
Run it against two builds to compare (the numbers are printed, nothing is asserted).
"""
import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import boto3
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss(pid):
    """(current, peak) resident MiB."""
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                name, kb = line.split()[:2]
                values[name] = int(kb) / 1024
    return values.get("VmRSS:", 0), values.get("VmHWM:", 0)


class Probe:
    """A well-behaved client putting one record at a time; keeps its latencies."""

    def __init__(self, endpoint):
        self.kinesis = boto3.client("kinesis", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="a",
                                    aws_secret_access_key="b", config=Config(retries={"max_attempts": 1}, read_timeout=30))
        self.latencies = []
        self.errors = 0

    def run(self, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                self.kinesis.put_record(StreamName="probe", PartitionKey="p", Data=b"x" * 100)
                self.latencies.append(time.monotonic() - started)
            except Exception:
                self.errors += 1
            time.sleep(0.01)

    def summary(self):
        if not self.latencies:
            return f"no answers ({self.errors} errors)"
        lat = sorted(self.latencies)
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        return f"{len(lat)} calls, p50 {statistics.median(lat) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, {self.errors} errors"


def idle(port, stop):
    socks = []
    for _ in range(1000):
        try:
            socks.append(socket.create_connection(("127.0.0.1", port)))
        except OSError:
            break
    stop.wait()
    for s in socks:
        s.close()
    return f"{len(socks)} idle connections"


def slowloris(port, stop):
    socks = []
    for _ in range(200):
        try:
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
            socks.append(s)
        except OSError:
            break
    closed = 0
    while not stop.wait(0.5):
        for s in list(socks):
            try:
                s.sendall(b"X")
            except OSError:
                socks.remove(s)
                closed += 1
    for s in socks:
        s.close()
    return f"200 slowloris connections, {closed} closed by the server"


def bodies(port, stop):
    socks = []
    head = (b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Kinesis_20131202.PutRecords\r\n"
            b"Content-Type: application/x-amz-json-1.1\r\nContent-Length: 16777216\r\n\r\n")
    chunk = b"x" * (1 << 20)
    for _ in range(64):
        try:
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(head)
            s.settimeout(0.5)
            socks.append(s)
        except OSError:
            break
    for _ in range(8):
        for s in socks:
            try:
                s.sendall(chunk)
            except OSError:
                pass
    refused = 0
    for s in socks:
        try:
            if s.recv(200).startswith(b"HTTP/1.1 503"):
                refused += 1
        except OSError:
            pass
    stop.wait()
    for s in socks:
        s.close()
    return f"64 × 8 MiB of unfinished bodies, {refused} answered 503"


def h2_connection(port):
    import h2.config
    import h2.connection
    import h2.settings
    s = socket.create_connection(("127.0.0.1", port))
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 2 ** 31 - 1})
    conn.increment_flow_control_window(2 ** 31 - 1 - 65535)
    s.sendall(conn.data_to_send())
    return s, conn


def h2bodies(port, stop):
    import h2.exceptions
    s, conn = h2_connection(port)
    s.settimeout(0.2)
    sent = 0
    streams = []
    for _ in range(40):
        sid = conn.get_next_available_stream_id()
        conn.send_headers(sid, [(":method", "POST"), (":path", "/"), (":scheme", "http"), (":authority", "x"),
                                ("x-amz-target", "Kinesis_20131202.PutRecords"), ("content-type", "application/x-amz-json-1.1"),
                                ("content-length", str(16 << 20))])
        streams.append(sid)
    s.sendall(conn.data_to_send())
    piece = b"x" * 16384
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and sent < 40 * (8 << 20):
        progressed = False
        for sid in streams:
            try:
                if conn.local_flow_control_window(sid) >= len(piece):
                    conn.send_data(sid, piece)
                    sent += len(piece)
                    progressed = True
            except (h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
                pass
        s.sendall(conn.data_to_send())
        try:
            data = s.recv(65536)
            if data:
                conn.receive_data(data)
                s.sendall(conn.data_to_send())
        except socket.timeout:
            if not progressed:
                break
    stop.wait()
    s.close()
    return f"40 h2c streams, {sent >> 20} MiB of unfinished bodies accepted"


def h2gets(port, stop, endpoint):
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    s3.create_bucket(Bucket="flood-bucket")
    s3.put_object(Bucket="flood-bucket", Key="big", Body=os.urandom(48 << 20))
    s, conn = h2_connection(port)
    for _ in range(6):
        sid = conn.get_next_available_stream_id()
        conn.send_headers(sid, [(":method", "GET"), (":path", "/flood-bucket/big"), (":scheme", "http"), (":authority", "x")],
                          end_stream=True)
    s.sendall(conn.data_to_send())
    # Never read: the server's writes back up into its socket buffer and must stop there.
    stop.wait()
    s.close()
    return "6 h2c GETs of 48 MiB never read"


SCENARIOS = ["idle", "slowloris", "bodies", "h2bodies", "h2gets"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eddy", default=os.path.join(ROOT, ".build", "release", "eddy"))
    parser.add_argument("--scenario", default="all", choices=["all"] + SCENARIOS)
    parser.add_argument("--seconds", type=float, default=8)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data:
        port = free_port()
        command = [args.eddy, "serve", "--port", str(port), "--data-dir", data, "--log-level", "error"]
        # Builds from before the connection limit have no such option (and no limit).
        if b"--max-connections" in subprocess.run([args.eddy, "serve", "--help"], capture_output=True).stdout:
            command += ["--max-connections", "2000"]
        server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        if server.stdout.readline().strip() != b"Ready.":
            sys.exit("the server did not start")
        endpoint = f"http://127.0.0.1:{port}"
        try:
            probe = Probe(endpoint)
            probe.kinesis.create_stream(StreamName="probe", ShardCount=1)
            probe.kinesis.get_waiter("stream_exists").wait(StreamName="probe", WaiterConfig={"Delay": 0.1})
            probe.run(2)
            now, _ = rss(server.pid)
            print(f"{os.path.basename(os.path.dirname(os.path.dirname(args.eddy)))}: baseline RSS {now:.1f} MiB; probe {probe.summary()}")
            for name in SCENARIOS if args.scenario == "all" else [args.scenario]:
                if server.poll() is not None:
                    print(f"  {name}: the server is gone (exit {server.returncode})")
                    break
                stop = threading.Event()
                result = {}
                work = {"idle": lambda: idle(port, stop), "slowloris": lambda: slowloris(port, stop),
                        "bodies": lambda: bodies(port, stop), "h2bodies": lambda: h2bodies(port, stop),
                        "h2gets": lambda: h2gets(port, stop, endpoint)}[name]
                t = threading.Thread(target=lambda: result.setdefault("text", work()), daemon=True)
                t.start()
                time.sleep(1)
                probe = Probe(endpoint)
                probe.run(args.seconds)
                during, peak = rss(server.pid) if server.poll() is None else (0, 0)
                stop.set()
                t.join(30)
                time.sleep(1)
                after = rss(server.pid)[0] if server.poll() is None else 0
                print(f"  {name}: {result.get('text', '?')}; RSS during {during:.1f} MiB, peak so far {peak:.1f} MiB, after {after:.1f} MiB; "
                      f"probe {probe.summary()}")
        finally:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()

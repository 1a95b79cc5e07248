#!/usr/bin/env python3
"""The real Kinesis Client Library against Eddy alone: KCL 3's MultiLangDaemon (from the
`kclpy-ext` wheel, run on the machine's JDK) with a Python record processor, its Kinesis,
DynamoDB (leases) and CloudWatch endpoints all pointed at one Eddy.

  scripts/kcl-check.py [--eddy .build/debug/eddy] [--mode POLLING|FANOUT] [--records 10000]

Puts half the records into a 4-shard stream, starts the daemon, kills it with SIGKILL once
records are checkpointed, puts the other half, starts it again, then splits one shard and
merges two others while it consumes, and checks: every record received, in order within each
shard, duplicates only from the batch in flight when the daemon was killed, child shards read
only after their parents end; the lease table holds the checkpoints; KCL's metrics are in
CloudWatch.
Prints PASS/FAIL lines and exits 0 only if all passed.
"""
import argparse
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time

import boto3

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PROCESSOR = textwrap.dedent('''
    import os, sys
    from amazon_kclpy import kcl
    from amazon_kclpy.v3 import processor

    OUT = os.environ["KCL_CHECK_OUT"]

    class Processor(processor.RecordProcessorBase):
        def initialize(self, initialize_input):
            self.shard = initialize_input.shard_id

        def process_records(self, process_records_input):
            lines = [f"{self.shard} {r.sequence_number} {r.binary_data.decode()}\\n" for r in process_records_input.records]
            if lines:
                with open(OUT, "a") as f:
                    f.write("".join(lines))
                    f.flush()
                    os.fsync(f.fileno())
                process_records_input.checkpointer.checkpoint()

        def lease_lost(self, lease_lost_input):
            pass

        def shard_ended(self, shard_ended_input):
            shard_ended_input.checkpointer.checkpoint()

        def shutdown_requested(self, shutdown_requested_input):
            shutdown_requested_input.checkpointer.checkpoint()

    kcl.KCLProcess(Processor()).run()
''')


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Check:
    def __init__(self):
        self.passed = self.failed = 0
        self.started = time.time()

    def __call__(self, ok, what):
        print(("PASS " if ok else "FAIL ") + what + f" [at {time.time() - self.started:.0f} s]", flush=True)
        if ok:
            self.passed += 1
        else:
            self.failed += 1


def received(path):
    try:
        with open(path) as f:
            return [line.split(" ", 2) for line in f.read().splitlines() if line.count(" ") >= 2]
    except OSError:
        return []


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eddy", default=os.path.join(ROOT, ".build", "debug", "eddy"))
    parser.add_argument("--mode", default="POLLING", choices=["POLLING", "FANOUT"])
    parser.add_argument("--records", type=int, default=10000)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    import amazon_kclpy
    jars = os.path.join(os.path.dirname(amazon_kclpy.__file__), "jars")
    java = shutil.which("java")
    if not java:
        sys.exit("no java on PATH")
    check = Check()
    work = tempfile.mkdtemp(prefix="eddy-kcl-")
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([args.eddy, "serve", "--port", str(port), "--data-dir", os.path.join(work, "data"), "--log-level", "warning"],
                              stdout=subprocess.PIPE, stderr=open(os.path.join(work, "eddy.log"), "wb"))
    if server.stdout.readline().strip() != b"Ready.":
        sys.exit("the server did not start")
    session = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
    kinesis = boto3.client("kinesis", **session)
    out = os.path.join(work, "received.txt")
    app = "eddy-kcl-check"
    daemon = None
    try:
        kinesis.create_stream(StreamName="kcl-orders", ShardCount=4)
        kinesis.get_waiter("stream_exists").wait(StreamName="kcl-orders", WaiterConfig={"Delay": 0.2})
        half = args.records // 2

        def put(first, last):
            for start in range(first, last, 500):
                batch = [{"Data": str(i).encode(), "PartitionKey": f"customer-{i % 97}"} for i in range(start, min(start + 500, last))]
                failed = kinesis.put_records(StreamName="kcl-orders", Records=batch)["FailedRecordCount"]
                assert failed == 0

        put(0, half)
        with open(os.path.join(work, "processor.py"), "w") as f:
            f.write(PROCESSOR)
        properties = os.path.join(work, "app.properties")
        with open(properties, "w") as f:
            f.write(textwrap.dedent(f"""\
                executableName = {sys.executable} {os.path.join(work, 'processor.py')}
                streamName = kcl-orders
                applicationName = {app}
                AWSCredentialsProvider = DefaultCredentialsProvider
                processingLanguage = python/3
                initialPositionInStream = TRIM_HORIZON
                regionName = us-east-1
                kinesisEndpoint = {endpoint}
                dynamoDBEndpoint = {endpoint}
                cloudWatchClient.endpointOverride = {endpoint}
                retrievalMode = {args.mode}
                idleTimeBetweenReadsInMillis = 250
                shutdownGraceMillis = 5000
                parentShardPollIntervalMillis = 1000
                shardSyncIntervalMillis = 5000
                """))
        env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_REGION="us-east-1", KCL_CHECK_OUT=out)
        command = [java, "-cp", os.path.join(jars, "*"), "software.amazon.kinesis.multilang.MultiLangDaemon",
                   "--properties-file", properties]

        def start(log):
            return subprocess.Popen(command, cwd=work, env=env, stdout=open(os.path.join(work, log), "wb"),
                                    stderr=subprocess.STDOUT, start_new_session=True)

        def wait_for(count, timeout):
            deadline = time.time() + timeout
            while time.time() < deadline:
                if len({r[2] for r in received(out)}) >= count:
                    return True
                time.sleep(0.5)
            return False

        started = time.time()
        daemon = start("kcl-1.log")
        check(wait_for(half // 2, args.timeout), f"the first KCL worker receives records ({time.time() - started:.0f} s to half of the first half)")
        os.killpg(daemon.pid, signal.SIGKILL)
        daemon.wait(10)
        before_kill = received(out)
        put(half, args.records)
        daemon = start("kcl-2.log")
        check(wait_for(args.records, args.timeout), f"after kill -9 and a restart every one of {args.records} records is received")
        # Reshard while the worker consumes: records go into the parents, shard 0 is split and
        # shards 2 and 3 merged, and more records go into the children.
        extra = max(args.records // 5, 20)
        total = args.records + extra
        parents = kinesis.list_shards(StreamName="kcl-orders")["Shards"]
        put(args.records, args.records + extra // 2)
        low, high = int(parents[0]["HashKeyRange"]["StartingHashKey"]), int(parents[0]["HashKeyRange"]["EndingHashKey"])
        kinesis.split_shard(StreamName="kcl-orders", ShardToSplit=parents[0]["ShardId"], NewStartingHashKey=str((low + high) // 2))
        kinesis.get_waiter("stream_exists").wait(StreamName="kcl-orders", WaiterConfig={"Delay": 0.2})
        kinesis.merge_shards(StreamName="kcl-orders", ShardToMerge=parents[2]["ShardId"], AdjacentShardToMerge=parents[3]["ShardId"])
        kinesis.get_waiter("stream_exists").wait(StreamName="kcl-orders", WaiterConfig={"Delay": 0.2})
        put(args.records + extra // 2, total)
        check(wait_for(total, args.timeout), f"after a split and a merge while consuming every one of {total} records is received")
        lines = received(out)
        values = [r[2] for r in lines]
        check(set(values) == {str(i) for i in range(total)}, f"{len(set(values))} distinct records of {total}")
        children = [s for s in kinesis.list_shards(StreamName="kcl-orders")["Shards"] if s.get("ParentShardId")]
        lineage = {}
        for child in children:
            lineage[child["ShardId"]] = [p for p in (child["ParentShardId"], child.get("AdjacentParentShardId")) if p]
        first = {}
        last = {}
        for index, (shard, _, _) in enumerate(lines):
            first.setdefault(shard, index)
            last[shard] = index
        # KCL starts a child only once its parents are read to their end and checkpointed there.
        after_parents = all(child in first and all(first[child] > last.get(p, -1) for p in ps) for child, ps in lineage.items())
        check(len(lineage) == 3 and after_parents,
              f"{len(lineage)} child shards ({', '.join(f'{c} <- {ps}' for c, ps in sorted(lineage.items()))}) read after their parents end")
        duplicates = len(values) - len(set(values))
        # Only records delivered but not yet checkpointed when the worker died come again.
        check(duplicates <= len(before_kill), f"{duplicates} duplicates, all from the batch in flight at the kill")
        ordered = True
        for shard in {r[0] for r in lines}:
            seqs = [int(r[1]) for r in lines if r[0] == shard]
            after_restart = seqs[len([r for r in before_kill if r[0] == shard]):]
            # Within each run of the worker, a shard's records arrive in sequence order.
            ordered &= all(a < b for a, b in zip(after_restart, after_restart[1:]))
        check(ordered, f"records in order within each of {len({r[0] for r in lines})} shards")
        ddb = boto3.client("dynamodb", **session)
        leases = ddb.scan(TableName=app)["Items"]
        checkpoints = {l["leaseKey"]["S"]: l.get("checkpoint", {}).get("S", "") for l in leases}
        ended = {p for ps in lineage.values() for p in ps}
        check(len(leases) >= 7 and all(c == "SHARD_END" if k in ended else c.isdigit() for k, c in checkpoints.items()),
              f"{len(leases)} leases in the lease table, the parents' at SHARD_END, the others at sequence numbers")
        tables = ddb.list_tables()["TableNames"]
        check(f"{app}-CoordinatorState" in tables and f"{app}-WorkerMetricStats" in tables, f"KCL's tables: {', '.join(tables)}")
        cw = boto3.client("cloudwatch", **session)
        namespaces = {m["Namespace"] for m in cw.list_metrics()["Metrics"]}
        check(app in namespaces, f"KCL's metrics in CloudWatch (namespaces: {', '.join(sorted(namespaces))})")
        check(server.poll() is None, "the server is still up")
    finally:
        if daemon and daemon.poll() is None:
            os.killpg(daemon.pid, signal.SIGTERM)
            try:
                daemon.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(daemon.pid, signal.SIGKILL)
        server.terminate()
        server.wait(15)
        if check.failed:
            print(f"logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{check.passed} passed, {check.failed} failed")
    sys.exit(1 if check.failed else 0)


if __name__ == "__main__":
    main()

"""The server as a process: health, reset, bad input, signals, durability across kill -9."""
import concurrent.futures
import glob
import json
import os
import socket
import threading
import time
import urllib.request

from conftest import EddyServer, aws_cbor_loads, wait_active


def http(server, method, path, body=b"", headers=None):
    req = urllib.request.Request(server.endpoint + path, data=body if method != "GET" else None, method=method,
                                 headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def kinesis_call(server, op, payload, content_type="application/x-amz-json-1.1"):
    return http(server, "POST", "/", payload if isinstance(payload, bytes) else json.dumps(payload).encode(),
                {"X-Amz-Target": f"Kinesis_20131202.{op}", "Content-Type": content_type})


def test_health_and_reset(server, kinesis):
    status, _, body = http(server, "GET", "/_eddy/health")
    assert status == 200 and json.loads(body)["services"] == {name: "running" for name in ["kinesis", "firehose", "s3", "cloudwatch", "dynamodb"]}
    status, _, body = http(server, "GET", "/_localstack/health")
    assert status == 200 and json.loads(body)["services"]["kinesis"] == "running"
    kinesis.create_stream(StreamName="s", ShardCount=1)
    ddb = server.client("dynamodb")
    ddb.create_table(TableName="reset-me", BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}])
    status, _, _ = http(server, "POST", "/_eddy/reset")
    assert status == 200
    assert kinesis.list_streams()["StreamNames"] == [] and ddb.list_tables()["TableNames"] == []
    kinesis.create_stream(StreamName="s", ShardCount=1)


def test_errors_on_the_wire(server):
    status, headers, body = kinesis_call(server, "ListStreams", b"{not json")
    assert status == 400 and json.loads(body)["__type"] == "SerializationException"
    assert headers.get("x-amzn-RequestId") and headers.get("x-amzn-ErrorType") == "SerializationException"
    status, _, body = kinesis_call(server, "Frobnicate", {})
    assert status == 400 and json.loads(body)["__type"] == "UnknownOperationException"
    status, _, body = kinesis_call(server, "CreateStream", {"StreamName": 5, "ShardCount": 1})
    assert status == 400 and json.loads(body)["__type"] == "SerializationException"
    status, _, body = kinesis_call(server, "ListStreams", b'{"ExclusiveStartStreamName":"\xff\xfe"}')
    assert status == 400 and json.loads(body)["__type"] == "SerializationException"
    status, _, body = kinesis_call(server, "ListStreams", {}, content_type="application/json")
    assert status == 200 and json.loads(body)["StreamNames"] == []
    # Unsigned requests find their service by X-Amz-Target.
    status, _, body = http(server, "POST", "/", b"{}", {"X-Amz-Target": "Firehose_20150804.ListDeliveryStreams",
                                                         "Content-Type": "application/x-amz-json-1.1"})
    assert status == 200 and json.loads(body)["DeliveryStreamNames"] == []


def test_oversized_body_is_refused_without_buffering(server):
    big = b"x" * (17 << 20)
    status, _, body = kinesis_call(server, "PutRecords", big)
    assert status == 413 and json.loads(body)["__type"] == "RequestEntityTooLarge"
    # The server is still fine for others.
    assert kinesis_call(server, "ListStreams", {})[0] == 200


def test_slow_and_half_closed_connections_do_not_block_others(server):
    slow = socket.create_connection(("127.0.0.1", server.port))
    slow.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"Str")
    half = socket.create_connection(("127.0.0.1", server.port))
    half.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
    half.shutdown(socket.SHUT_WR)
    huge_header = socket.create_connection(("127.0.0.1", server.port))
    huge_header.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n")
    start = time.time()
    assert kinesis_call(server, "ListStreams", {})[0] == 200
    assert time.time() - start < 2
    reply = huge_header.recv(100)
    assert reply == b"" or reply.startswith(b"HTTP/1.1 4")
    for s in (slow, half, huge_header):
        s.close()
    assert kinesis_call(server, "ListStreams", {})[0] == 200


def test_sigterm_exits_cleanly(data_dir):
    # A signal sent the moment "Ready." is printed must not be lost.
    for _ in range(5):
        s = EddyServer(data_dir).start()
        assert s.stop() == 0
    assert "stopped" in s.logs()


def test_kill9_loses_no_acknowledged_record(data_dir):
    s = EddyServer(data_dir).start()
    k = s.client()
    k.create_stream(StreamName="durable", ShardCount=4)
    wait_active(k, "durable")
    acked = {}
    lock = threading.Lock()
    stop = threading.Event()

    def producer(n):
        client = s.client()
        i = 0
        while not stop.is_set():
            records = [{"PartitionKey": f"p{n}-{i}-{j}", "Data": f"{n}:{i}:{j}".encode()} for j in range(50)]
            try:
                r = client.put_records(StreamName="durable", Records=records)
            except Exception:
                return  # the server died mid-request: that batch was never acknowledged
            with lock:
                for rec, res in zip(records, r["Records"]):
                    if "SequenceNumber" in res:
                        acked[res["SequenceNumber"]] = (res["ShardId"], rec["Data"])
            i += 1

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(producer, n) for n in range(4)]
        time.sleep(1.5)
        s.kill9()
        stop.set()
        for f in futures:
            f.result()
    assert len(acked) > 500, f"only {len(acked)} records acknowledged before the kill"
    s2 = EddyServer(data_dir)
    s2.port = s.port
    s2.start()
    try:
        k2 = s2.client()
        found = {}
        for shard in k2.list_shards(StreamName="durable")["Shards"]:
            it = k2.get_shard_iterator(StreamName="durable", ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            while True:
                r = k2.get_records(ShardIterator=it, Limit=10000)
                for rec in r["Records"]:
                    found[rec["SequenceNumber"]] = (shard["ShardId"], rec["Data"])
                if not r["Records"]:
                    break
                it = r["NextShardIterator"]
        missing = [seq for seq in acked if seq not in found]
        assert not missing, f"{len(missing)} of {len(acked)} acknowledged records lost"
        assert all(found[seq] == acked[seq] for seq in acked)
        # New records continue the sequence.
        r = k2.put_record(StreamName="durable", PartitionKey="after", Data=b"x")
        same_shard = [int(seq) for seq, (sh, _) in found.items() if sh == r["ShardId"]]
        assert int(r["SequenceNumber"]) > max(same_shard)
    finally:
        s2.stop()


def test_corrupted_tail_is_cut_and_logged(data_dir):
    s = EddyServer(data_dir).start()
    k = s.client()
    k.create_stream(StreamName="c", ShardCount=1)
    wait_active(k, "c")
    seqs = [k.put_record(StreamName="c", PartitionKey="k", Data=f"r{i}".encode())["SequenceNumber"] for i in range(20)]
    assert s.stop() == 0
    segments = sorted(glob.glob(os.path.join(data_dir, "kinesis", "streams", "*", "shardId-000000000000", "*.log")))
    with open(segments[-1], "ab") as f:
        f.write(b"\x30\x00\x00\x00garbage-that-is-not-a-frame")
    s2 = EddyServer(data_dir)
    s2.start()
    try:
        assert "cut a torn or corrupted log tail" in s2.logs()
        k2 = s2.client()
        it = k2.get_shard_iterator(StreamName="c", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        got = [r["SequenceNumber"] for r in k2.get_records(ShardIterator=it)["Records"]]
        assert got == seqs
        assert k2.put_record(StreamName="c", PartitionKey="k", Data=b"new")["SequenceNumber"] > seqs[-1]
    finally:
        s2.stop()


def test_bad_input_fixtures(server, kinesis):
    fixtures = os.path.join(os.path.dirname(__file__), "..", "..", "Fixtures", "bad-input")
    expected = json.load(open(os.path.join(fixtures, "expected.json")))
    for name, error_type in expected.items():
        body = open(os.path.join(fixtures, name), "rb").read()
        status, _, answer = kinesis_call(server, "CreateStream", body)
        assert status == 400, name
        assert json.loads(answer)["__type"] == error_type, (name, answer)
    assert kinesis.list_streams()["StreamNames"] == []


def test_cbor_protocol_as_the_java_sdk_speaks_it(server, kinesis):
    import cbor2

    def call(op, obj):
        status, headers, body = kinesis_call(server, op, cbor2.dumps(obj), content_type="application/x-amz-cbor-1.1")
        assert headers.get("Content-Type") == "application/x-amz-cbor-1.1"
        return status, aws_cbor_loads(body)

    status, _ = call("CreateStream", {"StreamName": "cb", "ShardCount": 1})
    assert status == 200
    kinesis.get_waiter("stream_exists").wait(StreamName="cb", WaiterConfig={"Delay": 0.1, "MaxAttempts": 50})
    status, put = call("PutRecord", {"StreamName": "cb", "PartitionKey": "k", "Data": b"\x00bin\xff"})
    assert status == 200 and len(put["SequenceNumber"]) == 56
    start = cbor2.CBORTag(1, int((time.time() - 60) * 1000))  # epoch millis in tag 1, as the Java SDK sends
    status, it = call("GetShardIterator", {"StreamName": "cb", "ShardId": "shardId-000000000000",
                                          "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": start})
    status, got = call("GetRecords", {"ShardIterator": it["ShardIterator"]})
    record = got["Records"][0]
    assert record["Data"] == b"\x00bin\xff"
    assert abs(record["ApproximateArrivalTimestamp"].timestamp() - time.time()) < 120
    status, err = call("DescribeStream", {"StreamName": "missing"})
    assert status == 400 and err["__type"] == "ResourceNotFoundException"
    status, err = kinesis_call(server, "ListStreams", b"\xff\x00", content_type="application/x-amz-cbor-1.1")[:2]
    assert status == 400


def test_http2_prior_knowledge_on_the_same_port(server, kinesis):
    import httpx

    kinesis.create_stream(StreamName="h2", ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName="h2", WaiterConfig={"Delay": 0.1, "MaxAttempts": 50})
    with httpx.Client(http1=False, http2=True, timeout=10) as c:
        def call(op, body):
            r = c.post(server.endpoint + "/", content=json.dumps(body).encode(),
                       headers={"X-Amz-Target": f"Kinesis_20131202.{op}", "Content-Type": "application/x-amz-json-1.1"})
            assert r.http_version == "HTTP/2"
            return r.status_code, r.json()
        # Several requests multiplexed on one connection.
        for i in range(5):
            status, put = call("PutRecord", {"StreamName": "h2", "PartitionKey": f"k{i}", "Data": "aDI="})
            assert status == 200
        status, err = call("DescribeStream", {"StreamName": "nope"})
        assert status == 400 and err["__type"] == "ResourceNotFoundException"
    # HTTP/1.1 clients keep working on the same port.
    assert kinesis_call(server, "ListStreams", {})[0] == 200


def test_throughput_limits_and_fault_injection(data_dir):
    s = EddyServer(data_dir, ["--throughput-limits"]).start()
    try:
        k = s.client()
        k.create_stream(StreamName="lim", ShardCount=1)
        wait_active(k, "lim")
        # 1,000 records/s per shard: a burst of 3 x 500 is partly refused, per record. The bucket
        # refills while the calls are made, so what must be refused depends on how long they took.
        burst_start = time.time()
        results = [k.put_records(StreamName="lim", Records=[{"PartitionKey": "p", "Data": b"x"}] * 500) for _ in range(3)]
        refill = (time.time() - burst_start) * 1000
        failed = sum(r["FailedRecordCount"] for r in results)
        assert 500 - refill - 5 <= failed <= 500
        codes = {rec.get("ErrorCode") for r in results for rec in r["Records"] if "ErrorCode" in rec}
        assert codes == {"ProvisionedThroughputExceededException"}
        it = k.get_shard_iterator(StreamName="lim", ShardId="shardId-000000000000", ShardIteratorType="LATEST")["ShardIterator"]
        throttled, ok, start = 0, 0, time.time()
        for _ in range(15):
            status, _, body = kinesis_call(s, "GetRecords", {"ShardIterator": it})
            if status == 200:
                ok += 1
                it = json.loads(body)["NextShardIterator"]
            else:
                assert json.loads(body)["__type"] == "ProvisionedThroughputExceededException"
                throttled += 1
        assert throttled >= 1 and ok <= 5 + (time.time() - start) * 5 + 1  # 5 reads/s per shard
    finally:
        s.stop()
    s2 = EddyServer(data_dir, ["--fault-error", "1", "--fault-operations", "PutRecord"]).start()
    try:
        k = s2.client()
        k.list_streams()
        status, _, body = kinesis_call(s2, "PutRecord", {"StreamName": "lim", "PartitionKey": "p", "Data": "eA=="})
        assert status == 500 and json.loads(body)["__type"] == "InternalFailureException"
    finally:
        s2.stop()

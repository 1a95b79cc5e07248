"""Kinesis where real programs meet AWS's recorded answers: CreateStream without a shard count, CBOR
timestamps as AWS encodes them, SubscribeToShard's own continuation numbers, quoted shard
iterators, and the formats and paging of the describe and list operations."""
import glob
import json
import os
import re
import shutil
import subprocess
import threading
import time

import cbor2
import pytest
from botocore.exceptions import ClientError

from conftest import aws_cbor_loads, wait_active
from test_process import kinesis_call

MAX_HASH_KEY = str(2 ** 128 - 1)


def cbor(server, op, obj):
    status, headers, body = kinesis_call(server, op, cbor2.dumps(obj), content_type="application/x-amz-cbor-1.1")
    assert headers.get("Content-Type") == "application/x-amz-cbor-1.1"
    return status, body


def raw_json(server, op, obj):
    status, _, body = kinesis_call(server, op, obj)
    return status, body.decode()


def test_create_stream_without_a_shard_count_is_on_demand_with_four_shards(server, kinesis):
    kinesis.create_stream(StreamName="no-count")
    wait_active(kinesis, "no-count")
    summary = kinesis.describe_stream_summary(StreamName="no-count")["StreamDescriptionSummary"]
    assert summary["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"} and summary["OpenShardCount"] == 4
    assert len(kinesis.list_shards(StreamName="no-count")["Shards"]) == 4
    # The Java SDK's CBOR request without a count does the same.
    status, _ = cbor(server, "CreateStream", {"StreamName": "no-count-cbor"})
    assert status == 200
    wait_active(kinesis, "no-count-cbor")
    assert kinesis.describe_stream_summary(StreamName="no-count-cbor")["StreamDescriptionSummary"]["OpenShardCount"] == 4
    # Asking for PROVISIONED still needs the count.
    with pytest.raises(ClientError) as e:
        kinesis.create_stream(StreamName="prov", StreamModeDetails={"StreamMode": "PROVISIONED"})
    assert e.value.response["Error"]["Code"] == "ValidationException"


def tagged_millis(body, member):
    """The bytes after a member name: tag 1 (0xc1) around a 64-bit integer (0x1b) of epoch millis."""
    name = member.encode()
    head = bytes([0x60 + len(name)]) if len(name) < 24 else bytes([0x78, len(name)])
    at = body.index(head + name) + len(head) + len(name)
    assert body[at:at + 2] == b"\xc1\x1b", (member, body[at:at + 10].hex())
    return int.from_bytes(body[at + 2:at + 10], "big")


def test_cbor_timestamps_are_tag_1_around_epoch_millis_in_every_answer(server, kinesis):
    kinesis.create_stream(StreamName="times", ShardCount=1)
    wait_active(kinesis, "times")
    arn = kinesis.describe_stream_summary(StreamName="times")["StreamDescriptionSummary"]["StreamARN"]
    kinesis.put_record(StreamName="times", PartitionKey="k", Data=b"x")
    consumer = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="c")["Consumer"]
    json_view = {
        "DescribeStream": kinesis.describe_stream(StreamName="times")["StreamDescription"]["StreamCreationTimestamp"],
        "DescribeStreamSummary": kinesis.describe_stream_summary(StreamName="times")["StreamDescriptionSummary"]["StreamCreationTimestamp"],
        "ListStreams": kinesis.list_streams()["StreamSummaries"][0]["StreamCreationTimestamp"],
        "DescribeStreamConsumer": kinesis.describe_stream_consumer(ConsumerARN=consumer["ConsumerARN"])["ConsumerDescription"]["ConsumerCreationTimestamp"],
    }
    answers = {
        "DescribeStream": ({"StreamName": "times"}, "StreamCreationTimestamp", lambda a: a["StreamDescription"]["StreamCreationTimestamp"]),
        "DescribeStreamSummary": ({"StreamName": "times"}, "StreamCreationTimestamp",
                                  lambda a: a["StreamDescriptionSummary"]["StreamCreationTimestamp"]),
        "ListStreams": ({}, "StreamCreationTimestamp", lambda a: a["StreamSummaries"][0]["StreamCreationTimestamp"]),
        "DescribeStreamConsumer": ({"ConsumerARN": consumer["ConsumerARN"]}, "ConsumerCreationTimestamp",
                                   lambda a: a["ConsumerDescription"]["ConsumerCreationTimestamp"]),
    }
    for op, (request, member, pick) in answers.items():
        status, body = cbor(server, op, request)
        assert status == 200, (op, body)
        millis = tagged_millis(body, member)
        # A generic decoder told AWS's convention reads the same instant as botocore reads from JSON.
        assert pick(aws_cbor_loads(body)) == json_view[op], op
        assert abs(millis / 1000 - json_view[op].timestamp()) < 0.001, op
    # ListShards takes a tag-1 timestamp in its filter, as the Java SDK sends one.
    status, body = cbor(server, "ListShards", {"StreamName": "times", "ShardFilter": {
        "Type": "FROM_TIMESTAMP", "Timestamp": cbor2.CBORTag(1, int(time.time() * 1000))}})
    assert status == 200 and [s["ShardId"] for s in aws_cbor_loads(body)["Shards"]] == ["shardId-000000000000"]
    # GetRecords: ApproximateArrivalTimestamp, to the millisecond of the JSON answer.
    iterator = kinesis.get_shard_iterator(StreamName="times", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    from_json = kinesis.get_records(ShardIterator=iterator)["Records"][0]["ApproximateArrivalTimestamp"]
    status, body = cbor(server, "GetRecords", {"ShardIterator": iterator})
    assert status == 200
    assert tagged_millis(body, "ApproximateArrivalTimestamp") == round(from_json.timestamp() * 1000)
    assert aws_cbor_loads(body)["Records"][0]["ApproximateArrivalTimestamp"] == from_json


def subscribe(kinesis, consumer, position, until):
    """The events of one subscription until `until(events)` says enough (or 15 s pass)."""
    sub = kinesis.subscribe_to_shard(ConsumerARN=consumer, ShardId="shardId-000000000000", StartingPosition=position)
    events, deadline = [], time.time() + 15
    try:
        for event in sub["EventStream"]:
            events.append(event["SubscribeToShardEvent"])
            if until(events) or time.time() > deadline:
                break
    finally:
        sub["EventStream"].close()
    return events


def registered(kinesis, arn, name):
    consumer = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName=name)["Consumer"]["ConsumerARN"]
    for _ in range(100):
        if kinesis.describe_stream_consumer(ConsumerARN=consumer)["ConsumerDescription"]["ConsumerStatus"] == "ACTIVE":
            return consumer
        time.sleep(0.05)
    raise AssertionError("consumer never became ACTIVE")


def test_subscribe_to_shard_continues_from_its_own_continuation_number(server, kinesis):
    kinesis.create_stream(StreamName="cont", ShardCount=1)
    wait_active(kinesis, "cont")
    arn = kinesis.describe_stream_summary(StreamName="cont")["StreamDescriptionSummary"]["StreamARN"]
    consumers = [registered(kinesis, arn, f"c{i}") for i in range(3)]
    first = [kinesis.put_record(StreamName="cont", PartitionKey="k", Data=f"a{i}".encode())["SequenceNumber"] for i in range(5)]
    events = subscribe(kinesis, consumers[0], {"Type": "TRIM_HORIZON"}, lambda e: sum(len(x["Records"]) for x in e) >= 5)
    records = [r for e in events for r in e["Records"]]
    assert [r["Data"] for r in records] == [f"a{i}".encode() for i in range(5)]
    continuation = events[-1]["ContinuationSequenceNumber"]
    # A position of its own, after the last record sent, not that record's number.
    assert continuation != first[-1] and int(continuation) > int(first[-1])
    assert re.fullmatch(r"0|[1-9]\d{0,128}", continuation)
    assert events[-1]["MillisBehindLatest"] == 0
    later = [kinesis.put_record(StreamName="cont", PartitionKey="k", Data=f"b{i}".encode())["SequenceNumber"] for i in range(3)]
    # Resuming after it or at it: the next three records, none skipped, none repeated.
    for consumer, kind in [(consumers[1], "AFTER_SEQUENCE_NUMBER"), (consumers[2], "AT_SEQUENCE_NUMBER")]:
        resumed = subscribe(kinesis, consumer, {"Type": kind, "SequenceNumber": continuation},
                            lambda e: sum(len(x["Records"]) for x in e) >= 3)
        assert [r["SequenceNumber"] for e in resumed for r in e["Records"]] == later, kind


def test_an_idle_subscriptions_heartbeat_continuation_resumes_exactly(server, kinesis):
    kinesis.create_stream(StreamName="idle", ShardCount=1)
    wait_active(kinesis, "idle")
    arn = kinesis.describe_stream_summary(StreamName="idle")["StreamDescriptionSummary"]["StreamARN"]
    a, b = registered(kinesis, arn, "a"), registered(kinesis, arn, "b")
    kinesis.put_record(StreamName="idle", PartitionKey="k", Data=b"seen")
    # Read the record, then wait for an empty heartbeat event.
    events = subscribe(kinesis, a, {"Type": "TRIM_HORIZON"}, lambda e: any(not x["Records"] for x in e))
    heartbeat = next(x for x in events if not x["Records"])
    assert heartbeat["MillisBehindLatest"] == 0
    nxt = kinesis.put_record(StreamName="idle", PartitionKey="k", Data=b"next")["SequenceNumber"]
    resumed = subscribe(kinesis, b, {"Type": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": heartbeat["ContinuationSequenceNumber"]},
                        lambda e: any(x["Records"] for x in e))
    assert [r["SequenceNumber"] for e in resumed for r in e["Records"]] == [nxt]


def test_get_records_takes_a_shard_iterator_in_double_quotes(server, kinesis):
    kinesis.create_stream(StreamName="quoted", ShardCount=1)
    wait_active(kinesis, "quoted")
    kinesis.put_record(StreamName="quoted", PartitionKey="k", Data=b"hello")
    iterator = kinesis.get_shard_iterator(StreamName="quoted", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    got = kinesis.get_records(ShardIterator='"' + iterator + '"')
    assert [r["Data"] for r in got["Records"]] == [b"hello"] and got["NextShardIterator"]
    # Only one pair of quotes around the whole: anything else is still not an iterator.
    for bad in ['"' + iterator, '""' + iterator + '""', "'" + iterator + "'"]:
        with pytest.raises(ClientError) as e:
            kinesis.get_records(ShardIterator=bad)
        assert e.value.response["Error"]["Code"] == "InvalidArgumentException"


ARN = r"arn:aws:kinesis:us-east-1:\d{12}:stream/"


def test_describe_and_list_formats_field_by_field(server, kinesis):
    kinesis.create_stream(StreamName="fmt", ShardCount=2)
    wait_active(kinesis, "fmt")
    status, text = raw_json(server, "DescribeStream", {"StreamName": "fmt"})
    assert status == 200
    # Timestamps are epoch seconds as plain decimals (AWS writes milliseconds as three places at most).
    assert re.search(r'"StreamCreationTimestamp":\d{10}(\.\d{1,3})?[,}]', text), text
    d = json.loads(text)["StreamDescription"]
    assert re.fullmatch(ARN + "fmt", d["StreamARN"])
    assert d["StreamStatus"] == "ACTIVE" and d["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    assert d["RetentionPeriodHours"] == 24 and d["EncryptionType"] == "NONE" and d["HasMoreShards"] is False
    assert d["EnhancedMonitoring"] == [{"ShardLevelMetrics": []}]
    first, second = d["Shards"]
    assert first["ShardId"] == "shardId-000000000000" and first["HashKeyRange"]["StartingHashKey"] == "0"
    assert second["HashKeyRange"]["EndingHashKey"] == MAX_HASH_KEY
    assert int(first["HashKeyRange"]["EndingHashKey"]) + 1 == int(second["HashKeyRange"]["StartingHashKey"])
    assert re.fullmatch(r"\d{56}", first["SequenceNumberRange"]["StartingSequenceNumber"])
    assert "EndingSequenceNumber" not in first["SequenceNumberRange"]

    status, text = raw_json(server, "DescribeStreamSummary", {"StreamName": "fmt"})
    s = json.loads(text)["StreamDescriptionSummary"]
    assert set(s) >= {"StreamName", "StreamARN", "StreamStatus", "StreamModeDetails", "RetentionPeriodHours", "StreamCreationTimestamp",
                      "EnhancedMonitoring", "EncryptionType", "OpenShardCount", "ConsumerCount"}
    assert s["OpenShardCount"] == 2 and s["ConsumerCount"] == 0 and "KeyId" not in s

    consumer = kinesis.register_stream_consumer(StreamARN=d["StreamARN"], ConsumerName="reader")["Consumer"]
    status, text = raw_json(server, "DescribeStreamConsumer", {"ConsumerARN": consumer["ConsumerARN"]})
    c = json.loads(text)["ConsumerDescription"]
    created = c["ConsumerCreationTimestamp"]
    assert c["ConsumerARN"] == f"{d['StreamARN']}/consumer/reader:{int(created)}"
    assert c["StreamARN"] == d["StreamARN"] and c["ConsumerStatus"] in ("CREATING", "ACTIVE")
    status, text = raw_json(server, "ListStreamConsumers", {"StreamARN": d["StreamARN"]})
    listed = json.loads(text)
    assert [x["ConsumerARN"] for x in listed["Consumers"]] == [c["ConsumerARN"]] and "NextToken" not in listed
    assert set(listed["Consumers"][0]) == {"ConsumerName", "ConsumerARN", "ConsumerStatus", "ConsumerCreationTimestamp"}


def test_list_streams_pages_as_aws_does(server, kinesis):
    names = [f"page-{i:03d}" for i in range(102)]
    threads = [threading.Thread(target=lambda n=n: kinesis.create_stream(StreamName=n, ShardCount=1)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # No Limit: 100 (the default), with more to come.
    status, text = raw_json(server, "ListStreams", {})
    page = json.loads(text)
    assert len(page["StreamNames"]) == 100 and page["HasMoreStreams"] is True and page["NextToken"]
    assert [x["StreamName"] for x in page["StreamSummaries"]] == page["StreamNames"] == names[:100]
    summary = page["StreamSummaries"][0]
    assert set(summary) == {"StreamName", "StreamARN", "StreamStatus", "StreamModeDetails", "StreamCreationTimestamp"}
    assert re.fullmatch(ARN + "page-000", summary["StreamARN"])
    # A Limit above 100 still gets at most 100.
    assert len(json.loads(raw_json(server, "ListStreams", {"Limit": 1000})[1])["StreamNames"]) == 100
    # NextToken goes on where the page ended; the last page says there is no more and has no token.
    rest = json.loads(raw_json(server, "ListStreams", {"NextToken": page["NextToken"]})[1])
    assert rest["StreamNames"] == names[100:] and rest["HasMoreStreams"] is False and "NextToken" not in rest
    # ExclusiveStartStreamName, the older way, agrees.
    small = kinesis.list_streams(Limit=2, ExclusiveStartStreamName="page-099")
    assert small["StreamNames"] == ["page-100", "page-101"] and small["HasMoreStreams"] is False
    # The paginator botocore ships walks every stream once.
    seen = [n for p in kinesis.get_paginator("list_streams").paginate(PaginationConfig={"PageSize": 30}) for n in p["StreamNames"]]
    assert seen == names
    with pytest.raises(ClientError) as e:
        kinesis.list_streams(NextToken="not-a-token")
    assert e.value.response["Error"]["Code"] == "InvalidArgumentException"


def sdk_jars():
    try:
        import amazon_kclpy
    except ImportError:
        return None
    jars = os.path.join(os.path.dirname(amazon_kclpy.__file__), "jars")
    return jars if glob.glob(os.path.join(jars, "kinesis-2.*.jar")) else None


@pytest.mark.skipif(shutil.which("javac") is None or sdk_jars() is None,
                    reason="the Java SDK check needs a JDK (javac) and the SDK jars of the kclpy-ext wheel")
def test_the_java_sdk_reads_every_cbor_timestamp_as_botocore_and_cbor2_do(server, kinesis, tmp_path):
    kinesis.create_stream(StreamName="java", ShardCount=1)
    wait_active(kinesis, "java")
    arn = kinesis.describe_stream_summary(StreamName="java")["StreamDescriptionSummary"]["StreamARN"]
    consumer = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="jc")["Consumer"]["ConsumerARN"]
    kinesis.put_record(StreamName="java", PartitionKey="k", Data=b"instant")
    jars = sdk_jars()
    source = os.path.join(os.path.dirname(__file__), "java", "CborInstants.java")
    subprocess.run(["javac", "-nowarn", "-cp", jars + "/*", "-d", str(tmp_path), source], check=True, capture_output=True)
    run = subprocess.run(["java", "-Dlogback.configurationFile=/dev/null", "-cp", f"{tmp_path}:{jars}/*", "CborInstants",
                          server.endpoint, "java", consumer], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr[-2000:]
    read = dict(line.split("=", 1) for line in run.stdout.splitlines() if "=" in line)
    millis = lambda t: round(t.timestamp() * 1000)  # noqa: E731
    iterator = kinesis.get_shard_iterator(StreamName="java", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    botocore = {
        "DescribeStream.StreamCreationTimestamp": kinesis.describe_stream(StreamName="java")["StreamDescription"]["StreamCreationTimestamp"],
        "DescribeStreamSummary.StreamCreationTimestamp":
            kinesis.describe_stream_summary(StreamName="java")["StreamDescriptionSummary"]["StreamCreationTimestamp"],
        "ListStreams.StreamCreationTimestamp":
            next(s for s in kinesis.list_streams()["StreamSummaries"] if s["StreamName"] == "java")["StreamCreationTimestamp"],
        "DescribeStreamConsumer.ConsumerCreationTimestamp":
            kinesis.describe_stream_consumer(ConsumerARN=consumer)["ConsumerDescription"]["ConsumerCreationTimestamp"],
        "ListStreamConsumers.ConsumerCreationTimestamp": kinesis.list_stream_consumers(StreamARN=arn)["Consumers"][0]["ConsumerCreationTimestamp"],
        "GetRecords.ApproximateArrivalTimestamp": kinesis.get_records(ShardIterator=iterator)["Records"][0]["ApproximateArrivalTimestamp"],
    }
    assert {k: int(v) for k, v in read.items()} == {k: millis(v) for k, v in botocore.items()}
    # cbor2, told that tag 1 holds milliseconds, reads the same instant from the same CBOR answer.
    status, body = cbor(server, "GetRecords", {"ShardIterator": iterator})
    assert millis(aws_cbor_loads(body)["Records"][0]["ApproximateArrivalTimestamp"]) == int(read["GetRecords.ApproximateArrivalTimestamp"])
    # The Java SDK's CreateStream without a count made an on-demand stream of four shards.
    wait_active(kinesis, "java-no-count")
    summary = kinesis.describe_stream_summary(StreamName="java-no-count")["StreamDescriptionSummary"]
    assert summary["StreamModeDetails"]["StreamMode"] == "ON_DEMAND" and summary["OpenShardCount"] == 4

"""Firehose with boto3: DirectPut and Kinesis-sourced delivery into the S3 stand-in, durably."""
import base64
import gzip
import time

import pytest
from botocore.exceptions import ClientError

from conftest import EddyServer, wait_active

ROLE = "arn:aws:iam::000000000000:role/firehose"


def destination(bucket, prefix, interval=1, size=1, gzip_on=True, **extra):
    d = {"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": prefix,
         "BufferingHints": {"SizeInMBs": size, "IntervalInSeconds": interval},
         "CompressionFormat": "GZIP" if gzip_on else "UNCOMPRESSED"}
    d.update(extra)
    return d


def wait_active_fh(fh, name):
    for _ in range(100):
        if fh.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]["DeliveryStreamStatus"] == "ACTIVE":
            return
        time.sleep(0.05)
    raise AssertionError("delivery stream never became ACTIVE")


def objects(s3, bucket, prefix, timeout=15, want=1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])]
        if len(keys) >= want:
            return keys
        time.sleep(0.2)
    return []


def test_direct_put_delivers_gzip_objects(server):
    fh, s3 = server.client("firehose"), server.client("s3")
    s3.create_bucket(Bucket="fh-bucket")
    arn = fh.create_delivery_stream(DeliveryStreamName="direct", DeliveryStreamType="DirectPut",
                                    ExtendedS3DestinationConfiguration=destination(
                                        "fh-bucket", "direct/", ProcessingConfiguration={"Enabled": True, "Processors": [
                                            {"Type": "AppendDelimiterToRecord", "Parameters": []}]}))["DeliveryStreamARN"]
    assert arn == "arn:aws:firehose:us-east-1:000000000000:deliverystream/direct"
    wait_active_fh(fh, "direct")
    d = fh.describe_delivery_stream(DeliveryStreamName="direct")["DeliveryStreamDescription"]
    dst = d["Destinations"][0]["ExtendedS3DestinationDescription"]
    assert dst["BufferingHints"] == {"SizeInMBs": 1, "IntervalInSeconds": 1} and dst["CompressionFormat"] == "GZIP"
    assert d["VersionId"] == "1" and d["DeliveryStreamType"] == "DirectPut"
    r = fh.put_record_batch(DeliveryStreamName="direct", Records=[{"Data": f"line-{i}".encode()} for i in range(3)])
    assert r["FailedPutCount"] == 0 and len({x["RecordId"] for x in r["RequestResponses"]}) == 3
    fh.put_record(DeliveryStreamName="direct", Record={"Data": b"line-3"})
    keys = objects(s3, "fh-bucket", "direct/")
    assert len(keys) == 1
    key = keys[0]
    # direct/yyyy/MM/dd/HH/direct-1-yyyy-MM-dd-HH-mm-ss-<uuid>.gz
    parts = key.split("/")
    assert len(parts) == 6 and parts[5].startswith("direct-1-") and key.endswith(".gz")
    body = s3.get_object(Bucket="fh-bucket", Key=key)["Body"].read()
    assert gzip.decompress(body) == b"line-0\nline-1\nline-2\nline-3\n"
    assert fh.list_delivery_streams()["DeliveryStreamNames"] == ["direct"]
    cw = server.client("cloudwatch")
    import datetime
    now = datetime.datetime.now(datetime.timezone.utc)

    def total(name):
        r = cw.get_metric_statistics(Namespace="AWS/Firehose", MetricName=name, Dimensions=[{"Name": "DeliveryStreamName", "Value": "direct"}],
                                     StartTime=now - datetime.timedelta(hours=1), EndTime=now + datetime.timedelta(minutes=5),
                                     Period=60, Statistics=["Sum"])
        return sum(p["Sum"] for p in r["Datapoints"])

    assert total("IncomingRecords") == 4 and total("IncomingPutRequests") == 2
    assert total("DeliveryToS3.Records") == 4 and total("DeliveryToS3.Success") == 1
    fh.tag_delivery_stream(DeliveryStreamName="direct", Tags=[{"Key": "team", "Value": "data"}])
    assert fh.list_tags_for_delivery_stream(DeliveryStreamName="direct")["Tags"] == [{"Key": "team", "Value": "data"}]
    fh.update_destination(DeliveryStreamName="direct", CurrentDeliveryStreamVersionId="1", DestinationId="destinationId-000000000001",
                          ExtendedS3DestinationUpdate={"Prefix": "moved/"})
    with pytest.raises(ClientError) as e:
        fh.update_destination(DeliveryStreamName="direct", CurrentDeliveryStreamVersionId="1", DestinationId="destinationId-000000000001",
                              ExtendedS3DestinationUpdate={"Prefix": "x/"})
    assert e.value.response["Error"]["Code"] == "ConcurrentModificationException"


def test_refusals(server, kinesis):
    fh = server.client("firehose")
    kinesis.create_stream(StreamName="src", ShardCount=1)
    wait_active(kinesis, "src")
    with pytest.raises(ClientError) as e:
        fh.create_delivery_stream(DeliveryStreamName="zip", ExtendedS3DestinationConfiguration=destination("b-x", "", CompressionFormat="ZIP"))
    assert e.value.response["Error"]["Code"] == "InvalidArgumentException"
    with pytest.raises(ClientError) as e:
        fh.create_delivery_stream(DeliveryStreamName="red", RedshiftDestinationConfiguration={
            "RoleARN": ROLE, "ClusterJDBCURL": "jdbc:redshift://cluster.redshift.amazonaws.com:5439/db", "CopyCommand": {"DataTableName": "t"},
            "Username": "user", "Password": "password1", "S3Configuration": {"RoleARN": ROLE, "BucketARN": "arn:aws:s3:::b-x"}})
    assert e.value.response["Error"]["Code"] == "InvalidArgumentException"
    fh.create_delivery_stream(DeliveryStreamName="from-kinesis", DeliveryStreamType="KinesisStreamAsSource",
                              KinesisStreamSourceConfiguration={"KinesisStreamARN": "arn:aws:kinesis:us-east-1:000000000000:stream/src",
                                                                "RoleARN": ROLE},
                              ExtendedS3DestinationConfiguration=destination("b-x", "k/"))
    wait_active_fh(fh, "from-kinesis")
    with pytest.raises(ClientError) as e:
        fh.put_record(DeliveryStreamName="from-kinesis", Record={"Data": b"x"})
    assert e.value.response["Error"]["Code"] == "InvalidArgumentException"
    with pytest.raises(ClientError) as e:
        fh.describe_delivery_stream(DeliveryStreamName="nope")
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_kinesis_source_and_two_delivery_streams(server, kinesis):
    fh, s3 = server.client("firehose"), server.client("s3")
    s3.create_bucket(Bucket="fan-bucket")
    kinesis.create_stream(StreamName="feed", ShardCount=2)
    wait_active(kinesis, "feed")
    kinesis.put_record(StreamName="feed", PartitionKey="before", Data=b"old")  # before the delivery streams: not delivered
    for name in ["one", "two"]:
        fh.create_delivery_stream(DeliveryStreamName=name, DeliveryStreamType="KinesisStreamAsSource",
                                  KinesisStreamSourceConfiguration={"KinesisStreamARN": "arn:aws:kinesis:us-east-1:000000000000:stream/feed",
                                                                    "RoleARN": ROLE},
                                  ExtendedS3DestinationConfiguration=destination("fan-bucket", f"{name}/", gzip_on=False))
        wait_active_fh(fh, name)
    kinesis.put_records(StreamName="feed", Records=[{"PartitionKey": f"k{i}", "Data": f"r{i};".encode()} for i in range(10)])
    for name in ["one", "two"]:
        keys = objects(s3, "fan-bucket", f"{name}/")
        assert keys and not keys[0].endswith(".gz")
        body = b"".join(s3.get_object(Bucket="fan-bucket", Key=k)["Body"].read() for k in keys)
        assert sorted(body.decode().rstrip(";").split(";")) == sorted(f"r{i}" for i in range(10))


def test_buffered_records_survive_kill9_and_are_delivered_once(data_dir):
    s = EddyServer(data_dir).start()
    fh, s3 = s.client("firehose"), s.client("s3")
    s3.create_bucket(Bucket="durable-fh")
    fh.create_delivery_stream(DeliveryStreamName="slow", ExtendedS3DestinationConfiguration=destination("durable-fh", "slow/", interval=3))
    wait_active_fh(fh, "slow")
    fh.put_record_batch(DeliveryStreamName="slow", Records=[{"Data": f"acked-{i}|".encode()} for i in range(50)])
    s.kill9()
    s2 = EddyServer(data_dir)
    s2.port = s.port
    s2.start()
    try:
        s3 = s2.client("s3")
        keys = objects(s3, "durable-fh", "slow/", timeout=20)
        assert len(keys) == 1
        time.sleep(4)  # nothing more arrives: delivered exactly once
        assert objects(s3, "durable-fh", "slow/", timeout=1) == keys
        body = gzip.decompress(s3.get_object(Bucket="durable-fh", Key=keys[0])["Body"].read())
        assert body == b"".join(f"acked-{i}|".encode() for i in range(50))
    finally:
        s2.stop()


def test_app_events_replayed_through_kinesis_firehose_s3(server, kinesis):
    """The Fixtures data set goes producer -> Kinesis -> Firehose -> gzip objects in S3, and comes
    back record for record."""
    import os
    path = os.path.join(os.path.dirname(__file__), "..", "..", "Fixtures", "events", "app-events.ndjson")
    lines = open(path, "rb").read().splitlines()
    fh, s3 = server.client("firehose"), server.client("s3")
    s3.create_bucket(Bucket="events-lake")
    kinesis.create_stream(StreamName="app-events", ShardCount=4)
    wait_active(kinesis, "app-events")
    fh.create_delivery_stream(
        DeliveryStreamName="events-to-s3", DeliveryStreamType="KinesisStreamAsSource",
        KinesisStreamSourceConfiguration={"KinesisStreamARN": "arn:aws:kinesis:us-east-1:000000000000:stream/app-events", "RoleARN": ROLE},
        ExtendedS3DestinationConfiguration=destination(
            "events-lake", "events/!{timestamp:yyyy}/!{timestamp:MM}/", interval=1, ErrorOutputPrefix="errors/",
            ProcessingConfiguration={"Enabled": True, "Processors": [{"Type": "AppendDelimiterToRecord", "Parameters": []}]}))
    wait_active_fh(fh, "events-to-s3")
    for i in range(0, len(lines), 250):
        chunk = lines[i:i + 250]
        r = kinesis.put_records(StreamName="app-events", Records=[
            {"PartitionKey": line.split(b'"customer_user_id":"')[1][:9].decode(), "Data": line} for line in chunk])
        assert r["FailedRecordCount"] == 0
    deadline = time.time() + 20
    delivered = []
    while time.time() < deadline:
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket="events-lake", Prefix="events/").get("Contents", [])]
        delivered = []
        for k in keys:
            delivered += gzip.decompress(s3.get_object(Bucket="events-lake", Key=k)["Body"].read()).splitlines()
        if len(delivered) >= len(lines):
            break
        time.sleep(0.5)
    assert sorted(delivered) == sorted(lines)
    month = time.strftime("events/%Y/%m/", time.gmtime())
    assert all(k.startswith(month + "events-to-s3-1-") and k.endswith(".gz") for k in keys)


def test_missing_bucket_is_retried_then_delivered(server):
    fh, s3 = server.client("firehose"), server.client("s3")
    fh.create_delivery_stream(DeliveryStreamName="later", ExtendedS3DestinationConfiguration=destination("late-bucket", "l/", interval=0))
    wait_active_fh(fh, "later")
    fh.put_record(DeliveryStreamName="later", Record={"Data": b"kept while the bucket is missing"})
    deadline = time.time() + 5
    failure = None
    while time.time() < deadline and not failure:
        failure = fh.describe_delivery_stream(DeliveryStreamName="later")["DeliveryStreamDescription"].get("FailureDescription")
        time.sleep(0.1)
    assert failure and "late-bucket" in failure["Details"]
    s3.create_bucket(Bucket="late-bucket")
    keys = objects(s3, "late-bucket", "l/", timeout=15)
    assert len(keys) == 1
    assert gzip.decompress(s3.get_object(Bucket="late-bucket", Key=keys[0])["Body"].read()) == b"kept while the bucket is missing"
    assert "FailureDescription" not in fh.describe_delivery_stream(DeliveryStreamName="later")["DeliveryStreamDescription"]


def test_dynamic_partitioning_and_deaggregation(server):
    import hashlib
    import json
    fh, s3 = server.client("firehose"), server.client("s3")
    s3.create_bucket(Bucket="parts")
    processors = [
        {"Type": "RecordDeAggregation", "Parameters": [{"ParameterName": "SubRecordType", "ParameterValue": "JSON"}]},
        {"Type": "MetadataExtraction", "Parameters": [
            {"ParameterName": "MetadataExtractionQuery", "ParameterValue": "{country:.geo.country, first:.tags[0]}"},
            {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"}]},
        {"Type": "AppendDelimiterToRecord", "Parameters": []},
    ]
    fh.create_delivery_stream(DeliveryStreamName="by-country", ExtendedS3DestinationConfiguration=destination(
        "parts", "c=!{partitionKeyFromQuery:country}/t=!{partitionKeyFromQuery:first}/", interval=1,
        ErrorOutputPrefix="err/!{firehose:error-output-type}/",
        DynamicPartitioningConfiguration={"Enabled": True}, ProcessingConfiguration={"Enabled": True, "Processors": processors}))
    wait_active_fh(fh, "by-country")
    events = [{"id": i, "geo": {"country": ["US", "DE"][i % 2]}, "tags": ["a" if i < 4 else "b"]} for i in range(6)]
    aggregated = "".join(json.dumps(e) for e in events[:3]).encode()  # three objects in one record
    fh.put_record_batch(DeliveryStreamName="by-country", Records=[{"Data": aggregated}] +
                        [{"Data": json.dumps(e).encode()} for e in events[3:]] + [{"Data": b"not json"}])
    keys = objects(s3, "parts", "", want=5, timeout=15)
    by_prefix = {}
    for k in keys:
        prefix = k.rsplit("/", 1)[0]
        lines = gzip.decompress(s3.get_object(Bucket="parts", Key=k)["Body"].read()).splitlines()
        by_prefix.setdefault(prefix, []).extend(lines)
    assert sorted(by_prefix) == ["c=DE/t=a", "c=DE/t=b", "c=US/t=a", "c=US/t=b", "err/partitioning-failed"]
    assert sorted(json.loads(l)["id"] for l in by_prefix["c=US/t=a"]) == [0, 2]
    # What cannot be partitioned is delivered as AWS's error documents, the record in rawData.
    [failed] = [json.loads(l) for l in by_prefix["err/partitioning-failed"]]
    assert base64.b64decode(failed["rawData"]) == b"not json"
    assert failed["errorCode"] == "DynamicPartitioning.MetadataExtractionFailed" and failed["attemptsMade"] == 1
    assert failed["arrivalTimestamp"] <= failed["attemptEndingTimestamp"]
    with pytest.raises(ClientError) as e:
        fh.create_delivery_stream(DeliveryStreamName="lambda", ExtendedS3DestinationConfiguration=destination(
            "parts", "!{partitionKeyFromLambda:x}/", ErrorOutputPrefix="e/", DynamicPartitioningConfiguration={"Enabled": True}))
    assert e.value.response["Error"]["Code"] == "InvalidArgumentException"

    # KPL aggregated records from a Kinesis source are split into their user records.
    def varint(n):
        out = b""
        while True:
            b = n & 0x7F
            n >>= 7
            out += bytes([b | (0x80 if n else 0)])
            if not n:
                return out

    def field(num, payload):
        return varint(num << 3 | 2) + varint(len(payload)) + payload

    body = field(1, b"pk") + b"".join(field(3, varint(1 << 3) + varint(0) + field(3, f"kpl-{i}".encode())) for i in range(3))
    aggregate = b"\xf3\x89\x9a\xc2" + body + hashlib.md5(body).digest()
    k = server.client()
    k.create_stream(StreamName="kpl", ShardCount=1)
    wait_active(k, "kpl")
    fh.create_delivery_stream(DeliveryStreamName="kpl-out", DeliveryStreamType="KinesisStreamAsSource",
                              KinesisStreamSourceConfiguration={"KinesisStreamARN": "arn:aws:kinesis:us-east-1:000000000000:stream/kpl", "RoleARN": ROLE},
                              ExtendedS3DestinationConfiguration=destination("parts", "kpl/", ProcessingConfiguration={"Enabled": True, "Processors": [
                                  {"Type": "RecordDeAggregation", "Parameters": [{"ParameterName": "SubRecordType", "ParameterValue": "KPL"}]},
                                  {"Type": "AppendDelimiterToRecord", "Parameters": []}]}))
    wait_active_fh(fh, "kpl-out")
    k.put_record(StreamName="kpl", PartitionKey="pk", Data=aggregate)
    keys = objects(s3, "parts", "kpl/")
    assert gzip.decompress(s3.get_object(Bucket="parts", Key=keys[0])["Body"].read()) == b"kpl-0\nkpl-1\nkpl-2\n"

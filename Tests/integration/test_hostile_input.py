"""Requests a hostile client sends: each gets AWS's error, and afterwards the server is alive and a
canary stream and bucket are intact. Every request here once crashed, hung or corrupted Eddy."""
import base64
import hashlib
import http.client
import json
import time
import urllib.parse

import pytest

from conftest import EddyServer, wait_active

ROLE = "arn:aws:iam::000000000000:role/firehose"


class Canary:
    """A stream with a record and a bucket with an object, checked after each attack."""

    def __init__(self, server):
        self.server = server
        self.kinesis = server.client()
        self.s3 = server.client("s3")
        self.kinesis.create_stream(StreamName="canary", ShardCount=1)
        wait_active(self.kinesis, "canary")
        self.sequence = self.kinesis.put_record(StreamName="canary", PartitionKey="c", Data=b"alive")["SequenceNumber"]
        self.s3.create_bucket(Bucket="canary")
        self.s3.put_object(Bucket="canary", Key="nulvictim", Body=b"original")

    def check(self):
        assert self.server.proc.poll() is None, "the server died"
        it = self.kinesis.get_shard_iterator(StreamName="canary", ShardId="shardId-000000000000",
                                            ShardIteratorType="AT_SEQUENCE_NUMBER", StartingSequenceNumber=self.sequence)
        records = self.kinesis.get_records(ShardIterator=it["ShardIterator"])["Records"]
        assert records and records[0]["Data"] == b"alive"
        assert self.s3.get_object(Bucket="canary", Key="nulvictim")["Body"].read() == b"original"


@pytest.fixture
def canary(server):
    return Canary(server)


def raw(server, method, path, body=b"", headers=None, timeout=30):
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, dict(r.getheaders()), data


def call(server, target, body, content_type="application/x-amz-json-1.1"):
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    status, headers, data = raw(server, "POST", "/", payload, {"X-Amz-Target": target, "Content-Type": content_type})
    return status, data


def error_type(data):
    return json.loads(data)["__type"]


def test_number_traps_answer_errors(server, canary):
    k = canary.kinesis
    shard = {"StreamName": "canary", "ShardId": "shardId-000000000000"}
    status, data = call(server, "Kinesis_20131202.GetShardIterator", {**shard, "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": 1e300})
    assert status == 400 and error_type(data) == "SerializationException"
    status, data = call(server, "Kinesis_20131202.ListShards", {"StreamName": "canary", "StreamCreationTimestamp": 1e300})
    assert status == 400 and error_type(data) == "SerializationException"
    status, data = call(server, "Kinesis_20131202.ListShards",
                        {"StreamName": "canary", "ShardFilter": {"Type": "AT_TIMESTAMP", "Timestamp": -1e300}})
    assert status == 400 and error_type(data) == "SerializationException"
    status, data = call(server, "Kinesis_20131202.IncreaseStreamRetentionPeriod",
                        {"StreamName": "canary", "RetentionPeriodHours": 1e19})
    assert status == 400 and error_type(data) in ("ValidationException", "InvalidArgumentException")
    arn = k.describe_stream_summary(StreamName="canary")["StreamDescriptionSummary"]["StreamARN"]
    consumer = k.register_stream_consumer(StreamARN=arn, ConsumerName="c")["Consumer"]["ConsumerARN"]
    time.sleep(0.2)
    status, data = call(server, "Kinesis_20131202.SubscribeToShard",
                        {"ConsumerARN": consumer, "ShardId": "shardId-000000000000",
                         "StartingPosition": {"Type": "AT_TIMESTAMP", "Timestamp": 1e300}})
    assert status == 400 and error_type(data) == "SerializationException"
    canary.check()


def test_cloudwatch_number_traps(server, canary):
    cw = "GraniteServiceVersion20100801."
    cj = "application/x-amz-json-1.0"
    bad_data = [
        [{"MetricName": "m", "Value": 1, "Timestamp": 1e16}],
        [{"MetricName": "m", "Values": [1, 2], "Counts": [1e300, 1]}],
        [{"MetricName": "m", "StatisticValues": {"SampleCount": 1e300, "Sum": 1, "Minimum": 1, "Maximum": 1}}],
        [{"MetricName": "m", "Value": "NaN"}],
        [{"MetricName": "m", "Value": 1.7e308}],
    ]
    for metric_data in bad_data:
        status, data = call(server, cw + "PutMetricData", {"Namespace": "Hostile", "MetricData": metric_data}, cj)
        assert status == 400 and error_type(data) in ("InvalidParameterValue", "SerializationException"), (metric_data, data)
    now = time.time()
    status, data = call(server, cw + "GetMetricStatistics",
                        {"Namespace": "N", "MetricName": "m", "StartTime": 1e300, "EndTime": now, "Period": 60, "Statistics": ["Sum"]}, cj)
    assert status == 400
    query = {"Id": "m", "MetricStat": {"Metric": {"Namespace": "N", "MetricName": "m"}, "Period": 60, "Stat": "Sum"}}
    for extra in ({"NextToken": "-1"}, {"MaxDatapoints": -1}, {"StartTime": -1e300}):
        body = {"MetricDataQueries": [query], "StartTime": now - 60, "EndTime": now, **extra}
        status, data = call(server, cw + "GetMetricData", body, cj)
        assert status == 400, (extra, data)
    # awsQuery: NaN in a timestamp.
    form = "Action=PutMetricData&Version=2010-08-01&Namespace=H&MetricData.member.1.MetricName=m&MetricData.member.1.Value=1" \
           "&MetricData.member.1.Timestamp=nan"
    status, _, data = raw(server, "POST", "/", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and b"InvalidParameterValue" in data
    # A good point sent with a bad one in another request is kept.
    cwc = server.client("cloudwatch")
    cwc.put_metric_data(Namespace="Kept", MetricData=[{"MetricName": "m", "Value": 5}])
    stats = cwc.get_metric_statistics(Namespace="Kept", MetricName="m", StartTime=now - 600, EndTime=now + 600, Period=60,
                                      Statistics=["Sum"])
    assert sum(p["Sum"] for p in stats["Datapoints"]) == 5
    canary.check()


def test_errors_quoting_control_characters_stay_parseable(server, canary):
    """Found by fuzzing: an error message quoting a NUL or another control character a client
    sent was written as `&#0;`, which no XML 1.0 parser reads, so the client saw no error code."""
    import xml.etree.ElementTree as ET
    form = "Action=PutMetricData&Version=2010-08-01&Namespace=H&MetricData.member.1.MetricName=m" \
           "&MetricData.member.1.Value=1&MetricData.member.1.Unit=Bits%00%01"
    status, _, data = raw(server, "POST", "/", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400
    error = ET.fromstring(data).find("{http://monitoring.amazonaws.com/doc/2010-08-01/}Error")
    assert error.find("{http://monitoring.amazonaws.com/doc/2010-08-01/}Code").text == "ValidationError"  # awsQuery's code
    assert "Bits\ufffd\ufffd" in error.find("{http://monitoring.amazonaws.com/doc/2010-08-01/}Message").text
    # S3 names the missing key in its error.
    status, _, data = raw(server, "GET", "/canary/k%00%01ey")
    assert status == 404
    error = ET.fromstring(data)
    assert error.find("Code").text == "NoSuchKey" and error.find("Key").text == "k\ufffd\ufffdey"
    canary.check()


def test_cbor_non_finite_numbers(server, canary):
    import cbor2
    body = cbor2.dumps({"StreamName": "canary", "ShardId": "shardId-000000000000", "ShardIteratorType": "AT_TIMESTAMP",
                        "Timestamp": cbor2.CBORTag(1, float("nan"))})
    status, data = call(server, "Kinesis_20131202.GetShardIterator", body, "application/x-amz-cbor-1.1")
    assert status == 400 and cbor2.loads(data)["__type"] == "SerializationException"
    body = cbor2.dumps({"StreamName": "canary", "Limit": float("inf")})
    status, data = call(server, "Kinesis_20131202.ListStreams", body, "application/x-amz-cbor-1.1")
    assert status in (200, 400)
    canary.check()


def test_s3_negative_counts_and_overflowing_dates(server, canary):
    s3 = canary.s3
    upload = s3.create_multipart_upload(Bucket="canary", Key="mp")["UploadId"]
    for path in ("/canary?uploads&max-uploads=-1", f"/canary/mp?uploadId={upload}&max-parts=-1",
                 f"/canary/mp?uploadId={upload}&part-number-marker=-5", "/canary?list-type=2&max-keys=-1",
                 "/canary?list-type=2&max-keys=99999999999999999999"):
        status, _, data = raw(server, "GET", path)
        assert status == 400 and b"<Code>InvalidArgument</Code>" in data, (path, data)
    status, _, _ = raw(server, "GET", "/canary/nulvictim", headers={"If-Modified-Since": "Thu, 01 Jan 1000000000000 00:00:00 GMT"})
    assert status == 200
    status, _, _ = raw(server, "GET", "/canary/nulvictim", headers={"Range": "bytes=99999999999999999999-"})
    assert status in (200, 206, 416)
    canary.check()


def test_keys_are_their_exact_bytes(server, canary):
    # A NUL in a key is part of the key: it neither overwrites nor serves the key before it.
    status, _, _ = raw(server, "PUT", "/canary/nulvictim%00tail", b"intruder")
    assert status == 200
    assert raw(server, "GET", "/canary/nulvictim%00tail")[2] == b"intruder"
    # XML cannot carry a NUL at all: S3 refuses the document.
    delete = b'<Delete><Object><Key>nulvictim&#0;x</Key></Object></Delete>'
    md5 = base64.b64encode(hashlib.md5(delete).digest()).decode()
    status, _, data = raw(server, "POST", "/canary?delete", delete, {"Content-MD5": md5, "Content-Type": "application/xml"})
    assert status == 400 and b"<Code>MalformedXML</Code>" in data
    canary.check()


def test_xml_floods_are_refused(server, canary):
    body = b"<Delete>" + b"<Object><Key>k</Key></Object>" * 60_000 + b"</Delete>"
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    status, _, data = raw(server, "POST", "/canary?delete", body, {"Content-MD5": md5})
    assert status == 400 and b"<Code>MalformedXML</Code>" in data
    canary.check()


def test_patterns_never_stall(server, canary):
    k = canary.kinesis
    start = time.time()
    arn = "arn:aws:kinesis:us-east-1:000000000000:" + ":stream/a/consumer/b" * 580
    status, data = call(server, "Kinesis_20131202.DescribeStreamConsumer", {"ConsumerARN": arn})
    assert status == 400 and error_type(data) == "ValidationException"
    fh = "Firehose_20150804.CreateDeliveryStream"
    redshift = {"RoleARN": ROLE, "ClusterJDBCURL": "jdbc:redshift://" + "a." * 20_000, "CopyCommand": {"DataTableName": "t"},
                "Username": "u", "Password": "p",
                "S3Configuration": {"RoleARN": ROLE, "BucketARN": "arn:aws:s3:::canary"}}
    status, data = call(server, fh, {"DeliveryStreamName": "r", "RedshiftDestinationConfiguration": redshift})
    assert status == 400
    snowflake = {"AccountUrl": "a.snowflakecomputing.com", "PrivateKey": "A" * 400_000, "User": "u", "Database": "d", "Schema": "s",
                 "Table": "t", "RoleARN": ROLE, "S3Configuration": {"RoleARN": ROLE, "BucketARN": "arn:aws:s3:::canary"}}
    status, data = call(server, fh, {"DeliveryStreamName": "s", "SnowflakeDestinationConfiguration": snowflake})
    assert status == 400
    assert time.time() - start < 10
    canary.check()


def kpl_poison_records():
    magic = b"\xf3\x89\x9a\xc2"

    def aggregate(body, digest=None):
        return magic + body + (digest if digest is not None else hashlib.md5(body).digest())

    yield aggregate(b"\x1a\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff")  # a varint that never ends
    yield aggregate(b"\x1a\xff\xff\xff\xff\xff\xff\xff\xff\x7f")  # a length of 2^63-1
    yield aggregate(b"\x1a\x04\x1a\x02hi", digest=b"\x00" * 16)  # an MD5 that does not match


def kpl_many_fields():
    """100k fixed64 fields: valid, no user record, and once one recursion per field."""
    body = b"\x09" + b"\x00" * 8
    body = body * 100_000
    return b"\xf3\x89\x9a\xc2" + body + hashlib.md5(body).digest()


def test_kpl_poison_records_go_to_the_error_prefix_and_survive_restart(data_dir):
    server = EddyServer(data_dir).start()
    try:
        canary = Canary(server)
        k, s3, fh = canary.kinesis, canary.s3, server.client("firehose")
        k.create_stream(StreamName="kpl", ShardCount=1)
        wait_active(k, "kpl")
        s3.create_bucket(Bucket="kpl-out")
        arn = "arn:aws:kinesis:us-east-1:000000000000:stream/kpl"
        fh.create_delivery_stream(
            DeliveryStreamName="poisoned", DeliveryStreamType="KinesisStreamAsSource",
            KinesisStreamSourceConfiguration={"KinesisStreamARN": arn, "RoleARN": ROLE},
            ExtendedS3DestinationConfiguration={
                "RoleARN": ROLE, "BucketARN": "arn:aws:s3:::kpl-out", "Prefix": "ok/", "ErrorOutputPrefix": "err/",
                "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 900}, "CompressionFormat": "UNCOMPRESSED",
                "ProcessingConfiguration": {"Enabled": True, "Processors": [
                    {"Type": "RecordDeAggregation", "Parameters": [{"ParameterName": "SubRecordType", "ParameterValue": "KPL"}]}]}})
        for poison in kpl_poison_records():
            k.put_record(StreamName="kpl", PartitionKey="p", Data=poison)
        k.put_record(StreamName="kpl", PartitionKey="p", Data=kpl_many_fields())
        k.put_record(StreamName="kpl", PartitionKey="p", Data=b"plain record")
        # Still buffered (a long interval) when the server dies; it comes back, and its shutdown
        # flushes the buffer: the poison must not crash delivery at either point.
        server.kill9()
        server = EddyServer(data_dir).start()
        assert server.stop() == 0
        server = EddyServer(data_dir).start()
        canary.server, canary.kinesis, canary.s3 = server, server.client(), server.client("s3")
        s3 = canary.s3
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket="kpl-out").get("Contents", [])]
        errors = [k for k in keys if k.startswith("err/")]
        oks = [k for k in keys if k.startswith("ok/")]
        assert oks and errors, keys
        assert b"plain record" in b"".join(s3.get_object(Bucket="kpl-out", Key=o)["Body"].read() for o in oks)
        documents = [json.loads(line) for e in errors for line in s3.get_object(Bucket="kpl-out", Key=e)["Body"].read().splitlines()]
        assert len(documents) == 3
        assert {d["errorCode"] for d in documents} == {"RecordDeAggregation.KPLAggregateMalformed"}
        assert all(base64.b64decode(d["rawData"]).startswith(b"\xf3\x89\x9a\xc2") for d in documents)
        canary.check()
    finally:
        server.stop()


def test_concurrent_completes_of_one_upload(server, canary):
    from concurrent.futures import ThreadPoolExecutor
    from botocore.exceptions import ClientError
    s3 = canary.s3
    for attempt in range(3):
        upload = s3.create_multipart_upload(Bucket="canary", Key=f"race-{attempt}")["UploadId"]
        etag = s3.upload_part(Bucket="canary", Key=f"race-{attempt}", UploadId=upload, PartNumber=1, Body=b"x" * (16 << 20))["ETag"]
        clients = [server.client("s3") for _ in range(4)]

        def complete(client):
            try:
                client.complete_multipart_upload(Bucket="canary", Key=f"race-{attempt}", UploadId=upload,
                                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
                return "ok"
            except ClientError as e:
                return e.response["Error"]["Code"]

        with ThreadPoolExecutor(4) as pool:
            outcomes = list(pool.map(complete, clients))
        # One completes; the others find the upload gone.
        assert outcomes.count("ok") == 1 and set(outcomes) == {"ok", "NoSuchUpload"}, outcomes
        assert s3.get_object(Bucket="canary", Key=f"race-{attempt}")["Body"].read() == b"x" * (16 << 20)
    canary.check()


def test_dynamodb_hostile_values(server, canary):
    ddb = "DynamoDB_20120810."
    dj = "application/x-amz-json-1.0"
    status, data = call(server, ddb + "CreateTable", {"TableName": "hostile", "BillingMode": "PAY_PER_REQUEST",
                                                      "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                                                      "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]}, dj)
    assert status == 200, data
    time.sleep(0.2)
    deep = {"S": "leaf"}
    for _ in range(45):
        deep = {"M": {"a": deep}}
    hostile = [
        ("PutItem", {"TableName": "hostile", "Item": {"pk": {"S": "a"}, "n": {"N": "1e99999999999999999999"}}}),
        ("PutItem", {"TableName": "hostile", "Item": {"pk": {"S": "a"}, "n": {"N": "9" * 5000}}}),
        ("PutItem", {"TableName": "hostile", "Item": {"pk": {"S": "a"}, "deep": deep}}),
        ("PutItem", {"TableName": "hostile", "Item": {"pk": {"S": "a"}, "b": {"B": "not base64!"}}}),
        ("PutItem", {"TableName": "hostile", "Item": {"pk": {"S": "a"}}, "ConditionExpression": "(" * 3000 + "a = b" + ")" * 3000}),
        ("PutItem", {"TableName": "hostile", "Item": {"pk": {"S": "a"}}, "ConditionExpression": " AND ".join(["a = b"] * 600)}),
        ("UpdateItem", {"TableName": "hostile", "Key": {"pk": {"S": "a"}}, "UpdateExpression": "SET a[999999999999] = :v",
                        "ExpressionAttributeValues": {":v": {"S": "x"}}}),
        ("UpdateItem", {"TableName": "hostile", "Key": {"pk": {"S": "a"}}, "UpdateExpression": "SET n = :a + :b",
                        "ExpressionAttributeValues": {":a": {"N": "9.9999999999999999999999999999999999999E125"}, ":b": {"N": "9E125"}}}),
        ("Query", {"TableName": "hostile", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}},
                   "ExclusiveStartKey": {"nope": {"S": "x"}}}),
        ("Scan", {"TableName": "hostile", "Segment": 999999, "TotalSegments": 2}),
        ("Scan", {"TableName": "hostile", "Limit": -1}),
        ("BatchGetItem", {"RequestItems": {"hostile": {"Keys": [{"pk": {"S": "a"}}] * 100}}}),
    ]
    for operation, body in hostile:
        status, data = call(server, ddb + operation, body, dj)
        assert status == 400, (operation, data[:300])
        assert json.loads(data)["__type"].startswith("com.amazonaws.dynamodb.v20120810#"), data[:200]
    # A nesting deeper than JSON allows is a serialization error, not a crash.
    status, data = call(server, ddb + "PutItem", b'{"TableName":"hostile","Item":{"pk":' + b'{"L":[' * 200 + b']}' * 200 + b'}}', dj)
    assert status == 400
    status, data = call(server, ddb + "GetItem", {"TableName": "hostile", "Key": {"pk": {"S": "a"}}}, dj)
    assert status == 200
    canary.check()

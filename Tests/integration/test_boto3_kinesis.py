"""boto3 against the real server: the operations of the Kinesis core."""
import base64
import datetime
import hashlib

import pytest
from botocore.exceptions import ClientError

from conftest import wait_active


def error_of(excinfo):
    e = excinfo.value.response
    return e["ResponseMetadata"]["HTTPStatusCode"], e["Error"]["Code"], e["Error"].get("Message", "")


def test_stream_lifecycle_and_description(kinesis):
    kinesis.create_stream(StreamName="s1", ShardCount=2)
    wait_active(kinesis, "s1")
    d = kinesis.describe_stream(StreamName="s1")["StreamDescription"]
    assert d["StreamStatus"] == "ACTIVE"
    assert [s["ShardId"] for s in d["Shards"]] == ["shardId-000000000000", "shardId-000000000001"]
    assert d["Shards"][1]["HashKeyRange"]["StartingHashKey"] == str(2**127)
    assert d["Shards"][1]["HashKeyRange"]["EndingHashKey"] == str(2**128 - 1)
    assert isinstance(d["StreamCreationTimestamp"], datetime.datetime)
    summary = kinesis.describe_stream_summary(StreamARN=d["StreamARN"])["StreamDescriptionSummary"]
    assert summary["OpenShardCount"] == 2 and summary["RetentionPeriodHours"] == 24
    page = kinesis.describe_stream(StreamName="s1", Limit=1)["StreamDescription"]
    assert page["HasMoreShards"] is True and len(page["Shards"]) == 1
    kinesis.delete_stream(StreamName="s1")
    kinesis.get_waiter("stream_not_exists").wait(StreamName="s1", WaiterConfig={"Delay": 0.1, "MaxAttempts": 50})
    with pytest.raises(ClientError) as e:
        kinesis.describe_stream(StreamName="s1")
    assert error_of(e) == (400, "ResourceNotFoundException", "Stream s1 under account 000000000000 not found.")


def test_regions_and_accounts_are_isolated(server):
    east, sydney = server.client(region="us-east-1"), server.client(region="ap-southeast-2")
    other_account = server.client(region="us-east-1", access_key="123456789012")
    east.create_stream(StreamName="e", ShardCount=1)
    sydney.create_stream(StreamName="syd", ShardCount=1)
    assert east.list_streams()["StreamNames"] == ["e"]
    assert sydney.list_streams()["StreamNames"] == ["syd"]
    assert other_account.list_streams()["StreamNames"] == []
    other_account.create_stream(StreamName="e", ShardCount=1)
    arn = other_account.describe_stream_summary(StreamName="e")["StreamDescriptionSummary"]["StreamARN"]
    assert arn == "arn:aws:kinesis:us-east-1:123456789012:stream/e"


def test_put_and_get_records_route_by_md5(kinesis):
    kinesis.create_stream(StreamName="s", ShardCount=4)
    wait_active(kinesis, "s")
    shards = kinesis.list_shards(StreamName="s")["Shards"]
    expected = {}
    for i in range(40):
        key = f"key-{i}"
        h = int(hashlib.md5(key.encode()).hexdigest(), 16)
        owner = next(s["ShardId"] for s in shards
                     if int(s["HashKeyRange"]["StartingHashKey"]) <= h <= int(s["HashKeyRange"]["EndingHashKey"]))
        r = kinesis.put_record(StreamName="s", PartitionKey=key, Data=f"payload-{i}".encode())
        assert r["ShardId"] == owner
        assert len(r["SequenceNumber"]) == 56
        expected.setdefault(owner, []).append((r["SequenceNumber"], f"payload-{i}".encode(), key))
    batch = kinesis.put_records(StreamName="s", Records=[
        {"PartitionKey": f"key-{i}", "Data": f"batch-{i}".encode()} for i in range(40)])
    assert batch["FailedRecordCount"] == 0 and len(batch["Records"]) == 40
    for i, r in enumerate(batch["Records"]):
        expected[r["ShardId"]].append((r["SequenceNumber"], f"batch-{i}".encode(), f"key-{i}"))
    for shard_id, records in expected.items():
        it = kinesis.get_shard_iterator(StreamName="s", ShardId=shard_id, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        got = kinesis.get_records(ShardIterator=it, Limit=10000)
        assert [(r["SequenceNumber"], r["Data"], r["PartitionKey"]) for r in got["Records"]] == records
        seqs = [int(r["SequenceNumber"]) for r in got["Records"]]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
        assert got["MillisBehindLatest"] == 0
        assert isinstance(got["Records"][0]["ApproximateArrivalTimestamp"], datetime.datetime)
        empty = kinesis.get_records(ShardIterator=got["NextShardIterator"])
        assert empty["Records"] == [] and empty["NextShardIterator"]


def test_iterator_types(kinesis):
    kinesis.create_stream(StreamName="s", ShardCount=1)
    wait_active(kinesis, "s")
    seqs = [kinesis.put_record(StreamName="s", PartitionKey="k", Data=bytes([i]))["SequenceNumber"] for i in range(5)]

    def first(**kw):
        it = kinesis.get_shard_iterator(StreamName="s", ShardId="shardId-000000000000", **kw)["ShardIterator"]
        rs = kinesis.get_records(ShardIterator=it)["Records"]
        return rs[0]["SequenceNumber"] if rs else None

    assert first(ShardIteratorType="TRIM_HORIZON") == seqs[0]
    assert first(ShardIteratorType="AT_SEQUENCE_NUMBER", StartingSequenceNumber=seqs[2]) == seqs[2]
    assert first(ShardIteratorType="AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=seqs[2]) == seqs[3]
    assert first(ShardIteratorType="LATEST") is None
    assert first(ShardIteratorType="AT_TIMESTAMP", Timestamp=datetime.datetime(2000, 1, 1)) == seqs[0]
    with pytest.raises(ClientError) as e:
        first(ShardIteratorType="AT_SEQUENCE_NUMBER")
    assert error_of(e)[1] == "InvalidArgumentException"


def test_validation_errors_match_aws(kinesis):
    with pytest.raises(ClientError) as e:
        kinesis.create_stream(StreamName="bad name!", ShardCount=1)
    assert error_of(e) == (400, "ValidationException",
                           "1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: "
                           "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
    kinesis.create_stream(StreamName="s", ShardCount=1)
    wait_active(kinesis, "s")
    with pytest.raises(ClientError) as e:
        kinesis.put_record(StreamName="s", PartitionKey="k", Data=b"x" * (1024 * 1024 + 1))
    assert error_of(e)[1] == "ValidationException"
    with pytest.raises(ClientError) as e:
        kinesis.get_shard_iterator(StreamName="s", ShardId="shardId-000000000009", ShardIteratorType="LATEST")
    assert error_of(e) == (400, "ResourceNotFoundException",
                           "Shard shardId-000000000009 in stream s under account 000000000000 does not exist")
    with pytest.raises(ClientError) as e:
        kinesis.get_records(ShardIterator="AAAA")
    assert error_of(e) == (400, "InvalidArgumentException", "Invalid ShardIterator.")


def test_tags_retention_limits_and_list_shards(kinesis):
    kinesis.create_stream(StreamName="s", ShardCount=3, Tags={"team": "data"})
    wait_active(kinesis, "s")
    kinesis.add_tags_to_stream(StreamName="s", Tags={"dept": "fin"})
    tags = {t["Key"]: t["Value"] for t in kinesis.list_tags_for_stream(StreamName="s")["Tags"]}
    assert tags == {"team": "data", "dept": "fin"}
    kinesis.remove_tags_from_stream(StreamName="s", TagKeys=["team"])
    arn = kinesis.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]["StreamARN"]
    kinesis.tag_resource(ResourceARN=arn, Tags={"x": "y"})
    kinesis.untag_resource(ResourceARN=arn, TagKeys=["dept"])
    assert kinesis.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "x", "Value": "y"}]
    kinesis.increase_stream_retention_period(StreamName="s", RetentionPeriodHours=72)
    kinesis.decrease_stream_retention_period(StreamName="s", RetentionPeriodHours=48)
    assert kinesis.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]["RetentionPeriodHours"] == 48
    limits = kinesis.describe_limits()
    assert limits["ShardLimit"] == 500 and limits["OpenShardCount"] == 3
    first = kinesis.list_shards(StreamName="s", MaxResults=2)
    assert len(first["Shards"]) == 2 and first["NextToken"]
    rest = kinesis.list_shards(NextToken=first["NextToken"])
    assert [s["ShardId"] for s in rest["Shards"]] == ["shardId-000000000002"]
    after = kinesis.list_shards(StreamName="s", ShardFilter={"Type": "AFTER_SHARD_ID", "ShardId": "shardId-000000000000"})
    assert len(after["Shards"]) == 2
    paginated = [n for p in kinesis.get_paginator("list_streams").paginate(PaginationConfig={"PageSize": 1}) for n in p["StreamNames"]]
    assert paginated == ["s"]


def test_on_demand_and_shard_limit(server):
    k = server.client()
    k.create_stream(StreamName="od", StreamModeDetails={"StreamMode": "ON_DEMAND"})
    wait_active(k, "od")
    assert len(k.list_shards(StreamName="od")["Shards"]) == 4
    with pytest.raises(ClientError) as e:
        k.create_stream(StreamName="huge", ShardCount=100000)
    assert error_of(e)[1] in ("ValidationException", "LimitExceededException")
    with pytest.raises(ClientError) as e:
        k.create_stream(StreamName="big", ShardCount=497)
    assert error_of(e)[1] == "LimitExceededException"


def test_split_and_merge_follow_lineage(kinesis):
    kinesis.create_stream(StreamName="r", ShardCount=1)
    wait_active(kinesis, "r")
    first = kinesis.put_record(StreamName="r", PartitionKey="same-key", Data=b"before")
    kinesis.split_shard(StreamName="r", ShardToSplit="shardId-000000000000", NewStartingHashKey=str(2**127))
    wait_active(kinesis, "r")
    second = kinesis.put_record(StreamName="r", PartitionKey="same-key", Data=b"after")
    assert second["ShardId"] != first["ShardId"]
    it = kinesis.get_shard_iterator(StreamName="r", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    parent = kinesis.get_records(ShardIterator=it)
    assert [r["Data"] for r in parent["Records"]] == [b"before"]
    assert parent.get("NextShardIterator") is None
    child_ids = {c["ShardId"] for c in parent["ChildShards"]}
    assert second["ShardId"] in child_ids
    it = kinesis.get_shard_iterator(StreamName="r", ShardId=second["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    assert [r["Data"] for r in kinesis.get_records(ShardIterator=it)["Records"]] == [b"after"]
    shards = kinesis.list_shards(StreamName="r")["Shards"]
    closed = [s for s in shards if "EndingSequenceNumber" in s["SequenceNumberRange"]]
    assert [s["ShardId"] for s in closed] == ["shardId-000000000000"]
    assert int(closed[0]["SequenceNumberRange"]["EndingSequenceNumber"]) > int(first["SequenceNumber"])
    kinesis.merge_shards(StreamName="r", ShardToMerge="shardId-000000000001", AdjacentShardToMerge="shardId-000000000002")
    wait_active(kinesis, "r")
    open_shards = kinesis.list_shards(StreamName="r", ShardFilter={"Type": "AT_LATEST"})["Shards"]
    assert [s["ShardId"] for s in open_shards] == ["shardId-000000000003"]
    assert kinesis.describe_stream_summary(StreamName="r")["StreamDescriptionSummary"]["OpenShardCount"] == 1

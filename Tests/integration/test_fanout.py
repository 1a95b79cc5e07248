"""Enhanced fan-out with boto3: consumers and SubscribeToShard event streams."""
import threading
import time

import pytest
from botocore.exceptions import ClientError

from conftest import wait_active


def register(k, stream_arn, name):
    consumer = k.register_stream_consumer(StreamARN=stream_arn, ConsumerName=name)["Consumer"]
    assert consumer["ConsumerStatus"] == "CREATING"
    assert consumer["ConsumerARN"].startswith(stream_arn + "/consumer/" + name + ":")
    for _ in range(100):
        if k.describe_stream_consumer(ConsumerARN=consumer["ConsumerARN"])["ConsumerDescription"]["ConsumerStatus"] == "ACTIVE":
            return consumer["ConsumerARN"]
        time.sleep(0.05)
    raise AssertionError("consumer never became ACTIVE")


def test_consumers_lifecycle(kinesis):
    kinesis.create_stream(StreamName="fan", ShardCount=1)
    wait_active(kinesis, "fan")
    arn = kinesis.describe_stream_summary(StreamName="fan")["StreamDescriptionSummary"]["StreamARN"]
    c1 = register(kinesis, arn, "c1")
    register(kinesis, arn, "c2")
    with pytest.raises(ClientError) as e:
        kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="c1")
    assert e.value.response["Error"]["Code"] == "ResourceInUseException"
    names = [c["ConsumerName"] for c in kinesis.list_stream_consumers(StreamARN=arn)["Consumers"]]
    assert names == ["c1", "c2"]
    by_name = kinesis.describe_stream_consumer(StreamARN=arn, ConsumerName="c1")["ConsumerDescription"]
    assert by_name["ConsumerARN"] == c1 and by_name["StreamARN"] == arn
    with pytest.raises(ClientError) as e:
        kinesis.delete_stream(StreamName="fan")
    assert e.value.response["Error"]["Code"] == "ResourceInUseException"
    kinesis.deregister_stream_consumer(ConsumerARN=c1)
    time.sleep(0.2)
    assert [c["ConsumerName"] for c in kinesis.list_stream_consumers(StreamARN=arn)["Consumers"]] == ["c2"]
    kinesis.delete_stream(StreamName="fan", EnforceConsumerDeletion=True)


def test_subscribe_to_shard_pushes_records(kinesis, server):
    kinesis.create_stream(StreamName="push", ShardCount=1)
    wait_active(kinesis, "push")
    arn = kinesis.describe_stream_summary(StreamName="push")["StreamDescriptionSummary"]["StreamARN"]
    consumer = register(kinesis, arn, "pusher")
    before = [kinesis.put_record(StreamName="push", PartitionKey="k", Data=f"old-{i}".encode())["SequenceNumber"] for i in range(3)]
    sub = kinesis.subscribe_to_shard(ConsumerARN=consumer, ShardId="shardId-000000000000",
                                     StartingPosition={"Type": "TRIM_HORIZON"})
    events = sub["EventStream"]
    received, latencies, continuation = [], [], None
    sent_at = {}

    def producer():
        producer_client = server.client()
        time.sleep(0.3)
        for i in range(20):
            sent_at[f"new-{i}".encode()] = time.time()
            producer_client.put_record(StreamName="push", PartitionKey="k", Data=f"new-{i}".encode())
            time.sleep(0.02)

    t = threading.Thread(target=producer)
    t.start()
    deadline = time.time() + 20
    for event in events:
        e = event["SubscribeToShardEvent"]
        continuation = e["ContinuationSequenceNumber"]
        for r in e["Records"]:
            received.append(r["Data"])
            if r["Data"] in sent_at:
                latencies.append(time.time() - sent_at[r["Data"]])
        if len(received) >= 23 or time.time() > deadline:
            break
    events.close()
    t.join()
    assert received == [f"old-{i}".encode() for i in range(3)] + [f"new-{i}".encode() for i in range(20)]
    assert int(continuation) >= int(before[-1])
    # Pushed, not polled: each record arrives well within the heartbeat interval.
    assert max(latencies) < 1.0, latencies

    # A subscription can continue after the last record it saw.
    sub2 = kinesis.subscribe_to_shard(ConsumerARN=consumer, ShardId="shardId-000000000000",
                                      StartingPosition={"Type": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": before[0]})
    first = next(iter(sub2["EventStream"]))["SubscribeToShardEvent"]
    assert first["Records"][0]["Data"] == b"old-1"
    # While it is open, a second subscription on the same consumer and shard is refused.
    with pytest.raises(ClientError) as e:
        kinesis.subscribe_to_shard(ConsumerARN=consumer, ShardId="shardId-000000000000", StartingPosition={"Type": "LATEST"})
    assert e.value.response["Error"]["Code"] == "ResourceInUseException"
    sub2["EventStream"].close()
    with pytest.raises(ClientError) as e:
        kinesis.subscribe_to_shard(ConsumerARN=consumer.replace("/consumer/pusher:", "/consumer/nobody:"),
                                   ShardId="shardId-000000000000", StartingPosition={"Type": "LATEST"})
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_the_end_of_a_closed_shard_names_its_children(kinesis, server):
    kinesis.create_stream(StreamName="ends", ShardCount=1)
    wait_active(kinesis, "ends")
    arn = kinesis.describe_stream_summary(StreamName="ends")["StreamDescriptionSummary"]["StreamARN"]
    consumer = register(kinesis, arn, "ender")
    last = kinesis.put_record(StreamName="ends", PartitionKey="k", Data=b"before the split")["SequenceNumber"]
    kinesis.split_shard(StreamName="ends", ShardToSplit="shardId-000000000000", NewStartingHashKey=str(2 ** 127))
    wait_active(kinesis, "ends")

    def final_event(position):
        sub = kinesis.subscribe_to_shard(ConsumerARN=consumer, ShardId="shardId-000000000000", StartingPosition=position)
        try:
            for event in sub["EventStream"]:
                e = event["SubscribeToShardEvent"]
                if e.get("ChildShards"):
                    return e
        finally:
            sub["EventStream"].close()

    end = final_event({"Type": "TRIM_HORIZON"})
    # As AWS sends it (and as KCL requires): the children, and no continuation.
    assert "ContinuationSequenceNumber" not in end
    assert sorted(c["ShardId"] for c in end["ChildShards"]) == ["shardId-000000000001", "shardId-000000000002"]
    # Subscribing again after the last record gets the same final event.
    time.sleep(0.1)
    again = final_event({"Type": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": last})
    assert again["Records"] == [] and "ContinuationSequenceNumber" not in again and len(again["ChildShards"]) == 2

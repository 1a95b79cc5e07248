"""DynamoDB with boto3 (client and resource) and the aws-cli: tables, items, AWS's errors, and
items surviving kill -9."""
import decimal
import json
import os
import subprocess
import time

import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import EDDY_BIN, EddyServer


def error(call, **kwargs):
    with pytest.raises(ClientError) as e:
        call(**kwargs)
    return e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]


def create(ddb, name, key="pk", key_type="S", range_key=None, **extra):
    schema = [{"AttributeName": key, "KeyType": "HASH"}]
    definitions = [{"AttributeName": key, "AttributeType": key_type}]
    if range_key:
        schema.append({"AttributeName": range_key[0], "KeyType": "RANGE"})
        definitions.append({"AttributeName": range_key[0], "AttributeType": range_key[1]})
    ddb.create_table(TableName=name, KeySchema=schema, AttributeDefinitions=definitions,
                     **({"BillingMode": "PAY_PER_REQUEST"} | extra))
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.1})


def test_tables_lifecycle(server):
    ddb = server.client("dynamodb")
    assert error(ddb.describe_table, TableName="leases") == \
        ("ResourceNotFoundException", "Requested resource not found: Table: leases not found")
    created = ddb.create_table(TableName="leases", KeySchema=[{"AttributeName": "leaseKey", "KeyType": "HASH"}],
                               AttributeDefinitions=[{"AttributeName": "leaseKey", "AttributeType": "S"}],
                               BillingMode="PAY_PER_REQUEST", DeletionProtectionEnabled=True)["TableDescription"]
    assert created["TableStatus"] == "CREATING" and created["TableArn"].endswith(":table/leases")
    ddb.get_waiter("table_exists").wait(TableName="leases", WaiterConfig={"Delay": 0.1})
    table = ddb.describe_table(TableName="leases")["Table"]
    assert table["TableStatus"] == "ACTIVE" and table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["DeletionProtectionEnabled"] is True and table["ItemCount"] == 0
    assert error(ddb.create_table, TableName="leases", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                 AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST") == \
        ("ResourceInUseException", "Table already exists: leases")
    code, message = error(ddb.delete_table, TableName="leases")
    assert code == "ValidationException" and "protected against deletion" in message

    create(ddb, "orders", range_key=("at", "N"), ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 2},
           BillingMode="PROVISIONED")
    described = ddb.describe_table(TableName="orders")["Table"]
    assert described["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    assert [k["KeyType"] for k in described["KeySchema"]] == ["HASH", "RANGE"]
    assert ddb.list_tables()["TableNames"] == ["leases", "orders"]
    page = ddb.list_tables(Limit=1)
    assert page["TableNames"] == ["leases"] and page["LastEvaluatedTableName"] == "leases"
    assert ddb.list_tables(ExclusiveStartTableName="leases")["TableNames"] == ["orders"]
    assert ddb.delete_table(TableName="orders")["TableDescription"]["TableStatus"] == "DELETING"
    assert ddb.list_tables()["TableNames"] == ["leases"]
    # Another region sees none of them.
    assert server.client("dynamodb", region="eu-west-1").list_tables()["TableNames"] == []


def test_a_new_table_is_active_for_the_next_request_unless_asked_to_wait(data_dir):
    schema = dict(KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                  BillingMode="PAY_PER_REQUEST")
    s = EddyServer(data_dir).start()
    try:
        ddb = s.client("dynamodb")
        assert ddb.create_table(TableName="now", **schema)["TableDescription"]["TableStatus"] == "CREATING"
        # The waiter's first look finds it ACTIVE: with its own 20 s delay it would take 20 s.
        started = time.time()
        ddb.get_waiter("table_exists").wait(TableName="now")
        assert time.time() - started < 10 and ddb.describe_table(TableName="now")["Table"]["TableStatus"] == "ACTIVE"
        ddb.put_item(TableName="now", Item={"pk": {"S": "a"}})
    finally:
        s.stop()
    s = EddyServer(data_dir, ["--create-table-ms", "3000"]).start()
    try:
        ddb = s.client("dynamodb")
        ddb.create_table(TableName="later", **schema)
        assert ddb.describe_table(TableName="later")["Table"]["TableStatus"] == "CREATING"
        assert error(ddb.put_item, TableName="later", Item={"pk": {"S": "a"}})[0] == "ResourceNotFoundException"
    finally:
        s.stop()
    refused = subprocess.run([EDDY_BIN, "serve", "--create-table-ms=-1", "--data-dir", data_dir], capture_output=True, timeout=20)
    assert refused.returncode != 0 and b"--create-table-ms must be between 0 and 3600000" in refused.stderr


def test_create_table_is_checked_as_aws_checks_it(server):
    ddb = server.client("dynamodb")
    code, message = error(ddb.create_table, TableName="t", KeySchema=[{"AttributeName": "a", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "a", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    assert code == "ValidationException" and message.startswith("Invalid table/index name.")
    arn = "arn:aws:dynamodb:us-east-1:000000000000:table/by-arn"
    create(ddb, arn)
    assert ddb.describe_table(TableName=arn)["Table"]["TableName"] == "by-arn"
    assert error(ddb.describe_table, TableName="arn:aws:dynamodb:eu-west-1:000000000000:table/by-arn")[0] == "ResourceNotFoundException"
    assert error(ddb.create_table, TableName="tbl", KeySchema=[{"AttributeName": "a", "KeyType": "HASH"}],
                 AttributeDefinitions=[{"AttributeName": "b", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")[1] == \
        "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. " \
        "Keys: [a], AttributeDefinitions: [b]"
    assert "must both be specified when BillingMode is PROVISIONED" in \
        error(ddb.create_table, TableName="tbl", KeySchema=[{"AttributeName": "a", "KeyType": "HASH"}],
              AttributeDefinitions=[{"AttributeName": "a", "AttributeType": "S"}])[1]
    assert error(ddb.create_table, TableName="tbl", KeySchema=[{"AttributeName": "a", "KeyType": "RANGE"}],
                 AttributeDefinitions=[{"AttributeName": "a", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")[1] == \
        "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"
    code, message = error(ddb.create_table, TableName="tbl", KeySchema=[{"AttributeName": "a", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "a", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
                          StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    assert code == "ValidationException" and "Eddy does not support DynamoDB Streams" in message


def test_items_with_the_resource_api(server):
    ddb = server.client("dynamodb")
    create(ddb, "customers")
    resource = boto3.resource("dynamodb", endpoint_url=server.endpoint, region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test")
    table = resource.Table("customers")
    item = {"pk": "c-1", "name": "Ada", "score": decimal.Decimal("1.50"), "tags": {"a", "b"}, "flag": True,
            "nested": {"l": [1, 2, {"x": None}], "big": decimal.Decimal("12345678901234567890123456789012345678")},
            "bin": b"\x00\x01", "ns": {decimal.Decimal("1"), decimal.Decimal("2.5")}}
    table.put_item(Item=item)
    got = table.get_item(Key={"pk": "c-1"})["Item"]
    assert got == item | {"score": decimal.Decimal("1.5")}
    assert "Item" not in table.get_item(Key={"pk": "missing"})
    # The seed's enrichment lookup.
    customer = table.get_item(Key={"pk": "c-1"}).get("Item", {})
    assert customer["name"] == "Ada"
    assert table.get_item(Key={"pk": "c-1"}, AttributesToGet=["name"])["Item"] == {"name": "Ada"}
    old = table.put_item(Item={"pk": "c-1", "name": "Grace"}, ReturnValues="ALL_OLD")["Attributes"]
    assert old["name"] == "Ada"
    assert table.delete_item(Key={"pk": "c-1"}, ReturnValues="ALL_OLD")["Attributes"] == {"pk": "c-1", "name": "Grace"}
    assert "Item" not in table.get_item(Key={"pk": "c-1"})
    assert ddb.describe_table(TableName="customers")["Table"]["ItemCount"] == 0


def test_item_errors(server):
    ddb = server.client("dynamodb")
    create(ddb, "events", range_key=("at", "N"))
    put = lambda item: error(ddb.put_item, TableName="events", Item=item)
    ok = {"pk": {"S": "a"}, "at": {"N": "1"}}
    assert put({"pk": {"S": "a"}}) == ("ValidationException", "One or more parameter values were invalid: Missing the key at in the item")
    assert put({"pk": {"N": "1"}, "at": {"N": "1"}}) == \
        ("ValidationException", "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N")
    assert put(ok | {"n": {"N": "1E126"}})[1] == "Number overflow. Attempting to store a number with magnitude larger than supported range"
    assert put(ok | {"n": {"N": "1" * 39}})[1] == "Attempting to store more than 38 significant digits in a Number"
    assert put(ok | {"x": {}})[1] == "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
    assert put(ok | {"x": {"S": "a", "N": "1"}})[1].startswith("Supplied AttributeValue has more than one datatypes set")
    assert put(ok | {"big": {"B": b"x" * (400 * 1024)}}) == ("ValidationException", "Item size has exceeded the maximum allowed size")
    deep = {"S": "leaf"}
    for _ in range(32):
        deep = {"L": [deep]}
    assert put(ok | {"deep": deep})[1] == "Nesting Levels have exceeded supported limits"
    assert error(ddb.get_item, TableName="events", Key={"pk": {"S": "a"}}) == \
        ("ValidationException", "The provided key element does not match the schema")
    assert error(ddb.get_item, TableName="nope", Key={"pk": {"S": "a"}}) == ("ResourceNotFoundException", "Requested resource not found")
    # Not there yet: refused by name, never ignored.
    assert error(ddb.execute_statement, Statement="SELECT * FROM events")[0] == "NotImplemented"
    # A number key is one number however it is written.
    ddb.put_item(TableName="events", Item={"pk": {"S": "a"}, "at": {"N": "1.50"}, "v": {"S": "first"}})
    assert ddb.get_item(TableName="events", Key={"pk": {"S": "a"}, "at": {"N": "15e-1"}})["Item"]["v"] == {"S": "first"}
    capacity = ddb.get_item(TableName="events", Key={"pk": {"S": "a"}, "at": {"N": "1.5"}}, ReturnConsumedCapacity="TOTAL",
                            ConsistentRead=True)["ConsumedCapacity"]
    assert capacity == {"TableName": "events", "CapacityUnits": 1.0, "ReadCapacityUnits": 1.0}


def test_items_survive_kill_9_and_the_aws_cli_reads_them(data_dir):
    server = EddyServer(data_dir).start()
    ddb = server.client("dynamodb")
    create(ddb, "kvs")
    for i in range(200):
        ddb.put_item(TableName="kvs", Item={"pk": {"S": f"k{i}"}, "v": {"N": str(i)}})
    server.kill9()
    server = EddyServer(data_dir).start()
    try:
        ddb = server.client("dynamodb")
        assert ddb.describe_table(TableName="kvs")["Table"]["ItemCount"] == 200
        env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1")
        out = subprocess.run(["aws", "--endpoint-url", server.endpoint, "dynamodb", "get-item", "--table-name", "kvs",
                              "--key", '{"pk": {"S": "k199"}}'], capture_output=True, text=True, env=env, check=True).stdout
        assert json.loads(out)["Item"] == {"pk": {"S": "k199"}, "v": {"N": "199"}}
        tables = subprocess.run(["aws", "--endpoint-url", server.endpoint, "dynamodb", "list-tables"],
                                capture_output=True, text=True, env=env, check=True).stdout
        assert json.loads(tables)["TableNames"] == ["kvs"]
    finally:
        server.stop()


def test_conditional_writes_as_kcl_makes_them(server):
    """KCL's lease table: the legacy Expected + AttributeUpdates and the expression syntax."""
    ddb = server.client("dynamodb")
    create(ddb, "app-leases", key="leaseKey")
    lease = {"leaseKey": {"S": "shardId-000000000000"}}
    # Create the lease only if absent.
    ddb.put_item(TableName="app-leases", Item=lease | {"leaseCounter": {"N": "0"}, "checkpoint": {"S": "TRIM_HORIZON"}},
                 Expected={"leaseKey": {"Exists": False}})
    assert error(ddb.put_item, TableName="app-leases", Item=lease, Expected={"leaseKey": {"Exists": False}}) == \
        ("ConditionalCheckFailedException", "The conditional request failed")
    # Take it: counter must match; ADD and PUT.
    taken = ddb.update_item(TableName="app-leases", Key=lease, Expected={"leaseCounter": {"Value": {"N": "0"}}},
                            AttributeUpdates={"leaseCounter": {"Value": {"N": "1"}, "Action": "ADD"},
                                              "leaseOwner": {"Value": {"S": "worker-1"}, "Action": "PUT"}},
                            ReturnValues="ALL_NEW")["Attributes"]
    assert taken["leaseCounter"] == {"N": "1"} and taken["leaseOwner"] == {"S": "worker-1"}
    # A stale counter fails, and the item comes back when asked.
    with pytest.raises(ClientError) as e:
        ddb.update_item(TableName="app-leases", Key=lease, Expected={"leaseCounter": {"Value": {"N": "0"}}},
                        AttributeUpdates={"leaseOwner": {"Value": {"S": "worker-2"}}}, ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert e.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert e.value.response["Item"]["leaseOwner"] == {"S": "worker-1"}
    # Checkpoint with expressions.
    updated = ddb.update_item(
        TableName="app-leases", Key=lease,
        UpdateExpression="SET #c = :cp, ownerSwitchesSinceCheckpoint = :zero, leaseCounter = leaseCounter + :one REMOVE pending",
        ConditionExpression="attribute_exists(leaseKey) AND leaseOwner = :owner AND leaseCounter = :counter",
        ExpressionAttributeNames={"#c": "checkpoint"},
        ExpressionAttributeValues={":cp": {"S": "49590338271490256608559692538361571095921575989136588898"}, ":zero": {"N": "0"},
                                   ":one": {"N": "1"}, ":owner": {"S": "worker-1"}, ":counter": {"N": "1"}},
        ReturnValues="UPDATED_NEW")["Attributes"]
    assert updated == {"checkpoint": {"S": "49590338271490256608559692538361571095921575989136588898"},
                       "ownerSwitchesSinceCheckpoint": {"N": "0"}, "leaseCounter": {"N": "2"}}
    # Evict only if still owned.
    assert error(ddb.delete_item, TableName="app-leases", Key=lease, ConditionExpression="leaseOwner = :o",
                 ExpressionAttributeValues={":o": {"S": "worker-9"}})[0] == "ConditionalCheckFailedException"
    got = ddb.get_item(TableName="app-leases", Key=lease, ConsistentRead=True,
                       ProjectionExpression="leaseOwner, #c", ExpressionAttributeNames={"#c": "checkpoint"})["Item"]
    assert set(got) == {"leaseOwner", "checkpoint"}
    # AWS's messages for misuse.
    assert error(ddb.update_item, TableName="app-leases", Key=lease, UpdateExpression="SET a = :v",
                 ExpressionAttributeValues={":v": {"S": "x"}, ":unused": {"S": "y"}})[1] == \
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}"
    assert error(ddb.update_item, TableName="app-leases", Key=lease, UpdateExpression="SET leaseKey = :v",
                 ExpressionAttributeValues={":v": {"S": "x"}})[1] == \
        "One or more parameter values were invalid: Cannot update attribute leaseKey. This attribute is part of the key"
    assert error(ddb.update_item, TableName="app-leases", Key=lease, UpdateExpression="SET a = :v",
                 ExpressionAttributeValues={":v": {"S": "x"}}, Expected={"a": {"Exists": False}})[1].startswith(
        "Can not use both expression and non-expression parameters in the same request")
    assert error(ddb.update_item, TableName="app-leases", Key=lease, UpdateExpression="SET = :v",
                 ExpressionAttributeValues={":v": {"S": "x"}})[1] == 'Invalid UpdateExpression: Syntax error; token: "=", near: "SET = :v"'
    # The resource API's condition builder.
    from boto3.dynamodb.conditions import Attr
    table = boto3.resource("dynamodb", endpoint_url=server.endpoint, region_name="us-east-1",
                           aws_access_key_id="test", aws_secret_access_key="test").Table("app-leases")
    table.update_item(Key={"leaseKey": "shardId-000000000000"}, UpdateExpression="ADD tags :t",
                      ExpressionAttributeValues={":t": {"parent-1"}}, ConditionExpression=Attr("leaseCounter").gte(2))
    assert table.get_item(Key={"leaseKey": "shardId-000000000000"})["Item"]["tags"] == {"parent-1"}


def test_query_and_scan_page_through_tables_and_indexes(server):
    ddb = server.client("dynamodb")
    ddb.create_table(
        TableName="readings", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "device", "KeyType": "HASH"}, {"AttributeName": "at", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "device", "AttributeType": "S"}, {"AttributeName": "at", "AttributeType": "N"},
                              {"AttributeName": "owner", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "LeaseOwnerToLeaseKeyIndex",
                                 "KeySchema": [{"AttributeName": "owner", "KeyType": "HASH"}, {"AttributeName": "device", "KeyType": "RANGE"}],
                                 "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    ddb.get_waiter("table_exists").wait(TableName="readings", WaiterConfig={"Delay": 0.1})
    moments = ["-1.5", "0", "0.25", "2", "10", "1e3"]
    for device in ["d1", "d2", "d3"]:
        for at in moments:
            item = {"device": {"S": device}, "at": {"N": at}, "v": {"S": f"{device}@{at}"}}
            if at == "0":
                item["owner"] = {"S": "worker-1" if device != "d3" else "worker-2"}
            ddb.put_item(TableName="readings", Item=item)
    # Numbers sort by value, both ways, and the paginator follows LastEvaluatedKey.
    pages = ddb.get_paginator("query").paginate(TableName="readings", KeyConditionExpression="device = :d",
                                                ExpressionAttributeValues={":d": {"S": "d1"}}, Limit=2)
    assert [i["at"]["N"] for p in pages for i in p["Items"]] == ["-1.5", "0", "0.25", "2", "10", "1000"]
    # AT is one of DynamoDB's reserved words: named plainly it is refused, as a substitute it is fine.
    assert error(ddb.query, TableName="readings", KeyConditionExpression="device = :d AND at >= :z",
                 ExpressionAttributeValues={":d": {"S": "d2"}, ":z": {"N": "0"}})[1] == \
        "Invalid KeyConditionExpression: Attribute name is a reserved keyword; reserved keyword: at"
    back = ddb.query(TableName="readings", KeyConditionExpression="device = :d AND #at >= :z", ScanIndexForward=False,
                     ExpressionAttributeNames={"#at": "at"}, ExpressionAttributeValues={":d": {"S": "d2"}, ":z": {"N": "0"}})
    assert [i["at"]["N"] for i in back["Items"]] == ["1000", "10", "2", "0.25", "0"]
    filtered = ddb.query(TableName="readings", KeyConditionExpression="device = :d", FilterExpression="v = :v",
                         ExpressionAttributeValues={":d": {"S": "d3"}, ":v": {"S": "d3@2"}})
    assert filtered["Count"] == 1 and filtered["ScannedCount"] == 6
    # KCL's query of a worker's leases on the index.
    owned = ddb.query(TableName="readings", IndexName="LeaseOwnerToLeaseKeyIndex", KeyConditionExpression="#o = :o",
                      ExpressionAttributeNames={"#o": "owner"}, ExpressionAttributeValues={":o": {"S": "worker-1"}})
    assert [i["device"]["S"] for i in owned["Items"]] == ["d1", "d2"] and set(owned["Items"][0]) == {"device", "at", "owner"}
    assert error(ddb.query, TableName="readings", IndexName="LeaseOwnerToLeaseKeyIndex", ConsistentRead=True,
                 KeyConditionExpression="#o = :o", ExpressionAttributeNames={"#o": "owner"},
                 ExpressionAttributeValues={":o": {"S": "worker-1"}})[1] == "Consistent reads are not supported on global secondary indexes"
    assert error(ddb.query, TableName="readings", KeyConditionExpression="#at = :a",
                 ExpressionAttributeNames={"#at": "at"}, ExpressionAttributeValues={":a": {"N": "1"}})[1] == "Query condition missed key schema element: device"
    # Scan: everything once through the paginator, and parallel segments that do not overlap.
    scanned = [i for p in ddb.get_paginator("scan").paginate(TableName="readings", PaginationConfig={"PageSize": 4}) for i in p["Items"]]
    assert len(scanned) == 18
    segments = [ddb.scan(TableName="readings", Segment=s, TotalSegments=3)["Items"] for s in range(3)]
    assert sorted(i["v"]["S"] for seg in segments for i in seg) == sorted(i["v"]["S"] for i in scanned)
    assert ddb.scan(TableName="readings", Select="COUNT", FilterExpression="attribute_exists(#o)",
                    ExpressionAttributeNames={"#o": "owner"})["Count"] == 3
    # The index follows writes: a lease changing hands moves between owners.
    ddb.update_item(TableName="readings", Key={"device": {"S": "d1"}, "at": {"N": "0"}}, UpdateExpression="SET #o = :w",
                    ExpressionAttributeNames={"#o": "owner"}, ExpressionAttributeValues={":w": {"S": "worker-2"}})
    two = ddb.query(TableName="readings", IndexName="LeaseOwnerToLeaseKeyIndex", KeyConditionExpression="#o = :o",
                    ExpressionAttributeNames={"#o": "owner"}, ExpressionAttributeValues={":o": {"S": "worker-2"}})
    assert [i["device"]["S"] for i in two["Items"]] == ["d1", "d3"]
    # DescribeTable counts the index's entries and their bytes: the keys projected and 100 bytes each.
    index = ddb.describe_table(TableName="readings")["Table"]["GlobalSecondaryIndexes"][0]
    assert index["ItemCount"] == 3
    assert index["IndexSizeBytes"] == sum(len("device") + 2 + len("at") + 1 + len("owner") + 8 + 100 for _ in range(3))
    # ReturnConsumedCapacity INDEXES: the index's share of a write as AWS charges it.
    def consumed(**args):
        return ddb.update_item(TableName="readings", Key={"device": {"S": "d9"}, "at": {"N": "0"}}, ReturnConsumedCapacity="INDEXES",
                               **args)["ConsumedCapacity"]
    into = consumed(UpdateExpression="SET #o = :w", ExpressionAttributeNames={"#o": "owner"},
                    ExpressionAttributeValues={":w": {"S": "worker-3"}})
    assert into == {"TableName": "readings", "CapacityUnits": 2.0, "WriteCapacityUnits": 2.0,
                    "Table": {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0},
                    "GlobalSecondaryIndexes": {"LeaseOwnerToLeaseKeyIndex": {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}}}
    # An attribute the KEYS_ONLY index does not project costs the index nothing; a new owner moves the entry (two writes).
    assert "GlobalSecondaryIndexes" not in consumed(UpdateExpression="SET v = :v", ExpressionAttributeValues={":v": {"S": "x"}})
    moved = consumed(UpdateExpression="SET #o = :w", ExpressionAttributeNames={"#o": "owner"}, ExpressionAttributeValues={":w": {"S": "worker-4"}})
    assert moved["GlobalSecondaryIndexes"]["LeaseOwnerToLeaseKeyIndex"]["CapacityUnits"] == 2.0 and moved["CapacityUnits"] == 3.0
    read = ddb.query(TableName="readings", IndexName="LeaseOwnerToLeaseKeyIndex", KeyConditionExpression="#o = :o",
                     ExpressionAttributeNames={"#o": "owner"}, ExpressionAttributeValues={":o": {"S": "worker-4"}},
                     ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
    assert read["Table"]["CapacityUnits"] == 0.0 and read["GlobalSecondaryIndexes"]["LeaseOwnerToLeaseKeyIndex"]["CapacityUnits"] == 0.5
    ddb.delete_item(TableName="readings", Key={"device": {"S": "d9"}, "at": {"N": "0"}})


def test_update_table_tags_time_to_live_and_backups(server):
    ddb = server.client("dynamodb")
    create(ddb, "workers", key="leaseKey")
    for i in range(300):
        ddb.put_item(TableName="workers", Item={"leaseKey": {"S": f"shard-{i:03d}"}, "leaseOwner": {"S": f"w{i % 3}"}})
    # KCL adds its owner index once the table exists; the items already there are in it.
    answer = ddb.update_table(
        TableName="workers", AttributeDefinitions=[{"AttributeName": "leaseOwner", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[{"Create": {"IndexName": "LeaseOwnerToLeaseKeyIndex",
                                                 "KeySchema": [{"AttributeName": "leaseOwner", "KeyType": "HASH"},
                                                               {"AttributeName": "leaseKey", "KeyType": "RANGE"}],
                                                 "Projection": {"ProjectionType": "KEYS_ONLY"}}}])["TableDescription"]
    assert answer["GlobalSecondaryIndexes"][0]["IndexStatus"] == "CREATING"
    index = ddb.describe_table(TableName="workers")["Table"]["GlobalSecondaryIndexes"][0]
    assert index["IndexStatus"] == "ACTIVE" and index["IndexArn"].endswith(":table/workers/index/LeaseOwnerToLeaseKeyIndex")
    owned = [i for p in ddb.get_paginator("query").paginate(
        TableName="workers", IndexName="LeaseOwnerToLeaseKeyIndex", KeyConditionExpression="leaseOwner = :o",
        ExpressionAttributeValues={":o": {"S": "w1"}}) for i in p["Items"]]
    assert len(owned) == 100 and owned[0]["leaseKey"] == {"S": "shard-001"}
    ddb.update_table(TableName="workers", DeletionProtectionEnabled=True)
    assert ddb.describe_table(TableName="workers")["Table"]["DeletionProtectionEnabled"] is True
    ddb.update_table(TableName="workers", GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "LeaseOwnerToLeaseKeyIndex"}}])
    described = ddb.describe_table(TableName="workers")["Table"]
    assert "GlobalSecondaryIndexes" not in described and described["AttributeDefinitions"] == [
        {"AttributeName": "leaseKey", "AttributeType": "S"}]

    arn = described["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "app", "Value": "kcl"}, {"Key": "team", "Value": "data"}])
    ddb.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "app", "Value": "kcl"}]
    assert error(ddb.list_tags_of_resource, ResourceArn=arn + "x")[0] == "ResourceNotFoundException"

    assert ddb.describe_continuous_backups(TableName="workers")["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED"
    ddb.update_continuous_backups(TableName="workers", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    assert ddb.describe_continuous_backups(TableName="workers")["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"

    # Time to live: expired items go, others stay.
    import time
    assert ddb.describe_time_to_live(TableName="workers")["TimeToLiveDescription"]["TimeToLiveStatus"] == "DISABLED"
    ddb.update_time_to_live(TableName="workers", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    now = int(time.time())
    ddb.put_item(TableName="workers", Item={"leaseKey": {"S": "old"}, "expires": {"N": str(now - 10)}})
    ddb.put_item(TableName="workers", Item={"leaseKey": {"S": "new"}, "expires": {"N": str(now + 3600)}})
    deadline = time.time() + 10
    while "Item" in ddb.get_item(TableName="workers", Key={"leaseKey": {"S": "old"}}) and time.time() < deadline:
        time.sleep(0.2)
    assert "Item" not in ddb.get_item(TableName="workers", Key={"leaseKey": {"S": "old"}})
    assert "Item" in ddb.get_item(TableName="workers", Key={"leaseKey": {"S": "new"}})
    assert ddb.describe_time_to_live(TableName="workers")["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    assert ddb.describe_limits()["TableMaxReadCapacityUnits"] == 40000


def test_batch_writes_and_reads(server):
    ddb = server.client("dynamodb")
    create(ddb, "lookups")
    create(ddb, "others")
    table = boto3.resource("dynamodb", endpoint_url=server.endpoint, region_name="us-east-1",
                           aws_access_key_id="test", aws_secret_access_key="test").Table("lookups")
    with table.batch_writer() as batch:  # BatchWriteItem, 25 at a time
        for i in range(120):
            batch.put_item(Item={"pk": f"c-{i}", "segment": "gold" if i % 2 else "silver"})
        batch.delete_item(Key={"pk": "c-0"})
    assert ddb.describe_table(TableName="lookups")["Table"]["ItemCount"] == 119
    answer = ddb.batch_get_item(RequestItems={
        "lookups": {"Keys": [{"pk": {"S": "c-1"}}, {"pk": {"S": "c-0"}}, {"pk": {"S": "c-2"}}], "ProjectionExpression": "#s",
                    "ExpressionAttributeNames": {"#s": "segment"}},
        "others": {"Keys": [{"pk": {"S": "x"}}]}})
    assert sorted(i["segment"]["S"] for i in answer["Responses"]["lookups"]) == ["gold", "silver"]
    assert answer["Responses"]["others"] == [] and answer["UnprocessedKeys"] == {}
    assert error(ddb.batch_write_item, RequestItems={"lookups": [{"PutRequest": {"Item": {"pk": {"S": "a"}}}},
                                                                 {"DeleteRequest": {"Key": {"pk": {"S": "a"}}}}]})[1] == \
        "Provided list of item keys contains duplicates"
    sixty = {"Keys": [{"pk": {"S": f"k{i}"}} for i in range(60)]}
    assert error(ddb.batch_get_item, RequestItems={"lookups": sixty, "others": sixty})[1] == \
        "Too many items requested for the BatchGetItem call"
    assert error(ddb.batch_write_item, RequestItems={"nope": [{"PutRequest": {"Item": {"pk": {"S": "a"}}}}]})[0] == \
        "ResourceNotFoundException"


def test_transactions_are_all_or_nothing(server):
    ddb = server.client("dynamodb")
    create(ddb, "accounts")
    ddb.put_item(TableName="accounts", Item={"pk": {"S": "alice"}, "balance": {"N": "100"}})
    ddb.put_item(TableName="accounts", Item={"pk": {"S": "bob"}, "balance": {"N": "0"}})
    transfer = [
        {"Update": {"TableName": "accounts", "Key": {"pk": {"S": "alice"}}, "UpdateExpression": "SET balance = balance - :a",
                    "ConditionExpression": "balance >= :a", "ExpressionAttributeValues": {":a": {"N": "60"}},
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
        {"Update": {"TableName": "accounts", "Key": {"pk": {"S": "bob"}}, "UpdateExpression": "SET balance = balance + :a",
                    "ExpressionAttributeValues": {":a": {"N": "60"}}}},
        {"Put": {"TableName": "accounts", "Item": {"pk": {"S": "log-1"}, "what": {"S": "transfer"}},
                 "ConditionExpression": "attribute_not_exists(pk)"}},
    ]
    ddb.transact_write_items(TransactItems=transfer, ClientRequestToken="transfer-1")
    # The same token and request again: answered, not applied twice.
    ddb.transact_write_items(TransactItems=transfer, ClientRequestToken="transfer-1")
    balances = ddb.transact_get_items(TransactItems=[{"Get": {"TableName": "accounts", "Key": {"pk": {"S": n}}}} for n in ["alice", "bob"]])
    assert [r["Item"]["balance"]["N"] for r in balances["Responses"]] == ["40", "60"]
    assert error(ddb.transact_write_items, TransactItems=transfer[:1], ClientRequestToken="transfer-1")[0] == \
        "IdempotentParameterMismatchException"
    # Not enough money: nothing is written, and the reasons say which action failed.
    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=transfer[:2] + [{"Delete": {"TableName": "accounts", "Key": {"pk": {"S": "log-1"}}}}])
    response = e.value.response
    assert response["Error"]["Code"] == "TransactionCanceledException"
    assert response["Error"]["Message"] == \
        "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None, None]"
    assert [r["Code"] for r in response["CancellationReasons"]] == ["ConditionalCheckFailed", "None", "None"]
    assert response["CancellationReasons"][0]["Item"]["balance"] == {"N": "40"}
    assert "Item" in ddb.get_item(TableName="accounts", Key={"pk": {"S": "log-1"}})
    assert error(ddb.transact_write_items, TransactItems=[transfer[1], transfer[1]])[1] == \
        "Transaction request cannot include multiple operations on one item"
    check = ddb.transact_write_items(TransactItems=[
        {"ConditionCheck": {"TableName": "accounts", "Key": {"pk": {"S": "bob"}}, "ConditionExpression": "balance = :b",
                            "ExpressionAttributeValues": {":b": {"N": "60"}}}},
        {"Delete": {"TableName": "accounts", "Key": {"pk": {"S": "log-1"}}}}], ReturnConsumedCapacity="TOTAL")
    assert check["ConsumedCapacity"][0]["TableName"] == "accounts"
    assert "Item" not in ddb.get_item(TableName="accounts", Key={"pk": {"S": "log-1"}})


def test_table_changes_stream_into_kinesis(server):
    ddb, kinesis = server.client("dynamodb"), server.client()
    kinesis.create_stream(StreamName="customer-changes", ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName="customer-changes", WaiterConfig={"Delay": 0.1})
    stream_arn = kinesis.describe_stream_summary(StreamName="customer-changes")["StreamDescriptionSummary"]["StreamARN"]
    create(ddb, "customers")
    assert error(ddb.enable_kinesis_streaming_destination, TableName="customers",
                 StreamArn=stream_arn.replace("customer-changes", "nope"))[0] == "ResourceNotFoundException"
    enabled = ddb.enable_kinesis_streaming_destination(TableName="customers", StreamArn=stream_arn)
    assert enabled["DestinationStatus"] == "ENABLING"
    assert ddb.describe_kinesis_streaming_destination(TableName="customers")["KinesisDataStreamDestinations"][0][
        "DestinationStatus"] == "ACTIVE"
    ddb.put_item(TableName="customers", Item={"pk": {"S": "c-1"}, "tier": {"S": "gold"}})
    ddb.update_item(TableName="customers", Key={"pk": {"S": "c-1"}}, UpdateExpression="SET tier = :t",
                    ExpressionAttributeValues={":t": {"S": "platinum"}})
    ddb.delete_item(TableName="customers", Key={"pk": {"S": "c-1"}})
    # A refused write streams nothing.
    with pytest.raises(ClientError):
        ddb.put_item(TableName="customers", Item={"pk": {"S": "c-2"}}, ConditionExpression="attribute_exists(pk)")
    iterator = kinesis.get_shard_iterator(StreamName="customer-changes", ShardId="shardId-000000000000",
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = kinesis.get_records(ShardIterator=iterator)["Records"]
    changes = [json.loads(r["Data"]) for r in records]
    assert [c["eventName"] for c in changes] == ["INSERT", "MODIFY", "REMOVE"]
    assert len({r["PartitionKey"] for r in records}) == 1
    first, second, third = changes
    assert first["tableName"] == "customers" and first["awsRegion"] == "us-east-1" and first["eventSource"] == "aws:dynamodb"
    assert first["recordFormat"] == "application/json" and first["dynamodb"]["Keys"] == {"pk": {"S": "c-1"}}
    assert first["dynamodb"]["NewImage"] == {"pk": {"S": "c-1"}, "tier": {"S": "gold"}} and "OldImage" not in first["dynamodb"]
    assert second["dynamodb"]["OldImage"]["tier"] == {"S": "gold"} and second["dynamodb"]["NewImage"]["tier"] == {"S": "platinum"}
    assert third["dynamodb"]["OldImage"]["tier"] == {"S": "platinum"} and "NewImage" not in third["dynamodb"]
    assert abs(first["dynamodb"]["ApproximateCreationDateTime"] / 1000 - __import__("time").time()) < 60
    assert first["dynamodb"]["SizeBytes"] > 0
    ddb.disable_kinesis_streaming_destination(TableName="customers", StreamArn=stream_arn)
    ddb.put_item(TableName="customers", Item={"pk": {"S": "c-3"}})
    assert len(kinesis.get_records(ShardIterator=iterator)["Records"]) == 3


def test_dynamodb_metrics_reach_cloudwatch(server):
    import datetime
    ddb, cw = server.client("dynamodb"), server.client("cloudwatch")
    create(ddb, "metered")
    for i in range(5):
        ddb.put_item(TableName="metered", Item={"pk": {"S": f"k{i}"}, "blob": {"B": b"x" * 1500}})  # 2 units each
    ddb.get_item(TableName="metered", Key={"pk": {"S": "k1"}}, ConsistentRead=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    def total(name, **dims):
        points = cw.get_metric_statistics(Namespace="AWS/DynamoDB", MetricName=name, Statistics=["Sum", "SampleCount"],
                                          Dimensions=[{"Name": k, "Value": v} for k, v in dims.items()],
                                          StartTime=now - datetime.timedelta(minutes=5), EndTime=now + datetime.timedelta(minutes=5),
                                          Period=600)["Datapoints"]
        return sum(p["Sum"] for p in points), sum(p["SampleCount"] for p in points)
    assert total("ConsumedWriteCapacityUnits", TableName="metered")[0] == 10
    assert total("ConsumedReadCapacityUnits", TableName="metered")[0] == 1
    assert total("SuccessfulRequestLatency", TableName="metered", Operation="PutItem")[1] == 5


def test_provisioned_capacity_throttles_as_aws_does(server):
    """A provisioned table has 300 seconds of burst capacity; past it, requests are throttled with
    AWS's error, batches return their writes unprocessed, and the throttles are counted."""
    import botocore.config
    ddb = boto3.client("dynamodb", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id="test",
                       aws_secret_access_key="test", config=botocore.config.Config(retries={"max_attempts": 1}))
    ddb.create_table(TableName="tiny", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    ddb.get_waiter("table_exists").wait(TableName="tiny", WaiterConfig={"Delay": 0.1})
    # One write of 350 KB takes more than the 300 units of burst capacity at once.
    ddb.put_item(TableName="tiny", Item={"pk": {"S": "big"}, "v": {"S": "x" * (350 * 1024)}})
    code, message = error(ddb.put_item, TableName="tiny", Item={"pk": {"S": "one"}})[:2]
    assert code == "ProvisionedThroughputExceededException"
    assert message == "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API."
    assert error(ddb.batch_write_item, RequestItems={"tiny": [{"PutRequest": {"Item": {"pk": {"S": "two"}}}}]})[0] == \
        "ProvisionedThroughputExceededException"
    # Reads have their own capacity, untouched by the writes.
    assert ddb.get_item(TableName="tiny", Key={"pk": {"S": "big"}})["Item"]["pk"] == {"S": "big"}
    # With an on-demand table in the same batch, the provisioned table's writes come back unprocessed.
    ddb.create_table(TableName="roomy", BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    ddb.get_waiter("table_exists").wait(TableName="roomy", WaiterConfig={"Delay": 0.1})
    answer = ddb.batch_write_item(RequestItems={"tiny": [{"PutRequest": {"Item": {"pk": {"S": "three"}}}}],
                                                "roomy": [{"PutRequest": {"Item": {"pk": {"S": "three"}}}}]})
    assert answer["UnprocessedItems"] == {"tiny": [{"PutRequest": {"Item": {"pk": {"S": "three"}}}}]}
    assert "Item" in ddb.get_item(TableName="roomy", Key={"pk": {"S": "three"}})
    cancelled = error(ddb.transact_write_items, TransactItems=[{"Put": {"TableName": "roomy", "Item": {"pk": {"S": "t"}}}},
                                                               {"Put": {"TableName": "tiny", "Item": {"pk": {"S": "t"}}}}])
    assert cancelled[0] == "TransactionCanceledException" and "[None, ProvisionedThroughputExceeded]" in cancelled[1]
    # More capacity through UpdateTable admits writes again.
    ddb.update_table(TableName="tiny", ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1000})
    time.sleep(0.5)
    ddb.put_item(TableName="tiny", Item={"pk": {"S": "after"}})
    cw = server.client("cloudwatch")
    throttled = cw.list_metrics(Namespace="AWS/DynamoDB", MetricName="ThrottledRequests")["Metrics"]
    assert {d["Value"] for m in throttled for d in m["Dimensions"] if d["Name"] == "Operation"} >= {"PutItem", "BatchWriteItem"}

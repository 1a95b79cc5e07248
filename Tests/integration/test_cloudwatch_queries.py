"""GetMetricData as dashboards and alarms use it: Metrics Insights queries (GROUP BY, ORDER BY,
LIMIT, SCHEMA, WHERE) over custom metrics and the metrics Kinesis publishes, the metric math
functions (FILL, IF, RUNNING_SUM, DIFF, RATE, SEARCH, ...), the errors AWS gives for broken
expressions in JSON, awsQuery and rpc-v2-cbor, and alarms on Kinesis metrics of real streams."""
import datetime
import time
import urllib.parse

import cbor2
import pytest
from botocore.exceptions import ClientError

from conftest import EddyServer, wait_active
from test_process import http


@pytest.fixture
def server(data_dir):
    s = EddyServer(data_dir, ["--alarm-interval", "1"]).start()
    yield s
    s.stop()


def utc_minute(minutes_ago):
    now = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
    return now - datetime.timedelta(minutes=minutes_ago)


def shop_data(cw):
    """Orders per store and minute: store a 10, 20, 30; b 1, (none), 3; c 100 once; Region eu/us."""
    data = {"a": [10, 20, 30], "b": [1, None, 3], "c": [None, None, 100]}
    for store, values in data.items():
        for minute, v in enumerate(values):
            if v is not None:
                cw.put_metric_data(Namespace="Shop", MetricData=[{
                    "MetricName": "Orders", "Value": v, "Timestamp": utc_minute(3 - minute),
                    "Dimensions": [{"Name": "Store", "Value": store}, {"Name": "Region", "Value": "us" if store == "c" else "eu"}]}])
    cw.put_metric_data(Namespace="Shop", MetricData=[{"MetricName": "Orders", "Value": 5, "Timestamp": utc_minute(3)}])


def get(cw, queries, minutes=4, until=-1):
    return cw.get_metric_data(StartTime=utc_minute(minutes), EndTime=utc_minute(until), ScanBy="TimestampAscending",
                              MetricDataQueries=queries)["MetricDataResults"]


def test_metrics_insights_group_by_order_by_limit_schema_and_where(server):
    cw = server.client("cloudwatch")
    shop_data(cw)
    r = get(cw, [{"Id": "q", "Period": 60, "Expression":
                  'SELECT SUM(Orders) FROM SCHEMA(Shop, Region, Store) GROUP BY Store ORDER BY SUM() DESC LIMIT 2'}])
    assert [(x["Id"], x["Label"], x["Values"]) for x in r] == [("q", "c", [100.0]), ("q", "a", [10.0, 20.0, 30.0])]
    # Without SCHEMA every Orders metric counts, the one without dimensions too (in the Other group).
    r = get(cw, [{"Id": "q", "Period": 60, "Expression": "select count(Orders) from Shop group by Store order by count() asc"}])
    assert [(x["Label"], sum(x["Values"])) for x in r] == [("Other", 1), ("c", 1), ("b", 2), ("a", 3)]
    r = get(cw, [{"Id": "avg", "Period": 60, "Label": "all stores",
                  "Expression": "SELECT AVG(Orders) FROM SCHEMA(\"Shop\", Store, Region) WHERE Region = 'eu' AND Store != 'b'"}])
    assert len(r) == 1 and r[0]["Label"] == "all stores" and r[0]["Values"] == [10.0, 20.0, 30.0]
    r = get(cw, [{"Id": "mx", "Period": 300,
                  "Expression": "SELECT MAX(Orders) FROM SCHEMA(Shop, Store, Region) WHERE Store IN ('b', 'c') OR Store LIKE 'x%'"}],
            minutes=10)
    assert sum(len(x["Values"]) for x in r) >= 1 and max(v for x in r for v in x["Values"]) == 100.0
    # SCHEMA with the namespace alone: only the metric without dimensions.
    r = get(cw, [{"Id": "bare", "Period": 60, "Expression": "SELECT SUM(Orders) FROM SCHEMA(Shop)"}])
    assert r[0]["Values"] == [5.0]


def test_metrics_insights_over_kinesis_streams(server):
    kinesis = server.client("kinesis")
    for name, n in [("orders", 30), ("clicks", 5)]:
        kinesis.create_stream(StreamName=name, ShardCount=1)
        wait_active(kinesis, name)
        kinesis.put_records(StreamName=name, Records=[{"PartitionKey": "p", "Data": b"x"}] * n)
    cw = server.client("cloudwatch")
    r = get(cw, [{"Id": "busiest", "Period": 60, "Expression":
                  'SELECT SUM(IncomingRecords) FROM SCHEMA("AWS/Kinesis", StreamName) GROUP BY StreamName ORDER BY SUM() DESC'}], minutes=2)
    assert [(x["Label"], sum(x["Values"])) for x in r] == [("orders", 30.0), ("clicks", 5.0)]


def test_metric_math_functions_over_stored_data(server):
    cw = server.client("cloudwatch")
    shop_data(cw)

    def stat(store):
        return {"Metric": {"Namespace": "Shop", "MetricName": "Orders",
                           "Dimensions": [{"Name": "Store", "Value": store}, {"Name": "Region", "Value": "eu"}]},
                "Period": 60, "Stat": "Sum"}

    r = get(cw, [{"Id": "a", "MetricStat": stat("a"), "ReturnData": False},
                 {"Id": "b", "MetricStat": stat("b"), "ReturnData": False},
                 {"Id": "filled", "Expression": "FILL(b, 0)"},
                 {"Id": "repeat", "Expression": "FILL(b, REPEAT)"},
                 {"Id": "linear", "Expression": "FILL(b, LINEAR)"},
                 {"Id": "big", "Expression": "IF(a > 15, a, 0)"},
                 {"Id": "running", "Expression": "RUNNING_SUM(a)"},
                 {"Id": "diff", "Expression": "DIFF(a)"},
                 {"Id": "rate", "Expression": "RATE(a)"},
                 {"Id": "centered", "Expression": "a - AVG(a)"},
                 {"Id": "later", "Expression": "total / 2"},
                 {"Id": "total", "Expression": "SUM([a, FILL(b, 0)])", "Label": "Total"},
                 {"Id": "each", "Expression": "FILL(METRICS(), 0) * 2", "Label": "Doubled"}], minutes=3, until=0)
    by_id = {}
    for x in r:
        by_id.setdefault(x["Id"], []).append(x)
    values = {k: v[0]["Values"] for k, v in by_id.items()}
    assert values["filled"] == [1, 0, 3] and values["repeat"] == [1, 1, 3] and values["linear"] == [1, 2, 3]
    assert values["big"] == [0, 20, 30] and values["running"] == [10, 30, 60]
    assert values["diff"] == [10, 10] and values["rate"] == [10 / 60, 10 / 60]
    assert values["centered"] == [-10, 0, 10]
    assert values["total"] == [11, 20, 33] and values["later"] == [5.5, 10, 16.5]
    assert [(x["Label"], x["Values"]) for x in by_id["each"]] == [("Doubled Orders", [20, 40, 60]), ("Doubled Orders", [2, 0, 6])]

    # SEARCH over what is stored: each match its own series, labelled by its dimension values.
    r = get(cw, [{"Id": "s", "Expression": "SEARCH('{Shop,Region,Store} MetricName=\"Orders\" NOT Store=c', 'Sum', 60)"}], minutes=3)
    assert sorted((x["Label"], sum(x["Values"])) for x in r) == [("eu a Orders", 60.0), ("eu b Orders", 4.0)]
    r = get(cw, [{"Id": "total", "Expression": "SUM(SEARCH('{Shop,Region,Store} Orders', 'Sum', 60))"}], minutes=3)
    assert r[0]["Values"] == [11.0, 20.0, 133.0]
    # Dynamic labels, filled in per series.
    r = get(cw, [{"Id": "s", "Label": "${PROP('Dim.Store')} peaked at ${MAX} (${DATAPOINT_COUNT} points, ${UNKNOWN})",
                  "Expression": "SEARCH('{Shop,Region,Store} Orders Store=a', 'Sum', 60)"},
                 {"Id": "m", "Label": "${LABEL} in ${PROP('Namespace')} every ${PROP('Period')} s, last ${LAST}",
                  "MetricStat": stat("a")}], minutes=3)
    assert sorted(x["Label"] for x in r) == ["Orders in Shop every 60 s, last 30.0", "a peaked at 30.0 (3 points, ${UNKNOWN})"]


def test_broken_expressions_answer_validation_errors_in_every_protocol(server):
    cw = server.client("cloudwatch")
    start, end = utc_minute(5), utc_minute(-1)
    for expression, words in [("m9 + 1", "m9"), ("ANOMALY_DETECTION_BAND(m1)", "ANOMALY_DETECTION_BAND"),
                              ("(" * 100 + "1" + ")" * 100, "nested"), ("FILL(", "end"),
                              ("SELECT AVG(x) FROM Shop LIMIT 9000", "LIMIT")]:
        with pytest.raises(ClientError) as e:
            cw.get_metric_data(StartTime=start, EndTime=end, MetricDataQueries=[{"Id": "e1", "Expression": expression, "Period": 60}])
        err = e.value.response["Error"]
        assert err["Code"] == "ValidationError" and words in err["Message"] and "e1" in err["Message"], err
    with pytest.raises(ClientError) as e:
        cw.get_metric_data(StartTime=start, EndTime=end, MetricDataQueries=[{"Id": "q", "Expression": "SELECT AVG(x) FROM Shop"}])
    assert e.value.response["Error"]["Code"] == "ValidationError" and "Period" in e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:
        cw.get_metric_data(StartTime=start, EndTime=end, MetricDataQueries=[
            {"Id": "e1", "Expression": "e2 + 1"}, {"Id": "e2", "Expression": "e1 * 2"}])
    assert e.value.response["Error"]["Code"] == "ValidationError" and "Circular" in e.value.response["Error"]["Message"]

    form = {"Action": "GetMetricData", "Version": "2010-08-01", "StartTime": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "EndTime": end.strftime("%Y-%m-%dT%H:%M:%SZ"), "MetricDataQueries.member.1.Id": "e1",
            "MetricDataQueries.member.1.Expression": "NOPE(1)"}
    status, _, body = http(server, "POST", "/", urllib.parse.urlencode(form).encode(),
                           {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and b"<Code>ValidationError</Code>" in body and b"NOPE" in body
    # A model constraint broken: awsQuery's own code too.
    form = {"Action": "GetMetricData", "Version": "2010-08-01", "StartTime": form["StartTime"], "EndTime": form["EndTime"]}
    status, _, body = http(server, "POST", "/", urllib.parse.urlencode(form).encode(),
                           {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and b"<Code>ValidationError</Code>" in body and b"metricDataQueries" in body
    status, headers, body = http(server, "POST", "/service/GraniteServiceVersion20100801/operation/GetMetricData",
                                 cbor2.dumps({"StartTime": cbor2.CBORTag(1, start.timestamp()), "EndTime": cbor2.CBORTag(1, end.timestamp()),
                                              "MetricDataQueries": [{"Id": "e1", "Expression": "1 +"}]}),
                                 {"Content-Type": "application/cbor", "Accept": "application/cbor", "smithy-protocol": "rpc-v2-cbor"})
    assert status == 400 and headers.get("x-amzn-query-error") == "ValidationError;Sender"
    assert "e1" in cbor2.loads(body)["message"]
    # The server carries on.
    assert get(cw, [{"Id": "one", "Expression": "TIME_SERIES(1)", "Period": 60}], minutes=2)[0]["Values"] == [1.0, 1.0, 1.0]


def wait_state(cw, name, state, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        a = cw.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]
        if a["StateValue"] == state:
            return a
        time.sleep(0.2)
    raise AssertionError(f"{name} stayed {a['StateValue']}, never {state}")


def test_alarms_on_kinesis_metrics_of_real_streams(server):
    kinesis = server.client("kinesis")
    kinesis.create_stream(StreamName="orders", ShardCount=1)
    wait_active(kinesis, "orders")
    cw = server.client("cloudwatch")
    cw.put_metric_alarm(AlarmName="orders-arriving", Namespace="AWS/Kinesis", MetricName="IncomingRecords",
                        Dimensions=[{"Name": "StreamName", "Value": "orders"}], Statistic="Sum", Period=60,
                        EvaluationPeriods=1, Threshold=10, ComparisonOperator="GreaterThanOrEqualToThreshold")
    # The seed's "iterator age > 1 minute", with a two-second threshold to keep the test short.
    cw.put_metric_alarm(AlarmName="consumer-behind", Namespace="AWS/Kinesis", MetricName="GetRecords.IteratorAgeMilliseconds",
                        Dimensions=[{"Name": "StreamName", "Value": "orders"}], Statistic="Maximum", Period=60,
                        EvaluationPeriods=1, Threshold=2000, ComparisonOperator="GreaterThanThreshold")
    # Metrics Insights in an alarm: busiest stream's records.
    cw.put_metric_alarm(AlarmName="any-stream-busy", EvaluationPeriods=1, Threshold=10, ComparisonOperator="GreaterThanThreshold",
                        Metrics=[{"Id": "q", "Period": 60, "ReturnData": True,
                                  "Expression": 'SELECT SUM(IncomingRecords) FROM SCHEMA("AWS/Kinesis", StreamName)'}])
    kinesis.put_records(StreamName="orders", Records=[{"PartitionKey": str(i), "Data": b"order"} for i in range(12)])
    a = wait_state(cw, "orders-arriving", "ALARM")
    assert "12.0" in a["StateReason"]
    wait_state(cw, "any-stream-busy", "ALARM")
    # A consumer that reads promptly keeps the age low; one that comes back late is behind.
    shard = kinesis.list_shards(StreamName="orders")["Shards"][0]["ShardId"]
    iterator = kinesis.get_shard_iterator(StreamName="orders", ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    time.sleep(2.5)
    kinesis.get_records(ShardIterator=iterator, Limit=1)
    a = wait_state(cw, "consumer-behind", "ALARM")
    assert "greater than the threshold (2000.0)" in a["StateReason"]
    with pytest.raises(ClientError) as e:
        cw.put_metric_alarm(AlarmName="searching", EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold",
                            Metrics=[{"Id": "s", "ReturnData": True, "Period": 60,
                                      "Expression": "SEARCH('{AWS/Kinesis,StreamName} IncomingRecords', 'Sum', 60)"}])
    assert e.value.response["Error"]["Code"] == "ValidationError" and "SEARCH" in e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:
        cw.put_metric_alarm(AlarmName="grouped", EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold",
                            Metrics=[{"Id": "q", "ReturnData": True, "Period": 60,
                                      "Expression": 'SELECT SUM(IncomingRecords) FROM "AWS/Kinesis" GROUP BY StreamName'}])
    assert e.value.response["Error"]["Code"] == "ValidationError" and "GROUP BY" in e.value.response["Error"]["Message"]


def raw_json(server, op, body):
    import json
    status, _, out = http(server, "POST", "/", json.dumps(body).encode(),
                          {"X-Amz-Target": f"GraniteServiceVersion20100801.{op}", "Content-Type": "application/x-amz-json-1.0"})
    return status, out


def test_put_metric_data_refuses_at_the_door_and_answers_doubles_and_units_as_aws(server):
    cw = server.client("cloudwatch")
    now = datetime.datetime.now(datetime.timezone.utc)
    refused = [
        ({"MetricName": "M", "Value": 1, "Timestamp": now - datetime.timedelta(days=15)}, "InvalidParameterValue", "two weeks in the past"),
        ({"MetricName": "M", "Value": 1, "Timestamp": now + datetime.timedelta(hours=3)}, "InvalidParameterValue", "two hours in the future"),
        ({"MetricName": "M", "StatisticValues": {"SampleCount": 2, "Sum": 100, "Minimum": 1, "Maximum": 3}}, "InvalidParameterValue", "Sum"),
        ({"MetricName": "M", "StatisticValues": {"SampleCount": 2, "Sum": 4, "Minimum": 3, "Maximum": 1}}, "InvalidParameterValue", "Maximum"),
        ({"MetricName": "M", "Value": 1, "Values": [1.0]}, "InvalidParameterCombination", "mutually exclusive"),
        ({"MetricName": "M", "Values": [1.0] * 151}, "InvalidParameterValue", "150"),
        ({"MetricName": "M", "Value": 2.0 ** 361}, "InvalidParameterValue", "Value"),
        ({"MetricName": "M", "Value": 1e-300}, "InvalidParameterValue", "Value"),
    ]
    for datum, code, words in refused:
        with pytest.raises(ClientError) as e:
            cw.put_metric_data(Namespace="Door", MetricData=[{"MetricName": "ok", "Value": 1}, datum])
        assert e.value.response["Error"]["Code"] == code and words in e.value.response["Error"]["Message"], (datum, e.value.response)
        assert "MetricData.member.2" in e.value.response["Error"]["Message"]
    # NaN never reaches the store: botocore would send it as a string, which the model refuses.
    status, body = raw_json(server, "PutMetricData", {"Namespace": "Door", "MetricData": [{"MetricName": "M", "Value": "NaN"}]})
    assert status == 400
    # Nothing of a refused request was stored.
    assert cw.list_metrics(Namespace="Door")["Metrics"] == []

    cw.put_metric_data(Namespace="Units", MetricData=[{"MetricName": "M", "Value": 10, "Unit": "Count"},
                                                      {"MetricName": "M", "Value": 3, "Unit": "Seconds"}])
    start, end = time.time() - 600, time.time() + 600
    status, body = raw_json(server, "GetMetricStatistics", {"Namespace": "Units", "MetricName": "M", "StartTime": start, "EndTime": end,
                                                            "Period": 1200, "Statistics": ["Sum"]})
    assert status == 200 and b'"Sum":10.0,"Unit":"Count"' in body and b'"Sum":3.0,"Unit":"Seconds"' in body, body
    status, headers, body = http(server, "POST", "/service/GraniteServiceVersion20100801/operation/GetMetricStatistics",
                                 cbor2.dumps({"Namespace": "Units", "MetricName": "M", "StartTime": cbor2.CBORTag(1, start),
                                              "EndTime": cbor2.CBORTag(1, end), "Period": 1200, "Statistics": ["Sum"], "Unit": "Count"}),
                                 {"Content-Type": "application/cbor", "Accept": "application/cbor", "smithy-protocol": "rpc-v2-cbor"})
    assert status == 200 and b"cSum\xfb\x40\x24\x00\x00\x00\x00\x00\x00" in body  # 10.0 as a float64
    assert [p["Sum"] for p in cbor2.loads(body)["Datapoints"]] == [10.0]
    with pytest.raises(ClientError) as e:
        cw.get_metric_statistics(Namespace="Units", MetricName="M", StartTime=now - datetime.timedelta(days=2), EndTime=now,
                                 Period=60, Statistics=["Sum"])
    assert e.value.response["Error"]["Code"] == "InvalidParameterCombination"
    assert e.value.response["Error"]["Message"].startswith("You have requested up to 2,880 datapoints, which exceeds the limit of 1,440.")

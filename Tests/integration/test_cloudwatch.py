"""CloudWatch: botocore's JSON 1.0 protocol, awsQuery as the Java SDK sends it, and the metrics
Kinesis publishes."""
import datetime
import time
import urllib.parse

import pytest
from botocore.exceptions import ClientError

from conftest import wait_active
from test_process import http


def test_put_and_get_custom_metrics(server):
    cw = server.client("cloudwatch")
    now = datetime.datetime.now(datetime.timezone.utc)
    cw.put_metric_data(Namespace="MyApp", MetricData=[
        {"MetricName": "Latency", "Value": 10, "Unit": "Milliseconds", "Dimensions": [{"Name": "Api", "Value": "get"}]},
        {"MetricName": "Latency", "Values": [20, 30], "Counts": [1, 2], "Unit": "Milliseconds", "Dimensions": [{"Name": "Api", "Value": "get"}]},
        {"MetricName": "Latency", "StatisticValues": {"SampleCount": 2, "Sum": 100, "Minimum": 40, "Maximum": 60},
         "Unit": "Milliseconds", "Dimensions": [{"Name": "Api", "Value": "get"}]},
    ])
    r = cw.get_metric_statistics(Namespace="MyApp", MetricName="Latency", Dimensions=[{"Name": "Api", "Value": "get"}],
                                 StartTime=now - datetime.timedelta(minutes=5), EndTime=now + datetime.timedelta(minutes=5),
                                 Period=600, Statistics=["Sum", "SampleCount", "Average", "Minimum", "Maximum"])
    points = r["Datapoints"]
    assert sum(p["SampleCount"] for p in points) == 6
    assert sum(p["Sum"] for p in points) == 10 + 20 + 60 + 100
    assert min(p["Minimum"] for p in points) == 10 and max(p["Maximum"] for p in points) == 60
    assert points[0]["Unit"] == "Milliseconds"
    metrics = cw.list_metrics(Namespace="MyApp")["Metrics"]
    assert metrics == [{"Namespace": "MyApp", "MetricName": "Latency", "Dimensions": [{"Name": "Api", "Value": "get"}]}]
    with pytest.raises(ClientError) as e:
        cw.put_metric_data(Namespace="AWS/Mine", MetricData=[{"MetricName": "x", "Value": 1}])
    assert e.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(ClientError) as e:
        cw.get_metric_statistics(Namespace="MyApp", MetricName="Latency", StartTime=now, EndTime=now + datetime.timedelta(minutes=1),
                                 Period=61, Statistics=["Sum"])
    assert e.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_kinesis_publishes_its_metrics(server, kinesis):
    kinesis.create_stream(StreamName="metered", ShardCount=1)
    wait_active(kinesis, "metered")
    kinesis.put_record(StreamName="metered", PartitionKey="p", Data=b"12345")
    kinesis.put_records(StreamName="metered", Records=[{"PartitionKey": "p", "Data": b"ab"}] * 3)
    it = kinesis.get_shard_iterator(StreamName="metered", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    kinesis.get_records(ShardIterator=it)
    cw = server.client("cloudwatch")
    now = datetime.datetime.now(datetime.timezone.utc)

    def total(name, stat="Sum"):
        r = cw.get_metric_statistics(Namespace="AWS/Kinesis", MetricName=name, Dimensions=[{"Name": "StreamName", "Value": "metered"}],
                                     StartTime=now - datetime.timedelta(hours=1), EndTime=now + datetime.timedelta(minutes=5),
                                     Period=60, Statistics=[stat])
        return sum(p[stat] for p in r["Datapoints"])

    assert total("IncomingRecords") == 4
    assert total("IncomingBytes") == (5 + 1) + 3 * (2 + 1)
    assert total("PutRecords.TotalRecords") == 3
    assert total("GetRecords.Records") == 4
    assert total("PutRecord.Latency", "SampleCount") == 1


def test_aws_query_protocol(server):
    form = {"Action": "PutMetricData", "Version": "2010-08-01", "Namespace": "Q",
            "MetricData.member.1.MetricName": "M", "MetricData.member.1.Value": "2.5",
            "MetricData.member.1.Dimensions.member.1.Name": "D", "MetricData.member.1.Dimensions.member.1.Value": "v"}
    status, headers, body = http(server, "POST", "/", urllib.parse.urlencode(form).encode(),
                                 {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    assert status == 200 and b"<PutMetricDataResponse" in body
    start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 600))
    end = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 600))
    form = {"Action": "GetMetricStatistics", "Version": "2010-08-01", "Namespace": "Q", "MetricName": "M",
            "Dimensions.member.1.Name": "D", "Dimensions.member.1.Value": "v",
            "StartTime": start, "EndTime": end, "Period": "1200", "Statistics.member.1": "Sum"}
    status, headers, body = http(server, "POST", "/", urllib.parse.urlencode(form).encode(),
                                 {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200, body
    assert b"<GetMetricStatisticsResult>" in body and b"<Sum>2.5</Sum>" in body
    status, headers, body = http(server, "POST", "/", b"Action=Nope&Version=2010-08-01",
                                 {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and b"<Code>InvalidAction</Code>" in body


def test_get_metric_data_with_math(server):
    cw = server.client("cloudwatch")
    now = datetime.datetime.now(datetime.timezone.utc)
    base = now.replace(second=0, microsecond=0) - datetime.timedelta(minutes=3)
    for minute in range(3):
        t = base + datetime.timedelta(minutes=minute)
        cw.put_metric_data(Namespace="Shop", MetricData=[
            {"MetricName": "Orders", "Value": 10 * (minute + 1), "Timestamp": t, "Dimensions": [{"Name": "Store", "Value": "a"}]},
            {"MetricName": "Orders", "Value": 1, "Timestamp": t, "Dimensions": [{"Name": "Store", "Value": "b"}]},
        ])

    def stat(store):
        return {"Metric": {"Namespace": "Shop", "MetricName": "Orders", "Dimensions": [{"Name": "Store", "Value": store}]},
                "Period": 60, "Stat": "Sum"}

    r = cw.get_metric_data(StartTime=base - datetime.timedelta(minutes=1), EndTime=now + datetime.timedelta(minutes=1),
                           ScanBy="TimestampAscending", MetricDataQueries=[
                               {"Id": "a", "MetricStat": stat("a"), "ReturnData": True},
                               {"Id": "b", "MetricStat": stat("b"), "ReturnData": False},
                               {"Id": "total", "Expression": "SUM(METRICS())", "Label": "Total"},
                               {"Id": "ratio", "Expression": "(a + b) / 2"},
                               {"Id": "rate", "Expression": "RATE(a)"}])
    by_id = {x["Id"]: x for x in r["MetricDataResults"]}
    assert set(by_id) == {"a", "total", "ratio", "rate"}
    assert by_id["a"]["Values"] == [10, 20, 30] and by_id["a"]["StatusCode"] == "Complete"
    assert by_id["total"]["Values"] == [11, 21, 31] and by_id["total"]["Label"] == "Total"
    assert by_id["ratio"]["Values"] == [5.5, 10.5, 15.5]
    assert by_id["rate"]["Values"] == [10 / 60, 10 / 60]
    page = cw.get_metric_data(StartTime=base - datetime.timedelta(minutes=1), EndTime=now + datetime.timedelta(minutes=1),
                              MaxDatapoints=2, MetricDataQueries=[{"Id": "a", "MetricStat": stat("a")}])
    assert page["MetricDataResults"][0]["Values"] == [30, 20] and page["NextToken"]
    with pytest.raises(ClientError) as e:
        cw.get_metric_data(StartTime=base, EndTime=now, MetricDataQueries=[{"Id": "x", "Expression": "ANOMALY_DETECTION_BAND(a)"}])
    assert e.value.response["Error"]["Code"] == "ValidationError"
    assert "Eddy does not support the function ANOMALY_DETECTION_BAND" in e.value.response["Error"]["Message"]


def test_prometheus_metrics_endpoint(server, kinesis):
    kinesis.create_stream(StreamName="prom", ShardCount=1)
    wait_active(kinesis, "prom")
    kinesis.put_records(StreamName="prom", Records=[{"PartitionKey": "p", "Data": b"x"}] * 7)
    status, headers, body = http(server, "GET", "/metrics")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    text = body.decode()
    assert "# TYPE aws_kinesis_incoming_records summary" in text
    line = next(l for l in text.splitlines() if l.startswith("aws_kinesis_incoming_records_sum{") and 'stream_name="prom"' in l)
    assert line.endswith(" 7")
    # A bucket called "metrics" is still S3's when the request is signed.
    s3 = server.client("s3")
    s3.create_bucket(Bucket="metrics")
    assert s3.list_objects_v2(Bucket="metrics")["KeyCount"] == 0


def test_smithy_rpc_v2_cbor(server):
    import cbor2

    def rpc(op, obj):
        status, headers, body = http(server, "POST", f"/service/GraniteServiceVersion20100801/operation/{op}", cbor2.dumps(obj),
                                     {"Content-Type": "application/cbor", "Accept": "application/cbor", "smithy-protocol": "rpc-v2-cbor",
                                      "x-amzn-query-mode": "true"})
        assert headers.get("smithy-protocol") == "rpc-v2-cbor"
        return status, cbor2.loads(body) if body else {}

    now = time.time()
    status, _ = rpc("PutMetricData", {"Namespace": "Cbor", "MetricData": [
        {"MetricName": "M", "Value": 4.0, "Timestamp": cbor2.CBORTag(1, now)}]})
    assert status == 200
    status, r = rpc("GetMetricStatistics", {"Namespace": "Cbor", "MetricName": "M", "StartTime": cbor2.CBORTag(1, now - 600),
                                            "EndTime": cbor2.CBORTag(1, now + 600), "Period": 1200, "Statistics": ["Sum"]})
    assert status == 200 and r["Datapoints"][0]["Sum"] == 4.0
    ts = r["Datapoints"][0]["Timestamp"]
    assert abs(ts.timestamp() - now) < 1300  # tag 1 seconds decode to a datetime
    status, err = rpc("GetMetricStatistics", {"Namespace": "Cbor"})
    assert status == 400 and err["__type"] == "ValidationException"


def test_percentiles(server):
    cw = server.client("cloudwatch")
    now = datetime.datetime.now(datetime.timezone.utc)
    cw.put_metric_data(Namespace="Lat", MetricData=[{"MetricName": "L", "Values": [float(v) for v in range(1, 101)], "Unit": "Milliseconds"}])
    r = cw.get_metric_statistics(Namespace="Lat", MetricName="L", StartTime=now - datetime.timedelta(minutes=5),
                                 EndTime=now + datetime.timedelta(minutes=5), Period=600, ExtendedStatistics=["p50", "p99"])
    ext = r["Datapoints"][0]["ExtendedStatistics"]
    assert ext == {"p50": 50.0, "p99": 99.0}
    d = cw.get_metric_data(StartTime=now - datetime.timedelta(minutes=5), EndTime=now + datetime.timedelta(minutes=5),
                           MetricDataQueries=[{"Id": "p", "MetricStat": {"Metric": {"Namespace": "Lat", "MetricName": "L"},
                                                                           "Period": 600, "Stat": "p90"}}])
    assert d["MetricDataResults"][0]["Values"] == [90.0]


def test_compressed_put_metric_data_from_botocore(server):
    """botocore gzips PutMetricData bodies past 10 KiB (the model's requestcompression trait)."""
    cw = server.client("cloudwatch")
    encodings = []
    cw.meta.events.register("before-send.cloudwatch.PutMetricData",
                            lambda request, **_: encodings.append(request.headers.get("Content-Encoding")))
    now = datetime.datetime.now(datetime.timezone.utc)
    data = [{"MetricName": "Big", "Value": 1, "Dimensions": [{"Name": "Host", "Value": f"host-{i:04d}-" + "x" * 40}]}
            for i in range(400)]
    cw.put_metric_data(Namespace="Compressed", MetricData=data[:200])
    cw.put_metric_data(Namespace="Compressed", MetricData=data[200:])
    assert encodings == [b"gzip", b"gzip"] or encodings == ["gzip", "gzip"]
    assert len(cw.list_metrics(Namespace="Compressed")["Metrics"]) == 400
    r = cw.get_metric_statistics(Namespace="Compressed", MetricName="Big",
                                 Dimensions=[{"Name": "Host", "Value": "host-0399-" + "x" * 40}],
                                 StartTime=now - datetime.timedelta(minutes=5), EndTime=now + datetime.timedelta(minutes=5),
                                 Period=600, Statistics=["Sum"])
    assert [p["Sum"] for p in r["Datapoints"]] == [1.0]


def test_compressed_bodies_that_do_not_inflate_are_refused(server):
    import gzip
    import http.client
    import json

    def post(body, encoding):
        c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        c.request("POST", "/", body=body, headers={
            "X-Amz-Target": "GraniteServiceVersion20100801.PutMetricData", "Content-Type": "application/x-amz-json-1.0",
            "x-amzn-query-mode": "true", "Content-Encoding": encoding})
        r = c.getresponse()
        answer = r.status, json.loads(r.read() or b"{}")
        c.close()
        return answer

    good = json.dumps({"Namespace": "Raw", "MetricData": [{"MetricName": "m", "Value": 2}]}).encode()
    assert post(gzip.compress(good), "gzip")[0] == 200
    # A bomb: 17 MiB of zeros in 17 KiB stops inflating at the one-body limit.
    status, error = post(gzip.compress(b"0" * (17 << 20)), "gzip")
    assert status == 413 and error["__type"].endswith("RequestEntityTooLarge")
    status, error = post(gzip.compress(good)[:-9], "gzip")
    assert status == 400 and error["__type"].endswith("MalformedInput")
    status, error = post(good, "br")
    assert status == 415 and "br is not supported" in error["message"]
    assert post(good, "identity")[0] == 200

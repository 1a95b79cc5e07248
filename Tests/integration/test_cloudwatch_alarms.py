"""CloudWatch alarms that evaluate on the stored metrics (static thresholds, M of N, missing
data, percentiles, metric math, composite rules), their history, actions, tags and limits, and
dashboards, with boto3, awsQuery as the Java SDK sends it, and a kill -9 in between."""
import datetime
import json
import time
import urllib.parse

import pytest
from botocore.exceptions import ClientError

from conftest import EddyServer
from test_process import http

TOPIC = "arn:aws:sns:us-east-1:000000000000:pager"


@pytest.fixture
def server(data_dir):
    s = EddyServer(data_dir, ["--alarm-interval", "1"]).start()
    yield s
    s.stop()


def error(call, **kwargs):
    with pytest.raises(ClientError) as e:
        call(**kwargs)
    r = e.value.response
    return r["Error"]["Code"], r["Error"].get("Message", ""), r["ResponseMetadata"]["HTTPStatusCode"]


def alarm(cw, name):
    found = cw.describe_alarms(AlarmNames=[name], AlarmTypes=["MetricAlarm", "CompositeAlarm"])
    return (found["MetricAlarms"] + found["CompositeAlarms"])[0]


def wait_state(cw, name, state, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        a = alarm(cw, name)
        if a["StateValue"] == state:
            return a
        time.sleep(0.2)
    raise AssertionError(f"{name} stayed {alarm(cw, name)['StateValue']}, never {state}")


def put(cw, name, value, when=None, **extra):
    datum = {"MetricName": name, "Value": value, "StorageResolution": 1, **extra}
    if when is not None:
        datum["Timestamp"] = when
    cw.put_metric_data(Namespace="Pipeline", MetricData=[datum])


def test_static_threshold_alarm_goes_to_alarm_and_back_with_reasons_history_and_actions(server):
    cw = server.client("cloudwatch")
    cw.put_metric_alarm(AlarmName="lag-high", MetricName="Lag", Namespace="Pipeline", Statistic="Maximum", Period=10,
                        EvaluationPeriods=1, Threshold=100, ComparisonOperator="GreaterThanThreshold",
                        AlarmActions=[TOPIC], OKActions=[TOPIC], Unit="Milliseconds", Tags=[{"Key": "team", "Value": "data"}])
    a = alarm(cw, "lag-high")
    assert a["StateValue"] == "INSUFFICIENT_DATA" and a["StateReason"] == "Unchecked: Initial alarm creation"
    assert a["AlarmArn"] == "arn:aws:cloudwatch:us-east-1:000000000000:alarm:lag-high" and a["ActionsEnabled"]
    assert a["Dimensions"] == [] and a["Period"] == 10 and a["Threshold"] == 100.0
    put(cw, "Lag", 250, Unit="Milliseconds")
    a = wait_state(cw, "lag-high", "ALARM")
    assert a["StateReason"].startswith("Threshold Crossed: 1 datapoint [250.0 (")
    assert a["StateReason"].endswith(")] was greater than the threshold (100.0).")
    data = json.loads(a["StateReasonData"])
    assert data["version"] == "1.0" and data["statistic"] == "Maximum" and data["period"] == 10 and data["unit"] == "Milliseconds"
    assert data["recentDatapoints"] == [250.0] and data["threshold"] == 100.0
    assert data["evaluatedDatapoints"][0]["value"] == 250.0 and data["evaluatedDatapoints"][0]["sampleCount"] == 1.0
    assert data["queryDate"].endswith("+0000") and a["StateTransitionedTimestamp"] == a["StateUpdatedTimestamp"]
    # The state changes once; later evaluations agreeing with it write nothing.
    time.sleep(1.5)
    history = cw.describe_alarm_history(AlarmName="lag-high")["AlarmHistoryItems"]
    kinds = [(h["HistoryItemType"], h["HistorySummary"]) for h in history]
    assert kinds[-1] == ("ConfigurationUpdate", 'Alarm "lag-high" created')
    assert ("StateUpdate", "Alarm updated from INSUFFICIENT_DATA to ALARM") in kinds
    assert [k for k in kinds if k[0] == "StateUpdate"] == [("StateUpdate", "Alarm updated from INSUFFICIENT_DATA to ALARM")]
    action = next(h for h in history if h["HistoryItemType"] == "Action")
    assert action["HistorySummary"].startswith(f"Failed to execute action {TOPIC}")
    assert json.loads(action["HistoryData"])["actionState"] == "Failed"
    update = json.loads(next(h for h in history if h["HistoryItemType"] == "StateUpdate")["HistoryData"])
    assert update["oldState"]["stateValue"] == "INSUFFICIENT_DATA" and update["newState"]["stateValue"] == "ALARM"
    assert update["newState"]["stateReasonData"]["recentDatapoints"] == [250.0]
    # Only configuration items, oldest first.
    configs = cw.describe_alarm_history(AlarmName="lag-high", HistoryItemType="ConfigurationUpdate", ScanBy="TimestampAscending")
    assert len(configs["AlarmHistoryItems"]) == 1
    # A new period with a good value turns it OK again (the bad one is in the period before).
    time.sleep(10 - time.time() % 10 + 0.2)
    put(cw, "Lag", 5, Unit="Milliseconds")
    a = wait_state(cw, "lag-high", "OK")
    assert a["StateReason"].startswith("Threshold Crossed: 1 datapoint [5.0 (") and "was not greater than" in a["StateReason"]
    # The log says so in one line, and /metrics shows the state.
    status, _, body = http(server, "GET", "/metrics")
    assert b'eddy_cloudwatch_alarm_state{account="000000000000",region="us-east-1",alarm="lag-high",state="OK"} 1' in body
    assert "alarm lag-high (us-east-1) INSUFFICIENT_DATA -> ALARM" in server.logs()
    tags = cw.list_tags_for_resource(ResourceARN=a["AlarmArn"])["Tags"]
    assert tags == [{"Key": "team", "Value": "data"}]
    # Disabled actions run no more.
    cw.disable_alarm_actions(AlarmNames=["lag-high"])
    assert alarm(cw, "lag-high")["ActionsEnabled"] is False
    cw.set_alarm_state(AlarmName="lag-high", StateValue="ALARM", StateReason="testing the pager")
    a = alarm(cw, "lag-high")
    assert a["StateValue"] == "ALARM" and a["StateReason"] == "testing the pager"
    actions = [h for h in cw.describe_alarm_history(AlarmName="lag-high", HistoryItemType="Action")["AlarmHistoryItems"]]
    assert len(actions) == 2  # INSUFFICIENT_DATA -> ALARM, ALARM -> OK; none for the disabled one
    # SetAlarmState holds only until the next evaluation.
    wait_state(cw, "lag-high", "OK")


def test_m_out_of_n_and_missing_data(server):
    cw = server.client("cloudwatch")
    now = datetime.datetime.now(datetime.timezone.utc)
    for seconds_ago, value in [(30, 9), (20, 1), (10, 9)]:
        put(cw, "Errors", value, when=now - datetime.timedelta(seconds=seconds_ago))
    common = dict(MetricName="Errors", Namespace="Pipeline", Statistic="Sum", Period=10, Threshold=5,
                  ComparisonOperator="GreaterThanOrEqualToThreshold")
    cw.put_metric_alarm(AlarmName="two-of-three", EvaluationPeriods=3, DatapointsToAlarm=2, **common)
    cw.put_metric_alarm(AlarmName="three-of-three", EvaluationPeriods=3, **common)
    a = wait_state(cw, "two-of-three", "ALARM")
    assert "2 out of the last 3 datapoints [9.0 (" in a["StateReason"]
    assert "(minimum 2 datapoints for OK -> ALARM transition)" in a["StateReason"]
    b = wait_state(cw, "three-of-three", "OK")
    assert "were not greater than or equal to the threshold (5.0)" in b["StateReason"]
    # A metric with no data at all: as TreatMissingData says.
    quiet = dict(MetricName="NeverSent", Namespace="Pipeline", Statistic="Sum", Period=10, EvaluationPeriods=2, Threshold=1,
                 ComparisonOperator="GreaterThanThreshold")
    cw.put_metric_alarm(AlarmName="gone-bad", TreatMissingData="breaching", **quiet)
    cw.put_metric_alarm(AlarmName="gone-fine", TreatMissingData="notBreaching", **quiet)
    cw.put_metric_alarm(AlarmName="gone-unknown", TreatMissingData="missing", **quiet)
    cw.put_metric_alarm(AlarmName="gone-ignored", TreatMissingData="ignore", **quiet)
    assert "2 missing datapoints were treated as [Breaching]" in wait_state(cw, "gone-bad", "ALARM")["StateReason"]
    wait_state(cw, "gone-fine", "OK")
    cw.set_alarm_state(AlarmName="gone-unknown", StateValue="OK", StateReason="by hand")
    cw.set_alarm_state(AlarmName="gone-ignored", StateValue="ALARM", StateReason="by hand")
    assert wait_state(cw, "gone-unknown", "INSUFFICIENT_DATA")["StateReason"] == "Insufficient Data: 2 datapoints were unknown."
    time.sleep(2.5)
    assert alarm(cw, "gone-ignored")["StateValue"] == "ALARM"
    listed = cw.describe_alarms(StateValue="ALARM")["MetricAlarms"]
    assert sorted(a["AlarmName"] for a in listed) == ["gone-bad", "gone-ignored", "two-of-three"]
    # Paging: MaxRecords at a time, by name.
    names, token = [], None
    while True:
        page = cw.describe_alarms(MaxRecords=2, **({"NextToken": token} if token else {}))
        names += [a["AlarmName"] for a in page["MetricAlarms"]]
        token = page.get("NextToken")
        if not token:
            break
    assert names == sorted(["two-of-three", "three-of-three", "gone-bad", "gone-fine", "gone-unknown", "gone-ignored"])
    assert [a["AlarmName"] for a in cw.describe_alarms(AlarmNamePrefix="gone-f")["MetricAlarms"]] == ["gone-fine"]
    assert error(cw.describe_alarms, NextToken="garbage")[0] == "InvalidNextToken"
    by_metric = cw.describe_alarms_for_metric(MetricName="Errors", Namespace="Pipeline")["MetricAlarms"]
    assert sorted(a["AlarmName"] for a in by_metric) == ["three-of-three", "two-of-three"]
    assert cw.describe_alarms_for_metric(MetricName="Errors", Namespace="Pipeline", Period=60)["MetricAlarms"] == []


def test_percentile_and_metric_math_alarms(server):
    cw = server.client("cloudwatch")
    cw.put_metric_alarm(AlarmName="p99-latency", MetricName="Latency", Namespace="Pipeline", ExtendedStatistic="p99", Period=10,
                        EvaluationPeriods=1, Threshold=500, ComparisonOperator="GreaterThanThreshold")
    cw.put_metric_alarm(AlarmName="p99-strict", MetricName="Latency", Namespace="Pipeline", ExtendedStatistic="p99", Period=10,
                        EvaluationPeriods=1, Threshold=500, ComparisonOperator="GreaterThanThreshold",
                        EvaluateLowSampleCountPercentile="ignore")
    cw.put_metric_data(Namespace="Pipeline", MetricData=[{"MetricName": "Latency", "Values": [10.0, 20.0, 900.0], "StorageResolution": 1}])
    a = wait_state(cw, "p99-latency", "ALARM")
    assert json.loads(a["StateReasonData"])["extendedStatistic"] == "p99"
    time.sleep(2)
    # Three samples are far too few for a p99: that alarm does not move.
    assert alarm(cw, "p99-strict")["StateValue"] == "INSUFFICIENT_DATA"
    cw.put_metric_alarm(AlarmName="error-rate", EvaluationPeriods=1, Threshold=10, ComparisonOperator="GreaterThanThreshold",
                        Metrics=[
                            {"Id": "errors", "MetricStat": {"Metric": {"Namespace": "Pipeline", "MetricName": "Failed"}, "Period": 10, "Stat": "Sum"},
                             "ReturnData": False},
                            {"Id": "total", "MetricStat": {"Metric": {"Namespace": "Pipeline", "MetricName": "Requests"}, "Period": 10, "Stat": "Sum"},
                             "ReturnData": False},
                            {"Id": "rate", "Expression": "100 * errors / total", "Label": "Error rate", "ReturnData": True}])
    # Both in the same period, so the expression has a value there.
    cw.put_metric_data(Namespace="Pipeline", MetricData=[{"MetricName": "Failed", "Value": 3, "StorageResolution": 1},
                                                         {"MetricName": "Requests", "Value": 20, "StorageResolution": 1}])
    a = wait_state(cw, "error-rate", "ALARM")
    assert a["StateReason"].startswith("Threshold Crossed: 1 datapoint [15.0 (")
    assert "statistic" not in json.loads(a["StateReasonData"]) and a["Metrics"][2]["Expression"] == "100 * errors / total"


def test_composite_alarms_rules_suppressors_and_deletes(server):
    cw = server.client("cloudwatch")
    base = dict(Namespace="Pipeline", Statistic="Sum", Period=10, EvaluationPeriods=1, Threshold=0,
                ComparisonOperator="GreaterThanThreshold", TreatMissingData="notBreaching")
    cw.put_metric_alarm(AlarmName="throttles", MetricName="Throttles", **base)
    cw.put_metric_alarm(AlarmName="maintenance", MetricName="Maintenance", **base)
    cw.put_composite_alarm(AlarmName="pipeline-down", AlarmRule='ALARM(throttles) AND NOT ALARM("maintenance")',
                           AlarmActions=[TOPIC], ActionsSuppressor="maintenance", ActionsSuppressorExtensionPeriod=1)
    assert cw.describe_alarms()["CompositeAlarms"] == []
    c = alarm(cw, "pipeline-down")
    assert c["AlarmRule"] == 'ALARM(throttles) AND NOT ALARM("maintenance")' and c["ActionsSuppressorWaitPeriod"] == 60
    # A second composite that waits two seconds for its suppressor before acting.
    cw.put_composite_alarm(AlarmName="page-on-throttles", AlarmRule="ALARM(throttles)", AlarmActions=[TOPIC],
                           ActionsSuppressor="maintenance", ActionsSuppressorWaitPeriod=2, ActionsSuppressorExtensionPeriod=1)
    wait_state(cw, "pipeline-down", "OK")
    put(cw, "Throttles", 4)
    c = wait_state(cw, "pipeline-down", "ALARM")
    assert c["StateReason"].startswith("arn:aws:cloudwatch:us-east-1:000000000000:alarm:throttles transitioned to ALARM at ")
    assert json.loads(c["StateReasonData"])["triggeringAlarms"][0]["state"]["value"] == "ALARM"

    def actions(name):
        return cw.describe_alarm_history(AlarmName=name, AlarmTypes=["CompositeAlarm"], HistoryItemType="Action")["AlarmHistoryItems"]
    # The actions wait (60 s by default) for the suppressor to go into ALARM.
    assert (c["ActionsSuppressedBy"], c["ActionsSuppressedReason"]) == ("WaitPeriod", "Actions suppressed by WaitPeriod")
    assert actions("pipeline-down") == []
    waited = wait_state(cw, "page-on-throttles", "ALARM")
    deadline = time.time() + 10
    while alarm(cw, "page-on-throttles").get("ActionsSuppressedBy") == "WaitPeriod" and time.time() < deadline:
        time.sleep(0.2)
    settled = alarm(cw, "page-on-throttles")
    assert "ActionsSuppressedBy" not in settled and len(actions("page-on-throttles")) == 1
    assert actions("page-on-throttles")[0]["Timestamp"] >= waited["StateTransitionedTimestamp"] + datetime.timedelta(seconds=1.9)
    # The suppressor goes into ALARM while pipeline-down still waits: its actions never run.
    put(cw, "Maintenance", 1)
    wait_state(cw, "maintenance", "ALARM")
    deadline = time.time() + 10
    while alarm(cw, "pipeline-down").get("ActionsSuppressedBy") == "WaitPeriod" and time.time() < deadline:
        time.sleep(0.2)
    assert alarm(cw, "pipeline-down")["ActionsSuppressedBy"] == "Alarm" and actions("pipeline-down") == []
    cw.delete_alarms(AlarmNames=["page-on-throttles"])
    assert cw.describe_alarm_history(AlarmName="pipeline-down")["AlarmHistoryItems"] == []  # metric alarms only, unless asked
    children = cw.describe_alarms(ChildrenOfAlarmName="pipeline-down", AlarmTypes=["MetricAlarm"])["MetricAlarms"]
    assert sorted(a["AlarmName"] for a in children) == ["maintenance", "throttles"]
    parents = cw.describe_alarms(ParentsOfAlarmName="throttles", AlarmTypes=["CompositeAlarm"])["CompositeAlarms"]
    assert [a["AlarmName"] for a in parents] == ["pipeline-down"]
    code, message, _ = error(cw.delete_alarms, AlarmNames=["throttles"])
    assert code == "InvalidParameterValue" and "pipeline-down" in message
    assert error(cw.delete_alarms, AlarmNames=["throttles", "nope"])[0:3:2] == ("ResourceNotFound", 404)
    for rule, expected in [("ALARM(nope)", "do not exist"), ("ALARM(throttles) AND", "Error in alarm rule"),
                           ("WARN(throttles)", "Unknown function WARN"), ("(" * 70 + "TRUE" + ")" * 70, "Too many nested")]:
        code, message, _ = error(cw.put_composite_alarm, AlarmName="bad", AlarmRule=rule)
        assert code == "InvalidParameterValue" and expected in message, (rule, message)
    cw.delete_alarms(AlarmNames=["pipeline-down"])
    cw.delete_alarms(AlarmNames=["throttles", "maintenance"])
    assert cw.describe_alarms(AlarmTypes=["MetricAlarm", "CompositeAlarm"])["MetricAlarms"] == []


def test_alarm_validation_as_aws_answers_it(server):
    cw = server.client("cloudwatch")
    ok = dict(AlarmName="a", MetricName="M", Namespace="N", Statistic="Average", Period=60, EvaluationPeriods=1, Threshold=1,
              ComparisonOperator="GreaterThanThreshold")
    for change, code in [({"Period": 45}, "InvalidParameterValue"), ({"ExtendedStatistic": "p90"}, "InvalidParameterCombination"),
                         ({"DatapointsToAlarm": 2}, "InvalidParameterCombination"), ({"TreatMissingData": "sometimes"}, "InvalidParameterValue"),
                         ({"EvaluationPeriods": 1441}, "InvalidParameterValue"), ({"AlarmActions": ["not-an-arn"]}, "InvalidParameterValue"),
                         ({"ComparisonOperator": "GreaterThanUpperThreshold"}, "InvalidParameterValue"),
                         ({"EvaluateLowSampleCountPercentile": "ignore"}, "InvalidParameterCombination")]:
        assert error(cw.put_metric_alarm, **{**ok, **change})[0] == code, change
    no_threshold = {k: v for k, v in ok.items() if k != "Threshold"}
    assert error(cw.put_metric_alarm, **no_threshold)[0] == "MissingParameter"
    assert error(cw.set_alarm_state, AlarmName="nope", StateValue="OK", StateReason="x")[0:3:2] == ("ResourceNotFound", 404)
    cw.put_metric_alarm(**ok)
    assert error(cw.set_alarm_state, AlarmName="a", StateValue="OK", StateReason="x", StateReasonData="{not json")[0] == "InvalidFormat"
    # Tags: on alarms by ARN, an unknown ARN named in the error.
    arn = alarm(cw, "a")["AlarmArn"]
    cw.tag_resource(ResourceARN=arn, Tags=[{"Key": "k", "Value": "v"}, {"Key": "z", "Value": "1"}])
    cw.untag_resource(ResourceARN=arn, TagKeys=["z"])
    assert cw.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "k", "Value": "v"}]
    assert error(cw.list_tags_for_resource, ResourceARN=arn + "x")[0:3:2] == ("ResourceNotFoundException", 404)
    # awsQuery, as the Java SDK sends it, answers XML with CloudWatch's own codes.
    form = {"Action": "PutMetricAlarm", "Version": "2010-08-01", "AlarmName": "q", "MetricName": "M", "Namespace": "N",
            "Statistic": "Sum", "Period": "45", "EvaluationPeriods": "1", "Threshold": "1", "ComparisonOperator": "GreaterThanThreshold"}
    status, _, body = http(server, "POST", "/", urllib.parse.urlencode(form).encode(), {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and b"<Code>InvalidParameterValue</Code>" in body and b"10, 20, 30 or a multiple of 60" in body
    form["Period"] = "60"
    status, _, body = http(server, "POST", "/", urllib.parse.urlencode(form).encode(), {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and b"<PutMetricAlarmResponse" in body
    status, _, body = http(server, "POST", "/", b"Action=DescribeAlarms&Version=2010-08-01&AlarmNames.member.1=q",
                           {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and b"<AlarmName>q</AlarmName>" in body and b"<StateValue>INSUFFICIENT_DATA</StateValue>" in body


def test_dashboards_and_alarms_survive_kill_9(data_dir):
    server = EddyServer(data_dir, ["--alarm-interval", "1"]).start()
    cw = server.client("cloudwatch")
    body = {"widgets": [
        {"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6,
         "properties": {"metrics": [["AWS/Kinesis", "IncomingRecords", "StreamName", "orders"]], "region": "us-east-1", "stat": "Sum", "period": 60}},
        {"type": "text", "x": 12, "y": 0, "width": 12, "height": 6, "properties": {"markdown": "# Runbook\nPage the data team."}}]}
    assert cw.put_dashboard(DashboardName="pipeline", DashboardBody=json.dumps(body))["DashboardValidationMessages"] == []
    cw.put_dashboard(DashboardName="pipeline-2", DashboardBody=json.dumps({"widgets": []}))
    got = cw.get_dashboard(DashboardName="pipeline")
    assert json.loads(got["DashboardBody"]) == body and got["DashboardArn"] == "arn:aws:cloudwatch::000000000000:dashboard/pipeline"
    entries = cw.list_dashboards(DashboardNamePrefix="pipeline")["DashboardEntries"]
    assert [e["DashboardName"] for e in entries] == ["pipeline", "pipeline-2"] and entries[0]["Size"] == len(json.dumps(body))
    bad = {"widgets": [{"type": "metric", "properties": {}}, {"type": "chart", "properties": {}}, {"type": "text", "width": 30, "properties": {}}]}
    with pytest.raises(ClientError) as e:
        cw.put_dashboard(DashboardName="bad", DashboardBody=json.dumps(bad))
    assert e.value.response["Error"]["Code"] == "InvalidParameterInput"
    assert "there are 4 validation errors" in e.value.response["Error"]["Message"]
    assert error(cw.put_dashboard, DashboardName="bad", DashboardBody="not json")[0] == "InvalidParameterInput"
    assert error(cw.put_dashboard, DashboardName="bad name!", DashboardBody="{}")[0] == "InvalidParameterInput"
    assert error(cw.get_dashboard, DashboardName="nope")[0:3:2] == ("ResourceNotFound", 404)
    assert error(cw.delete_dashboards, DashboardNames=["pipeline-2", "nope"])[0] == "ResourceNotFound"
    cw.delete_dashboards(DashboardNames=["pipeline-2"])
    cw.put_metric_alarm(AlarmName="kept", MetricName="M", Namespace="N", Statistic="Sum", Period=10, EvaluationPeriods=1, Threshold=1,
                        ComparisonOperator="GreaterThanThreshold", TreatMissingData="breaching")
    wait_state(cw, "kept", "ALARM")
    server.kill9()
    server = EddyServer(data_dir, ["--alarm-interval", "1"]).start()
    try:
        cw = server.client("cloudwatch")
        assert json.loads(cw.get_dashboard(DashboardName="pipeline")["DashboardBody"]) == body
        assert [e["DashboardName"] for e in cw.list_dashboards()["DashboardEntries"]] == ["pipeline"]
        a = alarm(cw, "kept")
        assert a["StateValue"] == "ALARM" and "treated as [Breaching]" in a["StateReason"]
        assert len(cw.describe_alarm_history(AlarmName="kept")["AlarmHistoryItems"]) >= 2
    finally:
        server.stop()

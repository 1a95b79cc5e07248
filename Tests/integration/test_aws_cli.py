"""The aws-cli (v1) as a new user types it."""
import json
import os
import subprocess


def aws(server, *args, region="us-east-1"):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION=region, AWS_PAGER="")
    env.pop("AWS_PROFILE", None)
    out = subprocess.run(["aws", "--endpoint-url", server.endpoint, "--output", "json", *args],
                         env=env, capture_output=True, text=True, timeout=60)
    return out.returncode, (json.loads(out.stdout) if out.stdout.strip() else {}), out.stderr


def test_cli_quick_start(server):
    assert aws(server, "kinesis", "create-stream", "--stream-name", "cli", "--shard-count", "2")[0] == 0
    assert aws(server, "kinesis", "wait", "stream-exists", "--stream-name", "cli")[0] == 0
    rc, out, _ = aws(server, "kinesis", "list-streams")
    assert rc == 0 and out["StreamNames"] == ["cli"]
    rc, out, _ = aws(server, "kinesis", "put-record", "--stream-name", "cli", "--partition-key", "pk-1", "--data", "hello")
    assert rc == 0 and out["ShardId"] == "shardId-000000000001"
    rc, out, _ = aws(server, "kinesis", "get-shard-iterator", "--stream-name", "cli", "--shard-id", out["ShardId"],
                     "--shard-iterator-type", "TRIM_HORIZON")
    rc, out, _ = aws(server, "kinesis", "get-records", "--shard-iterator", out["ShardIterator"])
    assert rc == 0 and len(out["Records"]) == 1
    rc, out, _ = aws(server, "kinesis", "list-streams", region="ap-southeast-2")
    assert rc == 0 and out["StreamNames"] == []
    rc, _, err = aws(server, "kinesis", "describe-stream", "--stream-name", "missing")
    assert rc != 0 and "ResourceNotFoundException" in err


def test_endpoint_from_environment(server):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="eu-west-1",
               AWS_ENDPOINT_URL=server.endpoint)
    out = subprocess.run(["aws", "kinesis", "create-stream", "--stream-name", "env", "--shard-count", "1"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    out = subprocess.run(["aws", "kinesis", "list-streams", "--output", "json"], env=env, capture_output=True, text=True, timeout=60)
    assert json.loads(out.stdout)["StreamNames"] == ["env"]

"""`--auth verify`: SigV4 checked as AWS checks it, with each service's own errors, for real
clients (boto3, the aws-cli) — header-signed, presigned, gzip-compressed and aws-chunked bodies."""
import datetime
import gzip
import hashlib
import hmac
import http.client
import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from unittest import mock

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from conftest import EDDY_BIN, EddyServer, wait_active

KEY, SECRET, ACCOUNT = "AKIDVERIFY", "s3cr3t/with+chars", "111122223333"


@pytest.fixture
def verifying(data_dir):
    s = EddyServer(data_dir, ["--auth", "verify", "--credentials", f"{KEY}:{SECRET}:{ACCOUNT},AKIDDEFAULT:other"]).start()
    yield s
    s.stop()


def client(server, service, key=KEY, secret=SECRET, **config):
    return boto3.client(service, endpoint_url=server.endpoint, region_name="eu-west-1", aws_access_key_id=key,
                        aws_secret_access_key=secret, config=Config(retries={"max_attempts": 1}, **config))


def error(call):
    with pytest.raises(ClientError) as e:
        call()
    return e.value.response["Error"]["Code"], e.value.response["ResponseMetadata"]["HTTPStatusCode"], e.value.response["Error"].get("Message", "")


def test_signed_requests_from_boto3_are_served_in_the_keys_account(verifying):
    kinesis = client(verifying, "kinesis")
    kinesis.create_stream(StreamName="signed", ShardCount=1)
    wait_active(kinesis, "signed")
    summary = kinesis.describe_stream_summary(StreamName="signed")["StreamDescriptionSummary"]
    assert summary["StreamARN"] == f"arn:aws:kinesis:eu-west-1:{ACCOUNT}:stream/signed"
    kinesis.put_records(StreamName="signed", Records=[{"PartitionKey": "k", "Data": b"x" * 100}] * 10)
    # The other key acts in the default account, where the stream does not exist.
    assert error(lambda: client(verifying, "kinesis", "AKIDDEFAULT", "other").describe_stream(StreamName="signed"))[0] == "ResourceNotFoundException"

    cw = client(verifying, "cloudwatch")
    cw.put_metric_data(Namespace="Signed", MetricData=[  # past 10 KiB: gzip-compressed, signed as sent
        {"MetricName": "m", "Value": 1, "Dimensions": [{"Name": "Host", "Value": f"h{i:03d}" + "x" * 40}]} for i in range(200)])
    assert len(cw.list_metrics(Namespace="Signed")["Metrics"]) == 200
    assert client(verifying, "firehose").list_delivery_streams()["DeliveryStreamNames"] == []

    s3 = client(verifying, "s3")
    s3.create_bucket(Bucket="signed-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_object(Bucket="signed-bucket", Key="a b/ü+c.txt", Body=b"hello")  # aws-chunked, CRC32 trailer
    s3.put_object(Bucket="signed-bucket", Key="plain", Body=b"x" * 1000, ChecksumAlgorithm="SHA256")
    assert s3.get_object(Bucket="signed-bucket", Key="a b/ü+c.txt")["Body"].read() == b"hello"
    listed = s3.list_objects_v2(Bucket="signed-bucket", Prefix="a b/", Delimiter="/")
    assert [o["Key"] for o in listed["Contents"]] == ["a b/ü+c.txt"]
    upload = s3.create_multipart_upload(Bucket="signed-bucket", Key="multi")
    part = s3.upload_part(Bucket="signed-bucket", Key="multi", UploadId=upload["UploadId"], PartNumber=1, Body=b"p" * (5 << 20))
    s3.complete_multipart_upload(Bucket="signed-bucket", Key="multi", UploadId=upload["UploadId"],
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    s3.delete_objects(Bucket="signed-bucket", Delete={"Objects": [{"Key": "plain"}]})
    assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket="signed-bucket")["Contents"]) == ["a b/ü+c.txt", "multi"]


def test_the_aws_cli_signs_and_is_served(verifying, tmp_path):
    env = dict(os.environ, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET, AWS_DEFAULT_REGION="us-east-1")
    f = tmp_path / "f.bin"
    f.write_bytes(os.urandom(9 << 20))  # multipart through the cli's transfer manager
    for step in (["s3", "mb", "s3://cli-signed"], ["s3", "cp", str(f), "s3://cli-signed/f.bin"],
                 ["s3", "cp", "s3://cli-signed/f.bin", str(tmp_path / "back.bin")], ["kinesis", "list-streams"]):
        r = subprocess.run(["aws", "--endpoint-url", verifying.endpoint, *step], env=env, capture_output=True, timeout=120)
        assert r.returncode == 0, r.stderr
    assert (tmp_path / "back.bin").read_bytes() == f.read_bytes()
    env["AWS_SECRET_ACCESS_KEY"] = "wrong"
    r = subprocess.run(["aws", "--endpoint-url", verifying.endpoint, "s3", "ls", "s3://cli-signed"], env=env, capture_output=True)
    assert r.returncode != 0 and b"SignatureDoesNotMatch" in r.stderr


def test_each_service_answers_a_wrong_secret_and_an_unknown_key_with_its_own_error(verifying):
    assert error(lambda: client(verifying, "kinesis", secret="wrong").list_streams())[:2] == ("InvalidSignatureException", 400)
    assert error(lambda: client(verifying, "kinesis", key="AKIDNOBODY").list_streams())[:2] == ("UnrecognizedClientException", 400)
    assert error(lambda: client(verifying, "firehose", secret="wrong").list_delivery_streams())[:2] == ("InvalidSignatureException", 400)
    assert error(lambda: client(verifying, "cloudwatch", secret="wrong").list_metrics())[:2] == ("SignatureDoesNotMatch", 403)
    assert error(lambda: client(verifying, "cloudwatch", key="AKIDNOBODY").list_metrics())[:2] == ("InvalidClientTokenId", 403)
    assert error(lambda: client(verifying, "s3", secret="wrong").list_buckets())[:2] == ("SignatureDoesNotMatch", 403)
    assert error(lambda: client(verifying, "s3", key="AKIDNOBODY").list_buckets())[:2] == ("InvalidAccessKeyId", 403)
    # A refused upload is refused from its head: nothing is stored.
    s3 = client(verifying, "s3")
    s3.create_bucket(Bucket="guarded")
    assert error(lambda: client(verifying, "s3", secret="wrong").put_object(Bucket="guarded", Key="k", Body=b"x" * (1 << 20)))[0] == "SignatureDoesNotMatch"
    assert s3.list_objects_v2(Bucket="guarded").get("KeyCount") == 0


def test_unsigned_requests_are_refused(verifying):
    def post(target, content_type):
        c = http.client.HTTPConnection("127.0.0.1", verifying.port, timeout=10)
        c.request("POST", "/", body=b"{}", headers={"X-Amz-Target": target, "Content-Type": content_type})
        r = c.getresponse()
        return r.status, json.loads(r.read())

    status, body = post("Kinesis_20131202.ListStreams", "application/x-amz-json-1.1")
    assert status == 400 and body["__type"].endswith("MissingAuthenticationTokenException")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(verifying.endpoint + "/some-bucket/key", timeout=10)
    assert e.value.code == 403 and b"<Code>AccessDenied</Code>" in e.value.read()
    # Reset is not open to whoever can reach a shared server.
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(urllib.request.Request(verifying.endpoint + "/_eddy/reset", method="POST"), timeout=10)
    assert e.value.code == 403
    assert json.loads(urllib.request.urlopen(verifying.endpoint + "/_eddy/health", timeout=10).read())["status"] == "running"


def test_a_clock_too_far_off_is_refused(verifying):
    skewed = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(minutes=20)
    with mock.patch("botocore.auth.get_current_datetime", return_value=skewed):
        code, status, message = error(lambda: client(verifying, "kinesis").list_streams())
        assert (code, status) == ("InvalidSignatureException", 400) and message.startswith("Signature expired: ")
        assert error(lambda: client(verifying, "s3").list_buckets())[:2] == ("RequestTimeTooSkewed", 403)


def test_presigned_urls_verify_and_expire(verifying):
    s3 = client(verifying, "s3", signature_version="s3v4")
    s3.create_bucket(Bucket="presigned")
    put = s3.generate_presigned_url("put_object", Params={"Bucket": "presigned", "Key": "p.txt"}, ExpiresIn=60)
    urllib.request.urlopen(urllib.request.Request(put, data=b"via url", method="PUT"), timeout=10).read()
    get = s3.generate_presigned_url("get_object", Params={"Bucket": "presigned", "Key": "p.txt"}, ExpiresIn=60)
    assert urllib.request.urlopen(get, timeout=10).read() == b"via url"
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(get.replace("p.txt", "q.txt"), timeout=10)
    assert e.value.code == 403 and b"SignatureDoesNotMatch" in e.value.read()
    soon = s3.generate_presigned_url("get_object", Params={"Bucket": "presigned", "Key": "p.txt"}, ExpiresIn=1)
    time.sleep(2.1)
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(soon, timeout=10)
    answer = e.value.read()
    assert e.value.code == 403 and b"<Code>AccessDenied</Code>" in answer and b"Request has expired" in answer
    # botocore's default presigner (Signature Version 2) is named, not silently accepted.
    v2 = client(verifying, "s3").generate_presigned_url("get_object", Params={"Bucket": "presigned", "Key": "p.txt"})
    if "AWSAccessKeyId=" in v2:
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(v2, timeout=10)
        assert e.value.code == 400 and b"AWS4-HMAC-SHA256" in e.value.read()


def signed_chunked_put(server, bucket, key, chunks, tamper=None):
    """An upload as SDKs that sign each chunk send it (STREAMING-AWS4-HMAC-SHA256-PAYLOAD):
    the seed signed by botocore, each chunk's signature chained from it."""
    body_length = sum(len(c) for c in chunks)
    encoded = b""
    headers = {"x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "Content-Encoding": "aws-chunked",
               "x-amz-decoded-content-length": str(body_length)}
    request = AWSRequest(method="PUT", url=f"{server.endpoint}/{bucket}/{key}", headers=headers)
    SigV4Auth(Credentials(KEY, SECRET), "s3", "us-east-1").add_auth(request)
    amz_date = request.headers["X-Amz-Date"]
    seed = request.headers["Authorization"].rsplit("Signature=", 1)[1]
    scope = f"{amz_date[:8]}/us-east-1/s3/aws4_request"
    signing_key = ("AWS4" + SECRET).encode()
    for part in (amz_date[:8], "us-east-1", "s3", "aws4_request"):
        signing_key = hmac.new(signing_key, part.encode(), hashlib.sha256).digest()
    previous = seed
    for data in list(chunks) + [b""]:
        to_sign = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, previous, hashlib.sha256(b"").hexdigest(),
                             hashlib.sha256(data).hexdigest()])
        signature = hmac.new(signing_key, to_sign.encode(), hashlib.sha256).hexdigest()
        sent = tamper(data) if tamper and data else data
        encoded += f"{len(sent):x};chunk-signature={signature}\r\n".encode() + sent + b"\r\n"
        previous = signature
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    c.request("PUT", f"/{bucket}/{key}", body=encoded, headers=dict(request.headers.items()))
    r = c.getresponse()
    return r.status, r.read()


def test_signed_chunks_are_checked_as_they_arrive(verifying):
    client(verifying, "s3").create_bucket(Bucket="chunks")
    status, _ = signed_chunked_put(verifying, "chunks", "ok", [b"a" * 65536, b"b" * 1000])
    assert status == 200
    assert client(verifying, "s3").get_object(Bucket="chunks", Key="ok")["Body"].read() == b"a" * 65536 + b"b" * 1000
    status, answer = signed_chunked_put(verifying, "chunks", "forged", [b"a" * 65536, b"b" * 1000],
                                        tamper=lambda d: d[:-1] + b"X")
    assert status == 403 and b"SignatureDoesNotMatch" in answer
    assert error(lambda: client(verifying, "s3").head_object(Bucket="chunks", Key="forged"))[1] == 404


def test_a_body_that_is_not_the_one_signed_is_refused(verifying):
    request = AWSRequest(method="POST", url=verifying.endpoint + "/", data=b'{"Limit": 5}',
                         headers={"X-Amz-Target": "Kinesis_20131202.ListStreams", "Content-Type": "application/x-amz-json-1.1"})
    SigV4Auth(Credentials(KEY, SECRET), "kinesis", "us-east-1").add_auth(request)
    c = http.client.HTTPConnection("127.0.0.1", verifying.port, timeout=10)
    c.request("POST", "/", body=b'{"Limit": 6}', headers=dict(request.headers.items()))
    r = c.getresponse()
    assert r.status == 400 and json.loads(r.read())["__type"].endswith("InvalidSignatureException")


def test_verify_needs_credentials_and_a_wide_open_server_is_warned_about(data_dir):
    r = subprocess.run([EDDY_BIN, "serve", "--auth", "verify", "--ephemeral", "--port", "0"],
                       capture_output=True, timeout=20)
    assert r.returncode != 0 and b"--credentials" in r.stderr
    s = EddyServer(data_dir, ["--host", "0.0.0.0"]).start()
    try:
        assert "anyone who can reach it" in s.logs()
    finally:
        s.stop()

"""TLS on the same port: ALPN h2 / http/1.1, with a certificate from scripts/gen-cert.sh."""
import os
import ssl
import subprocess

import httpx
import pytest
from boto3.s3.transfer import TransferConfig

from conftest import ROOT, EddyServer, wait_active


@pytest.fixture
def tls_server(data_dir, tmp_path):
    subprocess.run([str(ROOT / "scripts" / "gen-cert.sh"), str(tmp_path)], check=True, capture_output=True)
    s = EddyServer(data_dir, ["--tls-cert", str(tmp_path / "cert.pem"), "--tls-key", str(tmp_path / "key.pem")]).start()
    s.cert = str(tmp_path / "cert.pem")
    yield s
    s.stop()


def client(server, service):
    import boto3
    return boto3.client(service, endpoint_url=f"https://localhost:{server.port}", region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test", verify=server.cert)


def test_kinesis_and_s3_over_https(tls_server, tmp_path):
    k = client(tls_server, "kinesis")
    k.create_stream(StreamName="secure", ShardCount=1)
    wait_active(k, "secure")
    k.put_record(StreamName="secure", PartitionKey="p", Data=b"tls")
    # Plain HTTP keeps working on the same port.
    assert tls_server.client().list_streams()["StreamNames"] == ["secure"]
    s3 = client(tls_server, "s3")
    s3.create_bucket(Bucket="secure-bucket")
    # Over https botocore sends aws-chunked bodies with a trailing CRC32.
    s3.put_object(Bucket="secure-bucket", Key="small", Body=b"chunked over tls")
    head = s3.head_object(Bucket="secure-bucket", Key="small", ChecksumMode="ENABLED")
    assert head["ContentLength"] == len(b"chunked over tls") and head["ChecksumCRC32"]
    data = os.urandom(12 * 1024 * 1024)
    (tmp_path / "big").write_bytes(data)
    s3.upload_file(str(tmp_path / "big"), "secure-bucket", "big", Config=TransferConfig(multipart_threshold=8 << 20))
    s3.download_file("secure-bucket", "big", str(tmp_path / "back"))
    assert (tmp_path / "back").read_bytes() == data


def test_alpn_h2_over_tls(tls_server):
    with httpx.Client(http2=True, verify=ssl.create_default_context(cafile=tls_server.cert), timeout=10) as c:
        r = c.post(f"https://localhost:{tls_server.port}/", content=b"{}",
                   headers={"X-Amz-Target": "Kinesis_20131202.ListStreams", "Content-Type": "application/x-amz-json-1.1"})
        assert r.http_version == "HTTP/2" and r.status_code == 200
    with httpx.Client(http2=False, verify=ssl.create_default_context(cafile=tls_server.cert), timeout=10) as c:
        r = c.get(f"https://localhost:{tls_server.port}/_eddy/health")
        assert r.http_version == "HTTP/1.1" and r.json()["services"]["kinesis"] == "running"

"""S3 with boto3, the aws-cli and hand-built requests against the real server."""
import base64
import hashlib
import http.client
import os
import socket
import subprocess
import threading
import time
import urllib.request
import zlib

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from conftest import EddyServer


@pytest.fixture
def s3(server):
    return server.client("s3")


def code_of(excinfo):
    return excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"], excinfo.value.response["Error"]["Code"]


def test_buckets(s3, server):
    s3.create_bucket(Bucket="alpha")
    s3.create_bucket(Bucket="beta")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["alpha", "beta"]
    s3.head_bucket(Bucket="alpha")
    assert s3.get_bucket_location(Bucket="alpha")["LocationConstraint"] is None
    eu = server.client("s3", region="eu-west-1")
    eu.create_bucket(Bucket="gamma", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert eu.get_bucket_location(Bucket="gamma")["LocationConstraint"] == "eu-west-1"
    with pytest.raises(ClientError) as e:
        eu.create_bucket(Bucket="gamma", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert code_of(e) == (409, "BucketAlreadyOwnedByYou")
    with pytest.raises(ClientError) as e:
        server.client("s3", access_key="123456789012").create_bucket(Bucket="alpha")
    assert code_of(e) == (409, "BucketAlreadyExists")
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket="Bad_Name")
    assert code_of(e) == (400, "InvalidBucketName")
    s3.put_object(Bucket="alpha", Key="chk", Body=b"x")
    with pytest.raises(ClientError) as e:
        s3.delete_bucket(Bucket="alpha")
    assert code_of(e) == (409, "BucketNotEmpty")
    s3.delete_object(Bucket="alpha", Key="chk")
    s3.delete_bucket(Bucket="alpha")
    with pytest.raises(ClientError) as e:
        s3.head_bucket(Bucket="alpha")
    assert code_of(e)[0] == 404
    s3.put_bucket_tagging(Bucket="beta", Tagging={"TagSet": [{"Key": "team", "Value": "data"}]})
    assert s3.get_bucket_tagging(Bucket="beta")["TagSet"] == [{"Key": "team", "Value": "data"}]


def test_objects_metadata_ranges_and_conditionals(s3):
    s3.create_bucket(Bucket="bkt")
    body = bytes(range(256)) * 40
    put = s3.put_object(Bucket="bkt", Key="dir/file.bin", Body=body, ContentType="application/x-test",
                        Metadata={"color": "blue"}, CacheControl="max-age=60", ContentDisposition="attachment",
                        Tagging="a=1&b=2")
    assert put["ETag"] == '"%s"' % hashlib.md5(body).hexdigest()
    got = s3.get_object(Bucket="bkt", Key="dir/file.bin")
    assert got["Body"].read() == body
    assert got["ContentType"] == "application/x-test" and got["Metadata"] == {"color": "blue"}
    assert got["CacheControl"] == "max-age=60" and got["ContentDisposition"] == "attachment"
    assert got["TagCount"] == 2
    head = s3.head_object(Bucket="bkt", Key="dir/file.bin")
    assert head["ContentLength"] == len(body) and head["ETag"] == put["ETag"]
    part = s3.get_object(Bucket="bkt", Key="dir/file.bin", Range="bytes=10-19")
    assert part["Body"].read() == body[10:20] and part["ContentRange"] == f"bytes 10-19/{len(body)}"
    assert s3.get_object(Bucket="bkt", Key="dir/file.bin", Range="bytes=-5")["Body"].read() == body[-5:]
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="bkt", Key="dir/file.bin", Range=f"bytes={len(body)}-")
    assert code_of(e) == (416, "InvalidRange")
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="bkt", Key="dir/file.bin", IfMatch='"nope"')
    assert code_of(e) == (412, "PreconditionFailed")
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="bkt", Key="dir/file.bin", IfNoneMatch=put["ETag"])
    assert code_of(e)[0] == 304
    over = s3.get_object(Bucket="bkt", Key="dir/file.bin", ResponseContentType="text/plain", ResponseContentDisposition="inline")
    assert over["ContentType"] == "text/plain" and over["ContentDisposition"] == "inline"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="bkt", Key="missing")
    assert code_of(e) == (404, "NoSuchKey")
    assert s3.get_object_tagging(Bucket="bkt", Key="dir/file.bin")["TagSet"] == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    s3.put_object_tagging(Bucket="bkt", Key="dir/file.bin", Tagging={"TagSet": [{"Key": "x", "Value": "y"}]})
    assert s3.get_object_tagging(Bucket="bkt", Key="dir/file.bin")["TagSet"] == [{"Key": "x", "Value": "y"}]
    s3.put_object(Bucket="bkt", Key="empty", Body=b"")
    assert s3.get_object(Bucket="bkt", Key="empty")["Body"].read() == b""


def test_listing_with_delimiters_and_pages(s3):
    s3.create_bucket(Bucket="lst")
    keys = ["a/1", "a/2", "a/b/3", "cpy", "d/4", "d/5", "e f", "ü"]
    for k in keys:
        s3.put_object(Bucket="lst", Key=k, Body=k.encode())
    r = s3.list_objects_v2(Bucket="lst", Delimiter="/")
    assert [c["Key"] for c in r["Contents"]] == ["cpy", "e f", "ü"]
    assert [p["Prefix"] for p in r["CommonPrefixes"]] == ["a/", "d/"]
    r = s3.list_objects_v2(Bucket="lst", Prefix="a/", Delimiter="/")
    assert [c["Key"] for c in r["Contents"]] == ["a/1", "a/2"] and [p["Prefix"] for p in r["CommonPrefixes"]] == ["a/b/"]
    pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket="lst", PaginationConfig={"PageSize": 3}))
    assert [c["Key"] for p in pages for c in p.get("Contents", [])] == sorted(keys, key=lambda k: k.encode())
    assert len(pages) == 3
    assert [c["Key"] for c in s3.list_objects_v2(Bucket="lst", StartAfter="d/4")["Contents"]] == ["d/5", "e f", "ü"]
    v1 = s3.list_objects(Bucket="lst", Marker="cpy", MaxKeys=2)
    assert [c["Key"] for c in v1["Contents"]] == ["d/4", "d/5"] and v1["IsTruncated"]
    enc = s3.list_objects_v2(Bucket="lst", Prefix="e", EncodingType="url")
    assert [c["Key"] for c in enc["Contents"]] == ["e%20f"]  # asked for explicitly, botocore leaves it encoded
    deleted = s3.delete_objects(Bucket="lst", Delete={"Objects": [{"Key": "a/1"}, {"Key": "cpy"}, {"Key": "never"}]})
    assert sorted(d["Key"] for d in deleted["Deleted"]) == ["a/1", "cpy", "never"]
    assert s3.list_objects_v2(Bucket="lst")["KeyCount"] == len(keys) - 2


def test_copy_object(s3):
    s3.create_bucket(Bucket="cpy")
    s3.put_object(Bucket="cpy", Key="src", Body=b"copy me", Metadata={"mpu": "1"}, ContentType="text/plain")
    r = s3.copy_object(Bucket="cpy", Key="dst", CopySource={"Bucket": "cpy", "Key": "src"})
    assert r["CopyObjectResult"]["ETag"] == '"%s"' % hashlib.md5(b"copy me").hexdigest()
    got = s3.get_object(Bucket="cpy", Key="dst")
    assert got["Body"].read() == b"copy me" and got["Metadata"] == {"mpu": "1"} and got["ContentType"] == "text/plain"
    s3.copy_object(Bucket="cpy", Key="dst2", CopySource="cpy/src", MetadataDirective="REPLACE", Metadata={"n": "2"})
    assert s3.head_object(Bucket="cpy", Key="dst2")["Metadata"] == {"n": "2"}
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket="cpy", Key="src", CopySource="cpy/src")
    assert code_of(e) == (400, "InvalidRequest")


def test_multipart_with_checksums_and_transfer_manager(s3, tmp_path):
    s3.create_bucket(Bucket="mpu")
    data = os.urandom(22 * 1024 * 1024 + 123)
    src = tmp_path / "big.bin"
    src.write_bytes(data)
    config = TransferConfig(multipart_threshold=8 * 1024 * 1024, multipart_chunksize=8 * 1024 * 1024)
    s3.upload_file(str(src), "mpu", "big.bin", Config=config, ExtraArgs={"ChecksumAlgorithm": "SHA256"})
    head = s3.head_object(Bucket="mpu", Key="big.bin", ChecksumMode="ENABLED")
    assert head["ContentLength"] == len(data)
    assert head["ETag"].endswith('-3"')
    assert head["ChecksumSHA256"].endswith("-3")
    dst = tmp_path / "back.bin"
    s3.download_file("mpu", "big.bin", str(dst), Config=config)
    assert dst.read_bytes() == data
    # Parts rules: too small parts and wrong order are refused.
    up = s3.create_multipart_upload(Bucket="mpu", Key="small-parts")
    e1 = s3.upload_part(Bucket="mpu", Key="small-parts", UploadId=up["UploadId"], PartNumber=1, Body=b"a" * 100)["ETag"]
    e2 = s3.upload_part(Bucket="mpu", Key="small-parts", UploadId=up["UploadId"], PartNumber=2, Body=b"bkt" * 100)["ETag"]
    parts = s3.list_parts(Bucket="mpu", Key="small-parts", UploadId=up["UploadId"])["Parts"]
    assert [p["PartNumber"] for p in parts] == [1, 2]
    assert [u["Key"] for u in s3.list_multipart_uploads(Bucket="mpu")["Uploads"]] == ["small-parts"]
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket="mpu", Key="small-parts", UploadId=up["UploadId"],
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]})
    assert code_of(e) == (400, "EntityTooSmall")
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket="mpu", Key="small-parts", UploadId=up["UploadId"],
                                     MultipartUpload={"Parts": [{"PartNumber": 2, "ETag": e2}, {"PartNumber": 1, "ETag": e1}]})
    assert code_of(e) == (400, "InvalidPartOrder")
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket="mpu", Key="small-parts", UploadId=up["UploadId"],
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"0000"'}]})
    assert code_of(e) == (400, "InvalidPart")
    # A single small part is a valid (last) part.
    done = s3.complete_multipart_upload(Bucket="mpu", Key="small-parts", UploadId=up["UploadId"],
                                        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}]})
    assert done["ETag"].endswith('-1"')
    assert s3.get_object(Bucket="mpu", Key="small-parts")["Body"].read() == b"a" * 100
    up2 = s3.create_multipart_upload(Bucket="mpu", Key="aborted")
    s3.abort_multipart_upload(Bucket="mpu", Key="aborted", UploadId=up2["UploadId"])
    with pytest.raises(ClientError) as e:
        s3.list_parts(Bucket="mpu", Key="aborted", UploadId=up2["UploadId"])
    assert code_of(e) == (404, "NoSuchUpload")
    # UploadPartCopy of a range.
    up3 = s3.create_multipart_upload(Bucket="mpu", Key="copied")
    etag = s3.upload_part_copy(Bucket="mpu", Key="copied", UploadId=up3["UploadId"], PartNumber=1,
                               CopySource="mpu/big.bin", CopySourceRange="bytes=0-99")["CopyPartResult"]["ETag"]
    s3.complete_multipart_upload(Bucket="mpu", Key="copied", UploadId=up3["UploadId"],
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert s3.get_object(Bucket="mpu", Key="copied")["Body"].read() == data[:100]


def test_checksums_and_content_md5_are_verified(s3, server):
    s3.create_bucket(Bucket="chk")
    for algorithm in ["CRC32", "SHA1", "SHA256"]:  # CRC32C needs awscrt in botocore
        r = s3.put_object(Bucket="chk", Key=algorithm, Body=b"checked body", ChecksumAlgorithm=algorithm)
        head = s3.head_object(Bucket="chk", Key=algorithm, ChecksumMode="ENABLED")
        assert head[f"Checksum{algorithm}"] == r[f"Checksum{algorithm}"]
    good = base64.b64encode(hashlib.md5(b"abc").digest()).decode()
    s3.put_object(Bucket="chk", Key="md5", Body=b"abc", ContentMD5=good)
    status, body = raw(server, "PUT", "/chk/bad-md5", b"abc", {"Content-MD5": base64.b64encode(b"0" * 16).decode()})
    assert status == 400 and b"<Code>BadDigest</Code>" in body
    wrong_crc = base64.b64encode(zlib.crc32(b"other").to_bytes(4, "big")).decode()
    status, body = raw(server, "PUT", "/chk/bad-crc", b"abc", {"x-amz-checksum-crc32": wrong_crc})
    assert status == 400 and b"BadDigest" in body
    with pytest.raises(ClientError):
        s3.head_object(Bucket="chk", Key="bad-crc")


def raw(server, method, path, body=b"", headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, data


def test_aws_chunked_bodies(s3, server):
    s3.create_bucket(Bucket="chunked")
    payload = b"hello small file\n" * 1000
    crc = base64.b64encode(zlib.crc32(payload).to_bytes(4, "big")).decode()
    chunks = b""
    for i in range(0, len(payload), 4096):
        piece = payload[i:i + 4096]
        chunks += b"%x\r\n" % len(piece) + piece + b"\r\n"
    unsigned = chunks + b"0\r\nx-amz-checksum-crc32:" + crc.encode() + b"\r\n\r\n"
    headers = {"Content-Encoding": "aws-chunked", "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
               "x-amz-trailer": "x-amz-checksum-crc32", "x-amz-decoded-content-length": str(len(payload))}
    status, body = raw(server, "PUT", "/chunked/unsigned", unsigned, headers)
    assert status == 200, body
    head = s3.head_object(Bucket="chunked", Key="unsigned", ChecksumMode="ENABLED")
    assert head["ContentLength"] == len(payload) and head["ChecksumCRC32"] == crc
    assert "ContentEncoding" not in head
    sig = b";chunk-signature=" + b"0" * 64
    signed = b"".join(b"%x" % len(payload[i:i + 8192]) + sig + b"\r\n" + payload[i:i + 8192] + b"\r\n"
                      for i in range(0, len(payload), 8192)) + b"0" + sig + b"\r\n\r\n"
    status, body = raw(server, "PUT", "/chunked/signed", signed, {"Content-Encoding": "aws-chunked",
                                                             "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"})
    assert status == 200, body
    assert s3.get_object(Bucket="chunked", Key="signed")["Body"].read() == payload
    bad = chunks + b"0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n"
    status, body = raw(server, "PUT", "/chunked/bad", bad, headers)
    assert status == 400 and b"BadDigest" in body


def test_presigned_urls(s3):
    s3.create_bucket(Bucket="pre")
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": "pre", "Key": "pre signed.txt"}, ExpiresIn=300)
    req = urllib.request.Request(put_url, data=b"via presigned PUT", method="PUT")
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 200
    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": "pre", "Key": "pre signed.txt"}, ExpiresIn=300)
    with urllib.request.urlopen(get_url, timeout=10) as r:
        assert r.read() == b"via presigned PUT"


def test_keys_cannot_escape_the_store(s3, data_dir):
    s3.create_bucket(Bucket="esc")
    for key in ["../../outside", "/abs/path", "a/../../b", "x" * 1024, "ünï/cødé ✓"]:
        s3.put_object(Bucket="esc", Key=key, Body=key.encode())
        assert s3.get_object(Bucket="esc", Key=key)["Body"].read() == key.encode()
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket="esc", Key="y" * 1025, Body=b"")
    assert code_of(e)[1] == "KeyTooLongError"
    parent = os.path.dirname(data_dir)
    assert not os.path.exists(os.path.join(parent, "outside")) and not os.path.exists("/abs/path")
    names = [n for _, _, files in os.walk(os.path.join(data_dir, "s3", "objects")) for n in files]
    assert all(len(n) == 32 and all(ch in "0123456789abcdef" for ch in n) for n in names)


def test_kill9_during_large_upload_leaves_no_partial_object(data_dir):
    s = EddyServer(data_dir).start()
    s3 = s.client("s3")
    s3.create_bucket(Bucket="crash")
    s3.put_object(Bucket="crash", Key="acked", Body=b"kept")
    sock = socket.create_connection(("127.0.0.1", s.port))
    size = 200 * 1024 * 1024
    sock.sendall(b"PUT /crash/partial HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % size)
    chunk = b"z" * (1 << 20)
    for _ in range(50):
        sock.sendall(chunk)
    s.kill9()
    sock.close()
    s2 = EddyServer(data_dir)
    s2.port = s.port
    s2.start()
    try:
        c = s2.client("s3")
        assert c.get_object(Bucket="crash", Key="acked")["Body"].read() == b"kept"
        with pytest.raises(ClientError) as e:
            c.head_object(Bucket="crash", Key="partial")
        assert code_of(e)[0] == 404
        assert os.listdir(os.path.join(data_dir, "s3", "tmp")) == []
    finally:
        s2.stop()


def test_cli_s3_commands(server, tmp_path):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="")

    def aws(*args):
        r = subprocess.run(["aws", "--endpoint-url", server.endpoint, *args], env=env, capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        return r.stdout

    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("alpha")
    (src / "sub").mkdir()
    (src / "sub" / "b.bin").write_bytes(os.urandom(21 * 1024 * 1024))
    aws("s3", "mb", "s3://cli-bucket")
    aws("s3", "cp", str(src / "a.txt"), "s3://cli-bucket/a.txt")
    aws("s3", "sync", str(src), "s3://cli-bucket/synced/")
    listing = aws("s3", "ls", "--recursive", "s3://cli-bucket/")
    assert "synced/sub/b.bin" in listing and "a.txt" in listing
    aws("s3", "cp", "s3://cli-bucket/synced/sub/b.bin", str(tmp_path / "b.back"))
    assert (tmp_path / "b.back").read_bytes() == (src / "sub" / "b.bin").read_bytes()
    aws("s3", "mv", "s3://cli-bucket/a.txt", "s3://cli-bucket/moved.txt")
    assert "moved.txt" in aws("s3", "ls", "s3://cli-bucket/") and " a.txt" not in aws("s3", "ls", "s3://cli-bucket/")
    aws("s3", "rm", "--recursive", "s3://cli-bucket/")
    aws("s3", "rb", "s3://cli-bucket")
    assert "cli-bucket" not in aws("s3", "ls")


def test_s3api_errors_and_virtual_hosts(server):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="")
    r = subprocess.run(["aws", "--endpoint-url", server.endpoint, "s3api", "put-object", "--bucket", "no-such-bucket",
                        "--key", "k", "--body", __file__], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and "NoSuchBucket" in r.stderr
    status, body = raw(server, "PUT", "/vhost-bucket", b"")
    assert status == 200
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("PUT", "/via-host.txt", body=b"virtual", headers={"Host": f"vhost-bucket.localhost:{server.port}"})
    assert conn.getresponse().status == 200
    conn.close()
    status, body = raw(server, "GET", "/vhost-bucket/via-host.txt")
    assert status == 200 and body == b"virtual"
    status, body = raw(server, "GET", "/vhost-bucket/via-host.txt?torrent")
    assert status == 501 and b"<Code>NotImplemented</Code>" in body
    status, body = raw(server, "POST", "/vhost-bucket/via-host.txt")
    assert status == 405 and b"MethodNotAllowed" in body

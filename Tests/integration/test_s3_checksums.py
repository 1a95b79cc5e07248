"""S3 checksums with boto3 as current SDKs use them: S3's default CRC-64/NVME on every new
object, the checksum type on answers, the multipart checksum rules, parts read back by number,
GetObjectAttributes' part list, and RFC 2047 metadata."""
import base64
import hashlib
import os
import shutil
import subprocess
import sys
import zlib

import pytest
from botocore.exceptions import ClientError


def crc64nvme(data):
    # Bit by bit, from the definition: reflected polynomial 0x9A6C9329AC4BC9B5.
    crc = (1 << 64) - 1
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x9A6C9329AC4BC9B5 if crc & 1 else crc >> 1
    return base64.b64encode((crc ^ ((1 << 64) - 1)).to_bytes(8, "big")).decode()


def crc32(data):
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def error(call, **kwargs):
    with pytest.raises(ClientError) as e:
        call(**kwargs)
    r = e.value.response
    return r["Error"]["Code"], r["Error"].get("Message", ""), r["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def plain_s3(server):
    """A client that sends no checksum of its own (as SDKs before 2025 and curl do)."""
    s3 = server.client("s3", request_checksum_calculation="when_required", response_checksum_validation="when_required")
    s3.create_bucket(Bucket="sums")
    return s3


def test_s3_gives_every_new_object_a_crc64nvme(server, plain_s3):
    s3 = plain_s3
    data = os.urandom(3000) + b"tail"
    put = s3.put_object(Bucket="sums", Key="plain", Body=data)
    assert put["ChecksumCRC64NVME"] == crc64nvme(data)
    assert put["ChecksumType"] == "FULL_OBJECT"
    head = s3.head_object(Bucket="sums", Key="plain", ChecksumMode="ENABLED")
    assert head["ChecksumCRC64NVME"] == crc64nvme(data) and head["ChecksumType"] == "FULL_OBJECT"
    listed = s3.list_objects_v2(Bucket="sums")["Contents"][0]
    assert listed["ChecksumAlgorithm"] == ["CRC64NVME"] and listed["ChecksumType"] == "FULL_OBJECT"
    attributes = s3.get_object_attributes(Bucket="sums", Key="plain", ObjectAttributes=["Checksum"])
    assert attributes["Checksum"] == {"ChecksumCRC64NVME": crc64nvme(data), "ChecksumType": "FULL_OBJECT"}
    # A checksum the client sends is the one kept, and no default beside it.
    current = server.client("s3")
    sent = current.put_object(Bucket="sums", Key="crc32", Body=data, ChecksumAlgorithm="CRC32")
    assert sent["ChecksumCRC32"] == crc32(data) and "ChecksumCRC64NVME" not in sent
    # A copy keeps the source's algorithm, or takes the one asked for.
    copy = s3.copy_object(Bucket="sums", Key="copy", CopySource={"Bucket": "sums", "Key": "plain"})["CopyObjectResult"]
    assert copy["ChecksumCRC64NVME"] == crc64nvme(data) and copy["ChecksumType"] == "FULL_OBJECT"
    copy = s3.copy_object(Bucket="sums", Key="copy2", CopySource={"Bucket": "sums", "Key": "plain"}, ChecksumAlgorithm="SHA256")
    assert copy["CopyObjectResult"]["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(data).digest()).decode()


def test_sha512_and_md5_checksums_are_verified_and_xxhash_refused_by_name(server, plain_s3):
    s3 = plain_s3
    data = b"sha512 body"
    good = base64.b64encode(hashlib.sha512(data).digest()).decode()
    headers = {"x-amz-checksum-sha512": good}

    def add(request, **_):
        for k, v in headers.items():
            request.headers[k] = v
    s3.meta.events.register("before-sign.s3.PutObject", add)
    s3.put_object(Bucket="sums", Key="sha512", Body=data)
    assert s3.head_object(Bucket="sums", Key="sha512", ChecksumMode="ENABLED")["ResponseMetadata"]["HTTPHeaders"]["x-amz-checksum-sha512"] == good
    headers = {"x-amz-checksum-sha512": base64.b64encode(hashlib.sha512(b"other").digest()).decode()}
    assert error(s3.put_object, Bucket="sums", Key="sha512", Body=data)[0] == "BadDigest"
    headers = {"x-amz-checksum-xxhash64": "AAAAAAAAAAA="}
    code, message, status = error(s3.put_object, Bucket="sums", Key="xx", Body=data)
    assert (code, status) == ("NotImplemented", 501) and "XXHASH64" in message
    assert error(s3.head_object, Bucket="sums", Key="xx")[2] == 404


def upload(s3, key, parts, **create):
    u = s3.create_multipart_upload(Bucket="sums", Key=key, **create)["UploadId"]
    done = []
    for n, data in parts:
        extra = {"ChecksumAlgorithm": create["ChecksumAlgorithm"]} if "ChecksumAlgorithm" in create else {}
        r = s3.upload_part(Bucket="sums", Key=key, UploadId=u, PartNumber=n, Body=data, **extra)
        part = {"PartNumber": n, "ETag": r["ETag"]}
        for field in ("ChecksumCRC32", "ChecksumSHA256", "ChecksumCRC64NVME"):
            if field in r:
                part[field] = r[field]
        done.append(part)
    return u, done


def test_multipart_checksums_parts_by_number_and_attributes(server, plain_s3):
    s3 = plain_s3
    one, two, three = os.urandom(5 << 20), os.urandom(5 << 20), b"last part"
    # No algorithm named: the object gets S3's full-object CRC-64/NVME.
    u, parts = upload(s3, "big", [(1, one), (2, two), (4, three)])
    done = s3.complete_multipart_upload(Bucket="sums", Key="big", UploadId=u, MultipartUpload={"Parts": parts})
    assert done["ChecksumCRC64NVME"] == crc64nvme(one + two + three) and done["ChecksumType"] == "FULL_OBJECT"
    assert "DisplayName" not in s3.list_multipart_uploads(Bucket="sums").get("Uploads", [{}])[0].get("Owner", {})
    # Parallel downloaders read parts by their numbers.
    head = s3.head_object(Bucket="sums", Key="big", PartNumber=1)
    assert head["PartsCount"] == 3 and head["ContentLength"] == len(one)
    part = s3.get_object(Bucket="sums", Key="big", PartNumber=4)
    assert part["Body"].read() == three and part["ContentRange"] == f"bytes {len(one) * 2}-{len(one) * 2 + len(three) - 1}/{len(one) * 2 + len(three)}"
    assert s3.get_object(Bucket="sums", Key="big", PartNumber=2)["Body"].read() == two
    assert error(s3.get_object, Bucket="sums", Key="big", PartNumber=3)[0:3:2] == ("InvalidPartNumber", 416)
    assert error(s3.get_object, Bucket="sums", Key="big", PartNumber=1, Range="bytes=0-1")[0] == "InvalidRequest"
    s3.put_object(Bucket="sums", Key="small", Body=b"abc")
    assert s3.get_object(Bucket="sums", Key="small", PartNumber=1)["Body"].read() == b"abc"
    assert error(s3.get_object, Bucket="sums", Key="small", PartNumber=2)[0] == "InvalidPartNumber"
    attributes = s3.get_object_attributes(Bucket="sums", Key="big", ObjectAttributes=["ObjectParts", "ObjectSize"])
    assert attributes["ObjectParts"] == {"TotalPartsCount": 3} and attributes["ObjectSize"] == len(one) * 2 + len(three)

    # A composite SHA-256 upload: every part must bring it, and the part list shows them.
    u, parts = upload(s3, "composite", [(1, one), (2, three)], ChecksumAlgorithm="SHA256")
    missing = [{"PartNumber": p["PartNumber"], "ETag": p["ETag"]} for p in parts]
    code, message, _ = error(s3.complete_multipart_upload, Bucket="sums", Key="composite", UploadId=u, MultipartUpload={"Parts": missing})
    assert code == "InvalidRequest" and "It was missing for part 1" in message
    wrong = s3.upload_part
    code, message, _ = error(wrong, Bucket="sums", Key="composite", UploadId=u, PartNumber=3, Body=b"x")
    assert code == "InvalidRequest" and message.endswith("expected checksum Type: sha256, actual checksum Type: null")
    done = s3.complete_multipart_upload(Bucket="sums", Key="composite", UploadId=u, MultipartUpload={"Parts": parts})
    composite = base64.b64encode(hashlib.sha256(hashlib.sha256(one).digest() + hashlib.sha256(three).digest()).digest()).decode() + "-2"
    assert done["ChecksumSHA256"] == composite and done["ChecksumType"] == "COMPOSITE"
    attributes = s3.get_object_attributes(Bucket="sums", Key="composite", ObjectAttributes=["ObjectParts"], MaxParts=1)["ObjectParts"]
    assert attributes["TotalPartsCount"] == 2 and attributes["IsTruncated"] and attributes["NextPartNumberMarker"] == 1
    assert attributes["Parts"] == [{"PartNumber": 1, "Size": len(one), "ChecksumSHA256": base64.b64encode(hashlib.sha256(one).digest()).decode()}]
    rest = s3.get_object_attributes(Bucket="sums", Key="composite", ObjectAttributes=["ObjectParts"], PartNumberMarker=1)["ObjectParts"]
    assert [p["PartNumber"] for p in rest["Parts"]] == [2] and not rest["IsTruncated"]

    # A full-object CRC32 upload: parts may come without it, the whole is checked against it.
    u = s3.create_multipart_upload(Bucket="sums", Key="full", ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT")["UploadId"]
    r1 = s3.upload_part(Bucket="sums", Key="full", UploadId=u, PartNumber=1, Body=one)
    r2 = s3.upload_part(Bucket="sums", Key="full", UploadId=u, PartNumber=2, Body=three)
    parts = [{"PartNumber": 1, "ETag": r1["ETag"]}, {"PartNumber": 2, "ETag": r2["ETag"]}]
    bad = error(s3.complete_multipart_upload, Bucket="sums", Key="full", UploadId=u, MultipartUpload={"Parts": parts},
                ChecksumCRC32=crc32(b"not it"), ChecksumType="FULL_OBJECT")
    assert bad[0] == "BadDigest"
    mode = error(s3.complete_multipart_upload, Bucket="sums", Key="full", UploadId=u, MultipartUpload={"Parts": parts}, ChecksumType="COMPOSITE")
    assert mode[0] == "InvalidRequest"
    done = s3.complete_multipart_upload(Bucket="sums", Key="full", UploadId=u, MultipartUpload={"Parts": parts},
                                        ChecksumCRC32=crc32(one + three), ChecksumType="FULL_OBJECT")
    assert done["ChecksumCRC32"] == crc32(one + three) and done["ChecksumType"] == "FULL_OBJECT"
    for bad_create in ({"ChecksumAlgorithm": "SHA1", "ChecksumType": "FULL_OBJECT"},
                       {"ChecksumAlgorithm": "CRC64NVME", "ChecksumType": "COMPOSITE"}):
        assert error(s3.create_multipart_upload, Bucket="sums", Key="x", **bad_create)[0] == "InvalidRequest"


def test_rfc2047_metadata_is_decoded_and_answered_mail_safe(server, plain_s3):
    s3 = plain_s3
    s3.put_object(Bucket="sums", Key="meta", Body=b"x",
                  Metadata={"city": "=?UTF-8?Q?Z=C3=BCrich?=", "word": "=?utf-8?B?Y2Fmw6k=?= =?utf-8?B?IG5vaXI=?=", "plain": "as is"})
    headers = s3.head_object(Bucket="sums", Key="meta")["ResponseMetadata"]["HTTPHeaders"]
    decoded = {k: base64.b64decode(v[len("=?UTF-8?B?"):-2]).decode() if v.startswith("=?UTF-8?B?") else v
               for k, v in headers.items() if k.startswith("x-amz-meta-")}
    assert decoded == {"x-amz-meta-city": "Zürich", "x-amz-meta-word": "café noir", "x-amz-meta-plain": "as is"}
    code, _, status = error(s3.put_object, Bucket="sums", Key="huge", Body=b"x", Metadata={"big": "v" * 2100})
    assert (code, status) == ("MetadataTooLarge", 400)


S3FS_SCRIPT = r"""
import sys, s3fs
fs = s3fs.S3FileSystem(key="test", secret="test", client_kwargs={"endpoint_url": sys.argv[1], "region_name": "eu-west-1"})
fs.mkdir("tree")
for i in range(30):
    fs.pipe(f"tree/dir{i % 3}/file{i}.json", b'{"n": %d}' % i)
assert len(fs.find("tree")) == 30, fs.find("tree")
assert fs.cat("tree/dir1/file4.json") == b'{"n": 4}'
fs.rm("tree", recursive=True)
fs.invalidate_cache()
assert not fs.exists("tree"), "bucket still there"
print("ok")
"""


def s3fs_python():
    here = os.path.dirname(os.path.abspath(__file__))
    candidate = os.environ.get("EDDY_S3FS_PYTHON") or os.path.join(here, "..", "..", ".venv-s3fs", "bin", "python")
    return candidate if os.path.exists(candidate) else None


@pytest.mark.skipif(s3fs_python() is None, reason="s3fs is installed by scripts/test.sh into .venv-s3fs")
def test_s3fs_writes_lists_and_removes_a_bucket_recursively(server):
    out = subprocess.run([s3fs_python(), "-c", S3FS_SCRIPT, server.endpoint], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-3000:]
    assert "tree" not in [b["Name"] for b in server.client("s3", region="eu-west-1").list_buckets()["Buckets"]]

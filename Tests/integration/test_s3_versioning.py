"""S3 versioning with boto3 and the aws-cli: version ids, delete markers, ListObjectVersions
paging, version-addressed reads, copies, tagging and deletes, suspension, and durability."""
import json
import os
import sqlite3
import subprocess
import time

import pytest
from botocore.exceptions import ClientError

from conftest import EddyServer


def error(call, **kwargs):
    with pytest.raises(ClientError) as e:
        call(**kwargs)
    response = e.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["ResponseMetadata"]["HTTPHeaders"]


def body(s3, key, **kwargs):
    return s3.get_object(Bucket="docs", Key=key, **kwargs)["Body"].read()


def test_versions_delete_markers_and_their_answers(server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="docs")
    assert "Status" not in s3.get_bucket_versioning(Bucket="docs")
    before = s3.put_object(Bucket="docs", Key="a.txt", Body=b"zero")
    assert "VersionId" not in before
    s3.put_bucket_versioning(Bucket="docs", VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket="docs")["Status"] == "Enabled"
    v1 = s3.put_object(Bucket="docs", Key="a.txt", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket="docs", Key="a.txt", Body=b"two")["VersionId"]
    assert len(v1) == 32 and v1 != v2
    assert body(s3, "a.txt") == b"two"
    assert body(s3, "a.txt", VersionId=v1) == b"one" and body(s3, "a.txt", VersionId="null") == b"zero"
    assert s3.head_object(Bucket="docs", Key="a.txt", VersionId=v1)["VersionId"] == v1
    assert s3.get_object(Bucket="docs", Key="a.txt")["VersionId"] == v2
    # A delete hides the key behind a marker; the versions stay.
    deleted = s3.delete_object(Bucket="docs", Key="a.txt")
    assert deleted["DeleteMarker"] is True and len(deleted["VersionId"]) == 32
    marker = deleted["VersionId"]
    code, status, headers = error(s3.get_object, Bucket="docs", Key="a.txt")
    assert (code, status) == ("NoSuchKey", 404) and headers["x-amz-delete-marker"] == "true" and headers["x-amz-version-id"] == marker
    code, status, headers = error(s3.head_object, Bucket="docs", Key="a.txt")
    assert status == 404 and headers["x-amz-delete-marker"] == "true"
    code, status, headers = error(s3.get_object, Bucket="docs", Key="a.txt", VersionId=marker)
    assert (code, status) == ("MethodNotAllowed", 405) and headers["x-amz-delete-marker"] == "true"
    assert error(s3.get_object, Bucket="docs", Key="a.txt", VersionId="x" * 32)[:2] == ("NoSuchVersion", 404)
    assert error(s3.get_object, Bucket="docs", Key="a.txt", VersionId="not-a-version")[:2] == ("InvalidArgument", 400)
    assert "a.txt" not in [o["Key"] for o in s3.list_objects_v2(Bucket="docs").get("Contents", [])]
    listed = s3.list_object_versions(Bucket="docs")
    assert [(v["VersionId"], v["IsLatest"]) for v in listed["Versions"]] == [(v2, False), (v1, False), ("null", False)]
    assert [(m["VersionId"], m["IsLatest"]) for m in listed["DeleteMarkers"]] == [(marker, True)]
    # Removing the marker by its id brings the key back.
    undone = s3.delete_object(Bucket="docs", Key="a.txt", VersionId=marker)
    assert undone["DeleteMarker"] is True and undone["VersionId"] == marker
    assert body(s3, "a.txt") == b"two"
    # A version removed for good; the one before becomes the latest.
    s3.delete_object(Bucket="docs", Key="a.txt", VersionId=v2)
    assert body(s3, "a.txt") == b"one"
    assert s3.list_object_versions(Bucket="docs")["Versions"][0]["IsLatest"] is True
    # Tagging a version, and copying from one.
    s3.put_object_tagging(Bucket="docs", Key="a.txt", VersionId="null", Tagging={"TagSet": [{"Key": "era", "Value": "before"}]})
    assert s3.get_object_tagging(Bucket="docs", Key="a.txt", VersionId="null")["TagSet"] == [{"Key": "era", "Value": "before"}]
    assert s3.get_object_tagging(Bucket="docs", Key="a.txt")["TagSet"] == []
    copied = s3.copy_object(Bucket="docs", Key="b.txt", CopySource={"Bucket": "docs", "Key": "a.txt", "VersionId": "null"})
    assert copied["CopySourceVersionId"] == "null" and len(copied["VersionId"]) == 32 and body(s3, "b.txt") == b"zero"


def test_suspended_buckets_write_the_null_version(server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="docs")
    s3.put_bucket_versioning(Bucket="docs", VersioningConfiguration={"Status": "Enabled"})
    kept = s3.put_object(Bucket="docs", Key="k", Body=b"kept")["VersionId"]
    s3.put_bucket_versioning(Bucket="docs", VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket="docs")["Status"] == "Suspended"
    s3.put_object(Bucket="docs", Key="k", Body=b"first null")
    s3.put_object(Bucket="docs", Key="k", Body=b"second null")
    versions = s3.list_object_versions(Bucket="docs")["Versions"]
    assert [(v["VersionId"], v["Size"]) for v in versions] == [("null", 11), (kept, 4)]
    # A delete while suspended is a null delete marker, replacing the null version.
    assert s3.delete_object(Bucket="docs", Key="k")["VersionId"] == "null"
    listed = s3.list_object_versions(Bucket="docs")
    assert [v["VersionId"] for v in listed["Versions"]] == [kept]
    assert [m["VersionId"] for m in listed["DeleteMarkers"]] == ["null"]
    # MFA delete cannot be turned on without an MFA device.
    code, status, _ = error(s3.put_bucket_versioning, Bucket="docs",
                            VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"})
    assert (code, status) == ("AccessDenied", 403)


def test_listing_pages_and_emptying_a_versioned_bucket(server):
    """What Terraform's force_destroy and `aws s3 rb --force` do: list every version, delete them."""
    s3 = server.client("s3")
    s3.create_bucket(Bucket="docs")
    s3.put_bucket_versioning(Bucket="docs", VersioningConfiguration={"Status": "Enabled"})
    for key in ["logs/1", "logs/2", "top"]:
        for i in range(3):
            s3.put_object(Bucket="docs", Key=key, Body=str(i).encode())
    s3.delete_object(Bucket="docs", Key="top")
    pages = list(s3.get_paginator("list_object_versions").paginate(Bucket="docs", PaginationConfig={"PageSize": 2}))
    assert len(pages) == 5
    entries = [(v["Key"], v["VersionId"]) for p in pages for v in p.get("Versions", []) + p.get("DeleteMarkers", [])]
    assert len(entries) == 10 and len(set(entries)) == 10
    grouped = s3.list_object_versions(Bucket="docs", Delimiter="/")
    assert [p["Prefix"] for p in grouped["CommonPrefixes"]] == ["logs/"] and {v["Key"] for v in grouped["Versions"]} == {"top"}
    assert error(s3.delete_bucket, Bucket="docs")[:2] == ("BucketNotEmpty", 409)
    answer = s3.delete_objects(Bucket="docs", Delete={"Objects": [{"Key": k, "VersionId": v} for k, v in entries]})
    assert len(answer["Deleted"]) == 10 and "Errors" not in answer
    assert [d for d in answer["Deleted"] if d.get("DeleteMarker")] and all(d["VersionId"] for d in answer["Deleted"])
    assert "Versions" not in s3.list_object_versions(Bucket="docs")
    s3.delete_bucket(Bucket="docs")
    # An unversioned bucket lists its objects as the null version.
    s3.create_bucket(Bucket="plain")
    s3.put_object(Bucket="plain", Key="x", Body=b"x")
    assert [(v["VersionId"], v["IsLatest"]) for v in s3.list_object_versions(Bucket="plain")["Versions"]] == [("null", True)]


def test_versions_survive_kill_9_and_an_earlier_catalog_is_carried_over(data_dir):
    # A catalog as Eddy wrote it before versioning: one row per key.
    os.makedirs(os.path.join(data_dir, "s3", "objects", "ab"))
    with open(os.path.join(data_dir, "s3", "objects", "ab", "abcdef"), "wb") as f:
        f.write(b"old body")
    db = sqlite3.connect(os.path.join(data_dir, "s3", "catalog.sqlite"))
    db.executescript("""
        CREATE TABLE buckets (name TEXT PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, created_ms INTEGER NOT NULL, tags TEXT);
        CREATE TABLE objects (bucket TEXT NOT NULL REFERENCES buckets(name) ON DELETE CASCADE, key TEXT NOT NULL,
            file TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL, modified_ms INTEGER NOT NULL,
            headers TEXT NOT NULL, checksum_algorithm TEXT, checksum TEXT, checksum_type TEXT, parts INTEGER,
            tags TEXT, PRIMARY KEY (bucket, key));
        INSERT INTO buckets VALUES ('old', '000000000000', 'us-east-1', 1700000000000, NULL);
        INSERT INTO objects VALUES ('old', 'kept.txt', 'objects/ab/abcdef', 8, '"e"', 1700000000000, 'content-type\x1ftext/plain',
                                    NULL, NULL, NULL, NULL, NULL);
    """)
    db.commit()
    db.close()
    server = EddyServer(data_dir).start()
    s3 = server.client("s3")
    assert s3.get_object(Bucket="old", Key="kept.txt")["Body"].read() == b"old body"
    s3.put_bucket_versioning(Bucket="old", VersioningConfiguration={"Status": "Enabled"})
    v = s3.put_object(Bucket="old", Key="kept.txt", Body=b"new body")["VersionId"]
    marker = s3.delete_object(Bucket="old", Key="kept.txt")["VersionId"]
    server.kill9()
    server = EddyServer(data_dir).start()
    try:
        s3 = server.client("s3")
        env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1")
        out = subprocess.run(["aws", "--endpoint-url", server.endpoint, "s3api", "list-object-versions", "--bucket", "old"],
                             capture_output=True, text=True, env=env, check=True).stdout
        listed = json.loads(out)
        assert [x["VersionId"] for x in listed["Versions"]] == [v, "null"]
        assert [(m["VersionId"], m["IsLatest"]) for m in listed["DeleteMarkers"]] == [(marker, True)]
        assert s3.get_object(Bucket="old", Key="kept.txt", VersionId="null")["Body"].read() == b"old body"
        assert s3.get_bucket_versioning(Bucket="old")["Status"] == "Enabled"
    finally:
        server.stop()


def test_object_attributes(server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="docs")
    s3.put_bucket_versioning(Bucket="docs", VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket="docs", Key="a", Body=b"12345", ChecksumAlgorithm="SHA256")
    s3.put_object(Bucket="docs", Key="a", Body=b"later")
    got = s3.get_object_attributes(Bucket="docs", Key="a", VersionId=first["VersionId"],
                                   ObjectAttributes=["ETag", "Checksum", "StorageClass", "ObjectSize"])
    assert got["ETag"] == first["ETag"].strip('"') and got["ObjectSize"] == 5 and got["StorageClass"] == "STANDARD"
    assert got["Checksum"]["ChecksumSHA256"] == first["ChecksumSHA256"] and got["VersionId"] == first["VersionId"]
    upload = s3.create_multipart_upload(Bucket="docs", Key="m")
    parts = [s3.upload_part(Bucket="docs", Key="m", UploadId=upload["UploadId"], PartNumber=n, Body=b"x" * (5 << 20 if n == 1 else 1))
             for n in (1, 2)]
    s3.complete_multipart_upload(Bucket="docs", Key="m", UploadId=upload["UploadId"], MultipartUpload={
        "Parts": [{"PartNumber": n, "ETag": p["ETag"]} for n, p in zip((1, 2), parts)]})
    assert s3.get_object_attributes(Bucket="docs", Key="m", ObjectAttributes=["ObjectParts"])["ObjectParts"]["TotalPartsCount"] == 2
    assert error(s3.get_object_attributes, Bucket="docs", Key="nothing", ObjectAttributes=["ETag"])[:2] == ("NoSuchKey", 404)


def test_conditional_writes(server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="docs")
    first = s3.put_object(Bucket="docs", Key="once", Body=b"1", IfNoneMatch="*")
    code, status, _ = error(s3.put_object, Bucket="docs", Key="once", Body=b"2", IfNoneMatch="*")
    assert (code, status) == ("PreconditionFailed", 412)
    assert error(s3.put_object, Bucket="docs", Key="once", Body=b"2", IfMatch='"0123"')[:2] == ("PreconditionFailed", 412)
    s3.put_object(Bucket="docs", Key="once", Body=b"2", IfMatch=first["ETag"])
    assert body(s3, "once") == b"2"
    assert error(s3.put_object, Bucket="docs", Key="absent", Body=b"x", IfMatch=first["ETag"])[:2] == ("NoSuchKey", 404)
    upload = s3.create_multipart_upload(Bucket="docs", Key="once")
    part = s3.upload_part(Bucket="docs", Key="once", UploadId=upload["UploadId"], PartNumber=1, Body=b"m")
    parts = {"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]}
    assert error(s3.complete_multipart_upload, Bucket="docs", Key="once", UploadId=upload["UploadId"], MultipartUpload=parts,
                 IfNoneMatch="*")[:2] == ("PreconditionFailed", 412)
    # The upload survives a refused completion and completes without the condition.
    s3.complete_multipart_upload(Bucket="docs", Key="once", UploadId=upload["UploadId"], MultipartUpload=parts)
    assert body(s3, "once") == b"m"


def test_object_lock_is_enforced(server):
    import datetime
    s3 = server.client("s3")
    s3.create_bucket(Bucket="vault", ObjectLockEnabledForBucket=True)
    assert s3.get_bucket_versioning(Bucket="vault")["Status"] == "Enabled"
    assert s3.get_object_lock_configuration(Bucket="vault")["ObjectLockConfiguration"] == {"ObjectLockEnabled": "Enabled"}
    assert error(s3.put_bucket_versioning, Bucket="vault", VersioningConfiguration={"Status": "Suspended"})[:2] == ("InvalidBucketState", 409)
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    locked = s3.put_object(Bucket="vault", Key="ledger", Body=b"1", ObjectLockMode="COMPLIANCE", ObjectLockRetainUntilDate=later)
    head = s3.head_object(Bucket="vault", Key="ledger")
    assert head["ObjectLockMode"] == "COMPLIANCE" and abs((head["ObjectLockRetainUntilDate"] - later).total_seconds()) < 1
    retention = s3.get_object_retention(Bucket="vault", Key="ledger")["Retention"]
    assert retention["Mode"] == "COMPLIANCE"
    assert error(s3.delete_object, Bucket="vault", Key="ledger", VersionId=locked["VersionId"])[:2] == ("AccessDenied", 403)
    assert error(s3.put_object_retention, Bucket="vault", Key="ledger", Retention={
        "Mode": "COMPLIANCE", "RetainUntilDate": later - datetime.timedelta(hours=1)})[:2] == ("AccessDenied", 403)
    # A delete without a version id only adds a delete marker, which a lock does not stop.
    assert s3.delete_object(Bucket="vault", Key="ledger")["DeleteMarker"] is True
    # Governance can be bypassed on purpose; a legal hold cannot.
    governed = s3.put_object(Bucket="vault", Key="draft", Body=b"d", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=later)
    assert error(s3.delete_object, Bucket="vault", Key="draft", VersionId=governed["VersionId"])[:2] == ("AccessDenied", 403)
    s3.delete_object(Bucket="vault", Key="draft", VersionId=governed["VersionId"], BypassGovernanceRetention=True)
    held = s3.put_object(Bucket="vault", Key="held", Body=b"h")
    s3.put_object_legal_hold(Bucket="vault", Key="held", LegalHold={"Status": "ON"})
    assert s3.get_object_legal_hold(Bucket="vault", Key="held")["LegalHold"] == {"Status": "ON"}
    assert error(s3.delete_object, Bucket="vault", Key="held", VersionId=held["VersionId"], BypassGovernanceRetention=True)[0] == "AccessDenied"
    s3.put_object_legal_hold(Bucket="vault", Key="held", LegalHold={"Status": "OFF"})
    s3.delete_object(Bucket="vault", Key="held", VersionId=held["VersionId"])
    # A default retention applies to every new version.
    s3.put_object_lock_configuration(Bucket="vault", ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
    s3.put_object(Bucket="vault", Key="new", Body=b"n")
    assert s3.head_object(Bucket="vault", Key="new")["ObjectLockMode"] == "GOVERNANCE"
    # Without Object Lock a bucket refuses lock settings.
    s3.create_bucket(Bucket="plain")
    s3.put_object(Bucket="plain", Key="k", Body=b"k")
    assert error(s3.put_object, Bucket="plain", Key="k", Body=b"k", ObjectLockLegalHoldStatus="ON")[0] == "InvalidRequest"
    assert error(s3.get_object_lock_configuration, Bucket="plain")[:2] == ("ObjectLockConfigurationNotFoundError", 404)
    assert error(s3.put_object_lock_configuration, Bucket="plain", ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})[0] == \
        "InvalidBucketState"


def test_every_acknowledged_version_survives_kill_9(data_dir):
    """Versioned writes from four threads, the server killed with SIGKILL in the middle: every
    version acknowledged before the kill is listed and reads back whole afterwards."""
    import threading
    server = EddyServer(data_dir).start()
    s3 = server.client("s3")
    s3.create_bucket(Bucket="durable")
    s3.put_bucket_versioning(Bucket="durable", VersioningConfiguration={"Status": "Enabled"})
    acknowledged = {}
    lock = threading.Lock()

    def writer(n):
        client = server.client("s3")
        for i in range(10_000):
            body = f"{n}-{i}-".encode() * 50
            try:
                version = client.put_object(Bucket="durable", Key=f"k{n}", Body=body)["VersionId"]
            except Exception:
                return
            with lock:
                acknowledged[(f"k{n}", version)] = body

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    deadline = time.time() + 30
    while len(acknowledged) < 200 and time.time() < deadline:
        time.sleep(0.05)
    server.kill9()
    for t in threads:
        t.join(30)
    assert len(acknowledged) >= 200
    server = EddyServer(data_dir).start()
    try:
        s3 = server.client("s3")
        listed = set()
        for page in s3.get_paginator("list_object_versions").paginate(Bucket="durable"):
            listed |= {(v["Key"], v["VersionId"]) for v in page.get("Versions", [])}
        missing = set(acknowledged) - listed
        assert not missing, f"{len(missing)} acknowledged versions missing"
        for (key, version), body in list(acknowledged.items())[::25]:
            assert s3.get_object(Bucket="durable", Key=key, VersionId=version)["Body"].read() == body
        # Each key has exactly one latest version.
        latest = [v for p in s3.get_paginator("list_object_versions").paginate(Bucket="durable") for v in p.get("Versions", []) if v["IsLatest"]]
        assert sorted(v["Key"] for v in latest) == [f"k{n}" for n in range(4)]
    finally:
        server.stop()

"""S3 lifecycle rules, applied: with a lifecycle day of one second and a sweep every 200 ms,
expirations, noncurrent versions, expired delete markers, incomplete uploads and transitions
act as S3's daily run makes them act."""
import time

import pytest
from botocore.exceptions import ClientError

from conftest import EddyServer


@pytest.fixture
def fast_lifecycle(data_dir):
    s = EddyServer(data_dir, ["--lifecycle-interval", "0.2", "--lifecycle-day-seconds", "1"]).start()
    yield s
    s.stop()


def wait_until(check, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def test_rules_are_checked_and_applied(fast_lifecycle):
    s3 = fast_lifecycle.client("s3")
    s3.create_bucket(Bucket="aging")
    with pytest.raises(ClientError) as e:
        s3.get_bucket_lifecycle_configuration(Bucket="aging")
    assert e.value.response["Error"]["Code"] == "NoSuchLifecycleConfiguration"
    with pytest.raises(ClientError) as e:
        s3.put_bucket_lifecycle_configuration(Bucket="aging", LifecycleConfiguration={"Rules": [
            {"ID": "x", "Filter": {"Prefix": ""}, "Status": "Enabled", "Expiration": {"Days": 0}}]})
    assert e.value.response["Error"]["Code"] == "InvalidArgument"
    with pytest.raises(ClientError) as e:
        s3.put_bucket_lifecycle_configuration(Bucket="aging", LifecycleConfiguration={"Rules": [
            {"ID": "x", "Filter": {"Prefix": ""}, "Status": "Enabled"}]})
    assert e.value.response["Error"]["Message"] == "At least one action needs to be specified in a rule"

    s3.put_bucket_versioning(Bucket="aging", VersioningConfiguration={"Status": "Enabled"})
    rules = [
        {"ID": "tmp", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled", "Expiration": {"Days": 1},
         "NoncurrentVersionExpiration": {"NoncurrentDays": 1}, "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}},
        {"ID": "markers", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled", "Expiration": {"ExpiredObjectDeleteMarker": True}},
        {"ID": "cold", "Filter": {"Prefix": "cold/"}, "Status": "Enabled", "Transitions": [{"Days": 1, "StorageClass": "GLACIER"}]},
        {"ID": "off", "Filter": {"Prefix": "keep/"}, "Status": "Disabled", "Expiration": {"Days": 1}},
    ]
    answer = s3.put_bucket_lifecycle_configuration(Bucket="aging", LifecycleConfiguration={"Rules": rules})
    assert answer["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
    got = s3.get_bucket_lifecycle_configuration(Bucket="aging")["Rules"]
    assert [r["ID"] for r in got] == ["tmp", "markers", "cold", "off"] and got[0]["Expiration"] == {"Days": 1}
    s3.put_object(Bucket="aging", Key="tmp/a", Body=b"v1")
    s3.put_object(Bucket="aging", Key="tmp/a", Body=b"v2")
    s3.put_object(Bucket="aging", Key="keep/a", Body=b"kept")
    s3.put_object(Bucket="aging", Key="cold/a", Body=b"cold")
    s3.create_multipart_upload(Bucket="aging", Key="tmp/upload")

    def tmp_versions():
        listed = s3.list_object_versions(Bucket="aging", Prefix="tmp/")
        return listed.get("Versions", []) + listed.get("DeleteMarkers", [])

    # The object expires (a delete marker), its versions go a day after they were replaced, and
    # the marker left alone goes too: nothing of tmp/ remains.
    assert wait_until(lambda: tmp_versions() == [])
    assert s3.list_multipart_uploads(Bucket="aging").get("Uploads", []) == []
    assert wait_until(lambda: [o["StorageClass"] for o in s3.list_objects_v2(Bucket="aging", Prefix="cold/")["Contents"]] == ["GLACIER"])
    assert s3.get_object(Bucket="aging", Key="keep/a")["Body"].read() == b"kept"
    s3.delete_bucket_lifecycle(Bucket="aging")
    with pytest.raises(ClientError):
        s3.get_bucket_lifecycle_configuration(Bucket="aging")


def test_archived_objects_are_read_after_a_restore(data_dir):
    server = EddyServer(data_dir, ["--restore-seconds", "0.5"]).start()
    try:
        s3 = server.client("s3")
        s3.create_bucket(Bucket="vault")
        with pytest.raises(ClientError) as e:
            s3.put_object(Bucket="vault", Key="x", Body=b"x", StorageClass="BOGUS")
        assert e.value.response["Error"]["Code"] == "InvalidStorageClass"
        s3.put_object(Bucket="vault", Key="frozen", Body=b"cold data", StorageClass="GLACIER")
        s3.put_object(Bucket="vault", Key="warm", Body=b"warm")
        assert s3.head_object(Bucket="vault", Key="frozen")["StorageClass"] == "GLACIER"
        with pytest.raises(ClientError) as e:
            s3.get_object(Bucket="vault", Key="frozen")
        assert (e.value.response["Error"]["Code"], e.value.response["ResponseMetadata"]["HTTPStatusCode"]) == ("InvalidObjectState", 403)
        with pytest.raises(ClientError) as e:
            s3.restore_object(Bucket="vault", Key="warm", RestoreRequest={"Days": 1})
        assert e.value.response["Error"]["Code"] == "InvalidObjectState"
        started = s3.restore_object(Bucket="vault", Key="frozen", RestoreRequest={"Days": 2, "GlacierJobParameters": {"Tier": "Expedited"}})
        assert started["ResponseMetadata"]["HTTPStatusCode"] == 202
        assert s3.head_object(Bucket="vault", Key="frozen")["Restore"] == 'ongoing-request="true"'
        with pytest.raises(ClientError) as e:
            s3.restore_object(Bucket="vault", Key="frozen", RestoreRequest={"Days": 2})
        assert e.value.response["Error"]["Code"] == "RestoreAlreadyInProgress"
        assert wait_until(lambda: 'ongoing-request="false"' in s3.head_object(Bucket="vault", Key="frozen").get("Restore", ""), timeout=10)
        assert s3.get_object(Bucket="vault", Key="frozen")["Body"].read() == b"cold data"
        assert "eddy-" not in str(s3.head_object(Bucket="vault", Key="frozen")["ResponseMetadata"]["HTTPHeaders"])
        assert s3.restore_object(Bucket="vault", Key="frozen", RestoreRequest={"Days": 3})["ResponseMetadata"]["HTTPStatusCode"] == 200
    finally:
        server.stop()

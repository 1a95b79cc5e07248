"""S3 bucket settings with boto3: the defaults of a bucket created today, and each setting put,
read back as S3 writes it, and deleted, with AWS's errors where one is absent or refused."""
import json

import pytest
from botocore.exceptions import ClientError


def error(call, **kwargs):
    with pytest.raises(ClientError) as e:
        call(**kwargs)
    return e.value.response["Error"]["Code"], e.value.response["ResponseMetadata"]["HTTPStatusCode"], e.value.response["Error"]["Message"]


def test_a_new_bucket_has_todays_defaults(server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="fresh", CreateBucketConfiguration={"Tags": [{"Key": "team", "Value": "data"}]})
    assert s3.get_public_access_block(Bucket="fresh")["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    assert s3.get_bucket_ownership_controls(Bucket="fresh")["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    rule = s3.get_bucket_encryption(Bucket="fresh")["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"} and rule["BucketKeyEnabled"] is False
    assert s3.get_bucket_request_payment(Bucket="fresh")["Payer"] == "BucketOwner"
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket="fresh")
    assert "Status" not in s3.get_bucket_accelerate_configuration(Bucket="fresh")
    assert s3.get_bucket_tagging(Bucket="fresh")["TagSet"] == [{"Key": "team", "Value": "data"}]
    for call, code in [(s3.get_bucket_website, "NoSuchWebsiteConfiguration"), (s3.get_bucket_policy, "NoSuchBucketPolicy"),
                       (s3.get_bucket_replication, "ReplicationConfigurationNotFoundError")]:
        assert error(call, Bucket="fresh")[:2] == (code, 404)
    # ACLs are disabled: a bucket cannot be created with a public canned ACL.
    assert error(s3.create_bucket, Bucket="acl-bucket", ACL="public-read")[0] == "InvalidBucketAclWithObjectOwnership"
    s3.create_bucket(Bucket="writer-owned", ObjectOwnership="ObjectWriter")
    assert s3.get_bucket_ownership_controls(Bucket="writer-owned")["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "ObjectWriter"}]


def test_settings_are_kept_and_removed(server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="kept")
    s3.delete_public_access_block(Bucket="kept")
    assert error(s3.get_public_access_block, Bucket="kept")[:2] == ("NoSuchPublicAccessBlockConfiguration", 404)
    s3.put_public_access_block(Bucket="kept", PublicAccessBlockConfiguration={"BlockPublicAcls": True, "BlockPublicPolicy": False})
    assert s3.get_public_access_block(Bucket="kept")["PublicAccessBlockConfiguration"] == {"BlockPublicAcls": True, "BlockPublicPolicy": False}
    s3.put_bucket_ownership_controls(Bucket="kept", OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
    assert s3.get_bucket_ownership_controls(Bucket="kept")["OwnershipControls"]["Rules"][0]["ObjectOwnership"] == "BucketOwnerPreferred"
    s3.delete_bucket_ownership_controls(Bucket="kept")
    assert error(s3.get_bucket_ownership_controls, Bucket="kept")[:2] == ("OwnershipControlsNotFoundError", 404)
    kms = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/data"},
                      "BucketKeyEnabled": True}]}
    s3.put_bucket_encryption(Bucket="kept", ServerSideEncryptionConfiguration=kms)
    assert s3.get_bucket_encryption(Bucket="kept")["ServerSideEncryptionConfiguration"] == kms
    assert error(s3.put_bucket_encryption, Bucket="kept", ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256", "KMSMasterKeyID": "k"}}]})[0] == "InvalidArgument"
    # Deleting the encryption falls back to S3's default, as it does since 2023.
    s3.delete_bucket_encryption(Bucket="kept")
    assert s3.get_bucket_encryption(Bucket="kept")["ServerSideEncryptionConfiguration"]["Rules"][0][
        "ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    s3.put_bucket_website(Bucket="kept", WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"},
                                                                "ErrorDocument": {"Key": "404.html"}})
    assert s3.get_bucket_website(Bucket="kept")["IndexDocument"] == {"Suffix": "index.html"}
    assert error(s3.put_bucket_website, Bucket="kept", WebsiteConfiguration={"ErrorDocument": {"Key": "e"}})[0] == "InvalidArgument"
    s3.delete_bucket_website(Bucket="kept")
    assert error(s3.get_bucket_website, Bucket="kept")[0] == "NoSuchWebsiteConfiguration"
    assert error(s3.put_bucket_logging, Bucket="kept", BucketLoggingStatus={
        "LoggingEnabled": {"TargetBucket": "nowhere", "TargetPrefix": "logs/"}})[0] == "InvalidTargetBucketForLogging"
    s3.create_bucket(Bucket="kept-logs")
    s3.put_bucket_logging(Bucket="kept", BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "kept-logs", "TargetPrefix": "logs/"}})
    assert s3.get_bucket_logging(Bucket="kept")["LoggingEnabled"] == {"TargetBucket": "kept-logs", "TargetPrefix": "logs/"}
    s3.put_bucket_request_payment(Bucket="kept", RequestPaymentConfiguration={"Payer": "Requester"})
    assert s3.get_bucket_request_payment(Bucket="kept")["Payer"] == "Requester"
    s3.put_bucket_accelerate_configuration(Bucket="kept", AccelerateConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_accelerate_configuration(Bucket="kept")["Status"] == "Enabled"


def test_policies_are_checked_and_public_ones_blocked(server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="site")
    public = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                                       "Resource": "arn:aws:s3:::site/*"}]}
    assert error(s3.put_bucket_policy, Bucket="site", Policy="not json")[:2] == ("MalformedPolicy", 400)
    wrong = dict(public, Statement=[dict(public["Statement"][0], Resource="arn:aws:s3:::other/*")])
    assert error(s3.put_bucket_policy, Bucket="site", Policy=json.dumps(wrong))[2] == "Policy has invalid resource"
    assert error(s3.put_bucket_policy, Bucket="site", Policy=json.dumps({"Statement": [{"Effect": "Allow"}]}))[2] == \
        "Missing required field Principal"
    # Block Public Access is on for a new bucket: a public policy is refused until it is relaxed.
    assert error(s3.put_bucket_policy, Bucket="site", Policy=json.dumps(public))[:2] == ("AccessDenied", 403)
    s3.put_public_access_block(Bucket="site", PublicAccessBlockConfiguration={"BlockPublicPolicy": False})
    s3.put_bucket_policy(Bucket="site", Policy=json.dumps(public))
    assert json.loads(s3.get_bucket_policy(Bucket="site")["Policy"]) == public
    assert s3.get_bucket_policy_status(Bucket="site")["PolicyStatus"]["IsPublic"] is True
    narrowed = dict(public, Statement=[dict(public["Statement"][0], Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})])
    s3.put_bucket_policy(Bucket="site", Policy=json.dumps(narrowed))
    assert s3.get_bucket_policy_status(Bucket="site")["PolicyStatus"]["IsPublic"] is False
    s3.delete_bucket_policy(Bucket="site")
    assert error(s3.get_bucket_policy, Bucket="site")[:2] == ("NoSuchBucketPolicy", 404)


def test_replication_needs_versioning_and_notifications_need_a_reachable_destination(server):
    s3 = server.client("s3")
    for name in ["source", "replica"]:
        s3.create_bucket(Bucket=name)
    replication = {"Role": "arn:aws:iam::000000000000:role/replication",
                   "Rules": [{"ID": "all", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
                              "DeleteMarkerReplication": {"Status": "Disabled"},
                              "Destination": {"Bucket": "arn:aws:s3:::replica"}}]}
    code, _, message = error(s3.put_bucket_replication, Bucket="source", ReplicationConfiguration=replication)
    assert code == "InvalidRequest" and message == "Versioning must be 'Enabled' on the bucket to apply a replication configuration"
    for name in ["source", "replica"]:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_replication(Bucket="source", ReplicationConfiguration=replication)
    got = s3.get_bucket_replication(Bucket="source")["ReplicationConfiguration"]
    assert got["Rules"][0]["Destination"]["Bucket"] == "arn:aws:s3:::replica" and got["Role"] == replication["Role"]
    s3.delete_bucket_replication(Bucket="source")
    assert error(s3.get_bucket_replication, Bucket="source")[0] == "ReplicationConfigurationNotFoundError"
    assert s3.get_bucket_notification_configuration(Bucket="source").keys() <= {"ResponseMetadata"}
    code, _, message = error(s3.put_bucket_notification_configuration, Bucket="source", NotificationConfiguration={
        "QueueConfigurations": [{"QueueArn": "arn:aws:sqs:us-east-1:000000000000:q", "Events": ["s3:ObjectCreated:*"]}]})
    assert code == "InvalidArgument" and message == "Unable to validate the following destination configurations"
    s3.put_bucket_notification_configuration(Bucket="source", NotificationConfiguration={"EventBridgeConfiguration": {}})
    assert "EventBridgeConfiguration" in s3.get_bucket_notification_configuration(Bucket="source")
    # A bucket's settings go with it.
    s3.delete_bucket(Bucket="replica")
    s3.create_bucket(Bucket="replica")
    assert "Status" not in s3.get_bucket_versioning(Bucket="replica")


def test_every_object_answer_says_how_it_is_encrypted(server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="enc")
    assert s3.put_object(Bucket="enc", Key="a", Body=b"a")["ServerSideEncryption"] == "AES256"
    assert s3.get_object(Bucket="enc", Key="a")["ServerSideEncryption"] == "AES256"
    assert s3.head_object(Bucket="enc", Key="a")["ServerSideEncryption"] == "AES256"
    kms = s3.put_object(Bucket="enc", Key="k", Body=b"k", ServerSideEncryption="aws:kms", SSEKMSKeyId="alias/mine")
    assert kms["ServerSideEncryption"] == "aws:kms" and kms["SSEKMSKeyId"] == "alias/mine"
    assert error(s3.put_object, Bucket="enc", Key="x", Body=b"x", ServerSideEncryption="AES256", SSEKMSKeyId="k")[0] == "InvalidArgument"
    # The bucket's default applies to objects written without their own, copies and uploads included.
    s3.put_bucket_encryption(Bucket="enc", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": True}]})
    by_default = s3.put_object(Bucket="enc", Key="d", Body=b"d")
    assert by_default["ServerSideEncryption"] == "aws:kms" and by_default["SSEKMSKeyId"].endswith(":alias/aws/s3")
    assert by_default["BucketKeyEnabled"] is True
    assert s3.copy_object(Bucket="enc", Key="a2", CopySource={"Bucket": "enc", "Key": "a"})["ServerSideEncryption"] == "aws:kms"
    upload = s3.create_multipart_upload(Bucket="enc", Key="m")
    assert upload["ServerSideEncryption"] == "aws:kms"
    part = s3.upload_part(Bucket="enc", Key="m", UploadId=upload["UploadId"], PartNumber=1, Body=b"m")
    done = s3.complete_multipart_upload(Bucket="enc", Key="m", UploadId=upload["UploadId"],
                                        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    assert done["ServerSideEncryption"] == "aws:kms"
    # SSE-C: every read needs the key the object was written with.
    key = bytes(range(32))
    written = s3.put_object(Bucket="enc", Key="c", Body=b"secret", SSECustomerAlgorithm="AES256", SSECustomerKey=key)
    assert written["SSECustomerAlgorithm"] == "AES256" and "ServerSideEncryption" not in written
    assert error(s3.get_object, Bucket="enc", Key="c")[:2] == ("InvalidRequest", 400)
    assert error(s3.get_object, Bucket="enc", Key="c", SSECustomerAlgorithm="AES256", SSECustomerKey=bytes(32))[:2] == ("AccessDenied", 403)
    got = s3.get_object(Bucket="enc", Key="c", SSECustomerAlgorithm="AES256", SSECustomerKey=key)
    assert got["Body"].read() == b"secret" and got["SSECustomerKeyMD5"] == written["SSECustomerKeyMD5"]
    copied = s3.copy_object(Bucket="enc", Key="c2", CopySource={"Bucket": "enc", "Key": "c"},
                            CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey=key)
    assert copied["ServerSideEncryption"] == "aws:kms"


def test_configurations_kept_by_id(server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="ids")
    s3.create_bucket(Bucket="ids-reports")
    for i in range(3):
        s3.put_bucket_analytics_configuration(Bucket="ids", Id=f"a{i}", AnalyticsConfiguration={
            "Id": f"a{i}", "Filter": {"Prefix": f"p{i}/"}, "StorageClassAnalysis": {}})
    listed = s3.list_bucket_analytics_configurations(Bucket="ids")
    assert [c["Id"] for c in listed["AnalyticsConfigurationList"]] == ["a0", "a1", "a2"] and listed["IsTruncated"] is False
    assert s3.get_bucket_analytics_configuration(Bucket="ids", Id="a1")["AnalyticsConfiguration"]["Filter"] == {"Prefix": "p1/"}
    s3.delete_bucket_analytics_configuration(Bucket="ids", Id="a1")
    assert error(s3.get_bucket_analytics_configuration, Bucket="ids", Id="a1")[:2] == ("NoSuchConfiguration", 404)
    assert error(s3.put_bucket_analytics_configuration, Bucket="ids", Id="x", AnalyticsConfiguration={
        "Id": "y", "StorageClassAnalysis": {}})[0] == "InvalidArgument"
    s3.put_bucket_metrics_configuration(Bucket="ids", Id="all", MetricsConfiguration={"Id": "all"})
    assert s3.list_bucket_metrics_configurations(Bucket="ids")["MetricsConfigurationList"] == [{"Id": "all"}]
    inventory = {"Id": "weekly", "IsEnabled": True, "IncludedObjectVersions": "Current", "Schedule": {"Frequency": "Weekly"},
                 "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::ids-reports", "Format": "CSV"}}}
    s3.put_bucket_inventory_configuration(Bucket="ids", Id="weekly", InventoryConfiguration=inventory)
    assert s3.get_bucket_inventory_configuration(Bucket="ids", Id="weekly")["InventoryConfiguration"] == inventory
    tiering = {"Id": "cold", "Status": "Enabled", "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}]}
    s3.put_bucket_intelligent_tiering_configuration(Bucket="ids", Id="cold", IntelligentTieringConfiguration=tiering)
    assert s3.list_bucket_intelligent_tiering_configurations(Bucket="ids")["IntelligentTieringConfigurationList"] == [tiering]


def test_acls_as_s3_keeps_them(server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="enforced")
    acl = s3.get_bucket_acl(Bucket="enforced")
    owner = acl["Owner"]["ID"]
    assert len(owner) == 64 and acl["Grants"] == [{"Grantee": {"ID": owner, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}]
    # ACLs are disabled under BucketOwnerEnforced: only the owner's full control is accepted.
    s3.put_bucket_acl(Bucket="enforced", ACL="private")
    assert error(s3.put_bucket_acl, Bucket="enforced", ACL="public-read")[0] == "AccessControlListNotSupported"
    s3.put_object(Bucket="enforced", Key="k", Body=b"k", ACL="bucket-owner-full-control")
    assert error(s3.put_object, Bucket="enforced", Key="k", Body=b"k", ACL="public-read")[0] == "AccessControlListNotSupported"
    assert s3.get_object_acl(Bucket="enforced", Key="k")["Grants"][0]["Permission"] == "FULL_CONTROL"
    # With ACLs enabled, grants are kept; public ones only once Block Public Access allows them.
    s3.create_bucket(Bucket="acls", ObjectOwnership="ObjectWriter")
    assert error(s3.put_bucket_acl, Bucket="acls", ACL="public-read")[:2] == ("AccessDenied", 403)
    s3.put_public_access_block(Bucket="acls", PublicAccessBlockConfiguration={"BlockPublicAcls": False})
    s3.put_bucket_acl(Bucket="acls", ACL="public-read")
    grants = s3.get_bucket_acl(Bucket="acls")["Grants"]
    assert {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Permission": "READ"} in grants
    s3.put_object(Bucket="acls", Key="shared", Body=b"s", GrantRead='uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"')
    object_grants = s3.get_object_acl(Bucket="acls", Key="shared")["Grants"]
    assert [g["Permission"] for g in object_grants] == ["READ"]
    s3.put_object_acl(Bucket="acls", Key="shared", AccessControlPolicy={
        "Owner": {"ID": owner}, "Grants": [{"Grantee": {"ID": owner, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"},
                                           {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
                                            "Permission": "READ"}]})
    assert len(s3.get_object_acl(Bucket="acls", Key="shared")["Grants"]) == 2
    assert error(s3.put_object_acl, Bucket="acls", Key="shared", GrantRead='emailAddress="someone@example.com"')[0] == \
        "UnresolvableGrantByEmailAddress"
    upload = s3.create_multipart_upload(Bucket="acls", Key="big", ACL="public-read")
    part = s3.upload_part(Bucket="acls", Key="big", UploadId=upload["UploadId"], PartNumber=1, Body=b"b")
    s3.complete_multipart_upload(Bucket="acls", Key="big", UploadId=upload["UploadId"],
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    assert len(s3.get_object_acl(Bucket="acls", Key="big")["Grants"]) == 2


def test_list_buckets_pages(server):
    s3 = server.client("s3")
    for i in range(5):
        s3.create_bucket(Bucket=f"page-{i}")
    s3.create_bucket(Bucket="other")
    first = s3.list_buckets(MaxBuckets=2, Prefix="page-")
    assert [b["Name"] for b in first["Buckets"]] == ["page-0", "page-1"] and first["ContinuationToken"]
    names = [b["Name"] for p in s3.get_paginator("list_buckets").paginate(Prefix="page-", PaginationConfig={"PageSize": 2})
             for b in p["Buckets"]]
    assert names == [f"page-{i}" for i in range(5)]
    assert "DisplayName" not in s3.list_buckets()["Owner"]
    assert [b["Name"] for b in s3.list_buckets(BucketRegion="eu-west-1")["Buckets"]] == []


def test_locations_owners_and_host_forms(server):
    import http.client
    s3 = server.client("s3")
    s3.create_bucket(Bucket="far-away", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    assert s3.get_bucket_location(Bucket="far-away")["LocationConstraint"] == "eu-west-2"
    eu = server.client("s3", region="eu-west-1")
    assert error(eu.create_bucket, Bucket="elsewhere", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})[0] == \
        "IllegalLocationConstraintException"
    assert error(s3.create_bucket, Bucket="nowhere", CreateBucketConfiguration={"LocationConstraint": "mars-north-1"})[0] == \
        "InvalidLocationConstraint"
    s3.create_bucket(Bucket="mine")
    s3.put_object(Bucket="mine", Key="k", Body=b"v", ExpectedBucketOwner="000000000000")
    assert error(s3.get_object, Bucket="mine", Key="k", ExpectedBucketOwner="111111111111")[:2] == ("AccessDenied", 403)
    # LocalStack's host forms: the bucket in the host, and the service host with the bucket in the path.
    for host, path in [(f"mine.s3.localhost.localstack.cloud:{server.port}", "/k"), (f"s3.localhost.localstack.cloud:{server.port}", "/mine/k")]:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", path, headers={"Host": host})
        response = conn.getresponse()
        assert (response.status, response.read()) == (200, b"v"), host
        conn.close()

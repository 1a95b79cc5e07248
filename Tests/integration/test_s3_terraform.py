"""The calls Terraform's AWS provider makes for an aws_s3_bucket with versioning, public access
block, encryption, ownership controls, policy and lifecycle (force_destroy = true): create, the
refresh that reads every setting, and destroy, replayed with boto3 in the provider's order.
Absent settings must answer the codes the provider treats as "not configured"."""
import json

import pytest
from botocore.exceptions import ClientError

# What the provider's bucket read accepts as "this setting is not configured".
ABSENT = {"NoSuchBucketPolicy", "NoSuchCORSConfiguration", "NoSuchWebsiteConfiguration", "NoSuchLifecycleConfiguration",
          "ReplicationConfigurationNotFoundError", "ObjectLockConfigurationNotFoundError", "NoSuchTagSet",
          "ServerSideEncryptionConfigurationNotFoundError", "NoSuchPublicAccessBlockConfiguration", "OwnershipControlsNotFoundError"}


def read(s3, bucket):
    """The provider's refresh of aws_s3_bucket: every call answers, or answers absent."""
    out = {}
    for name, call in [("policy", s3.get_bucket_policy), ("acl", s3.get_bucket_acl), ("cors", s3.get_bucket_cors),
                       ("website", s3.get_bucket_website), ("versioning", s3.get_bucket_versioning),
                       ("accelerate", s3.get_bucket_accelerate_configuration), ("payer", s3.get_bucket_request_payment),
                       ("logging", s3.get_bucket_logging), ("lifecycle", s3.get_bucket_lifecycle_configuration),
                       ("replication", s3.get_bucket_replication), ("encryption", s3.get_bucket_encryption),
                       ("lock", s3.get_object_lock_configuration), ("tags", s3.get_bucket_tagging),
                       ("location", s3.get_bucket_location), ("pab", s3.get_public_access_block),
                       ("ownership", s3.get_bucket_ownership_controls)]:
        try:
            out[name] = call(Bucket=bucket)
        except ClientError as e:
            code = e.response["Error"]["Code"]
            assert code in ABSENT, f"{name}: {code}"
            out[name] = None
    return out


def test_terraform_creates_refreshes_and_destroys_a_bucket(server):
    s3 = server.client("s3")
    bucket = "tf-state-and-data"
    s3.create_bucket(Bucket=bucket)
    s3.head_bucket(Bucket=bucket)
    fresh = read(s3, bucket)
    assert fresh["policy"] is None and fresh["lifecycle"] is None and fresh["website"] is None
    assert fresh["encryption"]["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "arn:aws:kms:us-east-1:000000000000:key/tf"},
         "BucketKeyEnabled": True}]})
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    policy = {"Version": "2012-10-17", "Statement": [{"Sid": "TLS", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                                                      "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                                                      "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "expire-old-versions", "Status": "Enabled", "Filter": {},
         "NoncurrentVersionExpiration": {"NoncurrentDays": 30}, "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]})
    # The plan's refresh reads back what was applied.
    state = read(s3, bucket)
    assert state["versioning"]["Status"] == "Enabled"
    assert json.loads(state["policy"]["Policy"]) == policy
    assert state["lifecycle"]["Rules"][0]["ID"] == "expire-old-versions"
    assert state["encryption"]["ServerSideEncryptionConfiguration"]["Rules"][0]["BucketKeyEnabled"] is True
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is False
    # Data the bucket holds when it is destroyed: versions and delete markers.
    for i in range(3):
        s3.put_object(Bucket=bucket, Key="terraform.tfstate", Body=json.dumps({"serial": i}).encode())
    s3.delete_object(Bucket=bucket, Key="terraform.tfstate")
    # Destroy: the setting resources first, then the bucket with force_destroy.
    s3.delete_bucket_lifecycle(Bucket=bucket)
    s3.delete_bucket_policy(Bucket=bucket)
    s3.delete_bucket_ownership_controls(Bucket=bucket)
    s3.delete_bucket_encryption(Bucket=bucket)
    s3.delete_public_access_block(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    with pytest.raises(ClientError) as e:
        s3.delete_bucket(Bucket=bucket)
    assert e.value.response["Error"]["Code"] == "BucketNotEmpty"
    while True:
        page = s3.list_object_versions(Bucket=bucket, MaxKeys=1000)
        entries = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        if not entries:
            break
        deleted = s3.delete_objects(Bucket=bucket, BypassGovernanceRetention=True, Delete={"Objects": entries, "Quiet": True})
        assert "Errors" not in deleted
    s3.delete_bucket(Bucket=bucket)
    with pytest.raises(ClientError) as e:
        s3.head_bucket(Bucket=bucket)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404

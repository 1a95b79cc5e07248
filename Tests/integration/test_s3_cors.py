"""CORS on S3 buckets, enforced: a browser's preflight answered from the bucket's rules, and a
cross-origin PUT to a presigned URL answered with the Access-Control headers a browser needs,
with signatures verified."""
import http.client
import urllib.parse

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import EddyServer

KEY, SECRET = "AKIDCORS", "cors-secret"


@pytest.fixture
def verifying(data_dir):
    s = EddyServer(data_dir, ["--auth", "verify", "--credentials", f"{KEY}:{SECRET}:000000000000"]).start()
    yield s
    s.stop()


def request(server, method, path, headers, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def test_preflight_and_a_cross_origin_upload_to_a_presigned_url(verifying):
    s3 = boto3.client("s3", endpoint_url=verifying.endpoint, region_name="us-east-1", aws_access_key_id=KEY,
                      aws_secret_access_key=SECRET, config=Config(retries={"max_attempts": 1}, signature_version="s3v4"))
    s3.create_bucket(Bucket="uploads")
    preflight = {"Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT",
                 "Access-Control-Request-Headers": "content-type, x-amz-meta-owner"}
    status, _, body = request(verifying, "OPTIONS", "/uploads/photo.jpg", preflight)
    assert status == 403 and b"CORS is not enabled for this bucket." in body
    with pytest.raises(ClientError) as e:
        s3.get_bucket_cors(Bucket="uploads")
    assert e.value.response["Error"]["Code"] == "NoSuchCORSConfiguration"
    rules = {"CORSRules": [{"AllowedOrigins": ["https://*.example.com"], "AllowedMethods": ["PUT", "GET"],
                            "AllowedHeaders": ["content-type", "x-amz-*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 600}]}
    s3.put_bucket_cors(Bucket="uploads", CORSConfiguration=rules)
    assert s3.get_bucket_cors(Bucket="uploads")["CORSRules"] == rules["CORSRules"]
    with pytest.raises(ClientError) as e:
        s3.put_bucket_cors(Bucket="uploads", CORSConfiguration={"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]}]})
    assert e.value.response["Error"]["Code"] == "InvalidRequest"

    status, headers, _ = request(verifying, "OPTIONS", "/uploads/photo.jpg", preflight)
    assert status == 200
    assert headers["access-control-allow-origin"] == "https://app.example.com"
    assert headers["access-control-allow-methods"] == "PUT, GET"
    assert headers["access-control-allow-headers"] == "content-type, x-amz-meta-owner"
    assert headers["access-control-max-age"] == "600" and headers["access-control-expose-headers"] == "ETag"
    status, _, body = request(verifying, "OPTIONS", "/uploads/photo.jpg", dict(preflight, Origin="https://evil.test"))
    assert status == 403 and b"AccessForbidden" in body
    status, _, body = request(verifying, "OPTIONS", "/uploads/photo.jpg", {"Access-Control-Request-Method": "PUT"})
    assert status == 400

    # The browser's PUT itself: signed by the presigned URL, sent with its Origin.
    url = urllib.parse.urlsplit(s3.generate_presigned_url("put_object", Params={"Bucket": "uploads", "Key": "photo.jpg"}, ExpiresIn=300))
    status, headers, _ = request(verifying, "PUT", f"{url.path}?{url.query}", {"Origin": "https://app.example.com"}, body=b"jpeg bytes")
    assert status == 200 and headers["access-control-allow-origin"] == "https://app.example.com" and headers["etag"]
    assert s3.get_object(Bucket="uploads", Key="photo.jpg")["Body"].read() == b"jpeg bytes"
    # Unsigned, the same PUT is refused: only the preflight is anonymous.
    status, headers, _ = request(verifying, "PUT", "/uploads/other.jpg", {"Origin": "https://app.example.com"}, body=b"x")
    assert status == 403
    s3.delete_bucket_cors(Bucket="uploads")
    status, _, _ = request(verifying, "OPTIONS", "/uploads/photo.jpg", preflight)
    assert status == 403


def post_form(server, url, fields, file_bytes, filename="photo.jpg"):
    boundary = "----eddyformboundary"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 f'Content-Type: image/jpeg\r\n\r\n'.encode() + file_bytes + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    path = urllib.parse.urlsplit(url).path
    return request(server, "POST", path, {"Content-Type": f"multipart/form-data; boundary={boundary}",
                                          "Origin": "https://app.example.com"}, body=b"".join(parts))


def test_browser_form_uploads_with_a_presigned_post(verifying):
    s3 = boto3.client("s3", endpoint_url=verifying.endpoint, region_name="us-east-1", aws_access_key_id=KEY,
                      aws_secret_access_key=SECRET, config=Config(retries={"max_attempts": 1}, signature_version="s3v4"))
    s3.create_bucket(Bucket="forms")
    s3.put_bucket_cors(Bucket="forms", CORSConfiguration={"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["POST"]}]})
    post = s3.generate_presigned_post("forms", "uploads/${filename}", Fields={"success_action_status": "201"},
                                      Conditions=[["starts-with", "$key", "uploads/"], {"success_action_status": "201"},
                                                  ["content-length-range", 1, 1024]], ExpiresIn=300)
    status, headers, body = post_form(verifying, post["url"], post["fields"], b"jpeg")
    assert status == 201, body
    assert b"<Key>uploads/photo.jpg</Key>" in body and headers["access-control-allow-origin"] == "*"
    assert s3.get_object(Bucket="forms", Key="uploads/photo.jpg")["Body"].read() == b"jpeg"
    # The policy's conditions hold the form: too large, a key outside the prefix, a changed field.
    status, _, body = post_form(verifying, post["url"], post["fields"], b"x" * 2000)
    assert status == 400 and b"EntityTooLarge" in body
    status, _, body = post_form(verifying, post["url"], dict(post["fields"], key="elsewhere/x"), b"jpeg")
    assert status == 403 and b"Policy Condition failed" in body
    status, _, body = post_form(verifying, post["url"], dict(post["fields"], **{"x-amz-meta-extra": "1"}), b"jpeg")
    assert status == 403 and b"Extra input fields" in body
    # A policy signed with another secret is refused.
    forged = dict(post["fields"], **{"x-amz-signature": "0" * 64})
    status, _, body = post_form(verifying, post["url"], forged, b"jpeg")
    assert status == 403 and b"SignatureDoesNotMatch" in body
    expired = s3.generate_presigned_post("forms", "uploads/late.jpg", ExpiresIn=-10)
    status, _, body = post_form(verifying, expired["url"], expired["fields"], b"jpeg")
    assert status == 403 and b"Policy expired" in body

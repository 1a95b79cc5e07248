#!/usr/bin/env python3
"""Records the fuzzers' seed corpus from real clients.

Starts the built server behind a recording proxy, drives it with boto3 (every operation of the
five services, the way an application calls them), the aws-cli, and any further client commands
given (`--client 'CMD'`, run with ENDPOINT set to the proxy), then writes what the clients sent:

  Fuzz/corpus/<service>/   each request as HTTP/1.1 bytes (HTTP/2 requests, as the Java SDK
                           sends them, are re-framed), for the kinesis, firehose, cloudwatch, s3
                           targets;
  Fuzz/corpus/<parser>/    the pieces the parser targets read: JSON, CBOR, XML, awsQuery bodies,
                           Authorization headers and query strings, dates and ranges, S3 heads,
                           model patterns with recorded values, KPL aggregates, event-stream frames.

Usage: scripts/record-corpus.py [--eddy .build/debug/eddy] [--client 'CMD']... [--only TARGET...]
Re-running replaces the seeds of each target (or only of those named; crash inputs under
Fuzz/regressions stay).
"""
import argparse
import base64
import datetime
import glob
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
MAX_SEED = 64 * 1024
PER_GROUP = 6


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RecordingProxy:
    """Forwards every connection to the server and keeps what the client sent on each."""

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.port = free_port()
        self.streams = []
        self.lock = threading.Lock()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(128)
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            sent = bytearray()
            with self.lock:
                self.streams.append(sent)
            threading.Thread(target=self.pump, args=(client, upstream, sent), daemon=True).start()
            threading.Thread(target=self.pump, args=(upstream, client, None), daemon=True).start()

    @staticmethod
    def pump(source, sink, record):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if record is not None:
                    record.extend(data)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def split_http1(data):
    """The requests of one HTTP/1.1 connection: (method, uri, [(name, value)], body)."""
    requests = []
    i = 0
    while i < len(data):
        end = data.find(b"\r\n\r\n", i)
        if end < 0:
            break
        lines = data[i:end].decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) < 3:
            break
        headers = [tuple(x.strip() for x in line.split(":", 1)) for line in lines[1:] if ":" in line]
        names = {n.lower(): v for n, v in headers}
        j = end + 4
        if names.get("transfer-encoding", "").lower() == "chunked":
            body = bytearray()
            while True:
                line_end = data.find(b"\r\n", j)
                if line_end < 0:
                    return requests
                size = int(data[j:line_end].split(b";")[0] or b"0", 16)
                j = line_end + 2
                if size == 0:
                    trailer_end = data.find(b"\r\n\r\n", j - 2)
                    j = (trailer_end + 4) if trailer_end >= 0 else len(data)
                    break
                body += data[j:j + size]
                j += size + 2
            body = bytes(body)
        else:
            length = int(names.get("content-length", "0") or 0)
            body = data[j:j + length]
            j += length
        if names.get("expect", "").lower() == "100-continue":
            headers = [(n, v) for n, v in headers if n.lower() != "expect"]
        requests.append((parts[0], parts[1], headers, body))
        i = j
    return requests


def split_http2(data):
    """The requests of one HTTP/2 connection, read with the h2 library as a server would."""
    import h2.config
    import h2.connection
    import h2.events

    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=False, header_encoding="latin-1"))
    conn.initiate_connection()
    pending = {}
    done = []
    try:
        events = conn.receive_data(bytes(data))
    except Exception:  # a connection cut mid-frame: keep what was complete
        events = []
    for event in events:
        if isinstance(event, h2.events.RequestReceived):
            pending[event.stream_id] = [dict(), bytearray(), event.headers]
        elif isinstance(event, h2.events.DataReceived) and event.stream_id in pending:
            pending[event.stream_id][1] += event.data
            conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
        elif isinstance(event, h2.events.StreamEnded) and event.stream_id in pending:
            _, body, raw = pending.pop(event.stream_id)
            pseudo = {n: v for n, v in raw if n.startswith(":")}
            headers = [(n, v) for n, v in raw if not n.startswith(":")]
            if pseudo.get(":authority"):
                headers.insert(0, ("Host", pseudo[":authority"]))
            done.append((pseudo.get(":method", "GET"), pseudo.get(":path", "/"), headers, bytes(body)))
    # Streams still open (SubscribeToShard's request body is an event stream that stays open).
    for _, body, raw in pending.values():
        pseudo = {n: v for n, v in raw if n.startswith(":")}
        headers = [(n, v) for n, v in raw if not n.startswith(":")]
        done.append((pseudo.get(":method", "GET"), pseudo.get(":path", "/"), headers, bytes(body)))
    return done


def service_of(uri, headers):
    names = {n.lower(): v for n, v in headers}
    auth = names.get("authorization", "")
    scope = None
    if "Credential=" in auth:
        parts = auth.split("Credential=", 1)[1].split(",")[0].split("/")
        if len(parts) >= 5:
            scope = parts[-2]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(uri).query)
    if scope is None and "X-Amz-Credential" in query:
        parts = query["X-Amz-Credential"][0].split("/")
        scope = parts[-2] if len(parts) >= 5 else None
    target = names.get("x-amz-target", "")
    if scope == "kinesis" or target.startswith("Kinesis_"):
        return "kinesis"
    if scope == "firehose" or target.startswith("Firehose_"):
        return "firehose"
    if scope == "monitoring" or target.startswith("GraniteService") or uri.startswith("/service/GraniteService"):
        return "cloudwatch"
    if scope == "dynamodb" or target.startswith("DynamoDB_"):
        return "dynamodb"
    return "s3"


def raw_request(method, uri, headers, body):
    lines = [f"{method} {uri} HTTP/1.1"]
    for n, v in headers:
        if n.lower() in ("content-length", "transfer-encoding"):
            continue
        lines.append(f"{n}: {v}")
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace") + body


def group_of(service, method, uri, headers):
    """Requests of one operation form a group; a few of each are kept."""
    names = {n.lower(): v for n, v in headers}
    if names.get("x-amz-target"):
        return names["x-amz-target"]
    if uri.startswith("/service/"):
        return uri
    query = urllib.parse.urlsplit(uri).query
    keys = sorted(k.split("=")[0] for k in query.split("&") if k)
    return f"{service} {method} {'&'.join(k for k in keys if not k.startswith('X-Amz'))}"


class Corpus:
    def __init__(self, root):
        self.root = root
        self.seeds = {}

    def add(self, target, data):
        if not data or len(data) > MAX_SEED:
            return
        self.seeds.setdefault(target, {})[hashlib.sha1(data).hexdigest()[:16]] = data

    def write(self):
        for target, seeds in sorted(self.seeds.items()):
            folder = os.path.join(self.root, target)
            shutil.rmtree(folder, ignore_errors=True)
            os.makedirs(folder)
            for name, data in seeds.items():
                with open(os.path.join(folder, name), "wb") as f:
                    f.write(data)
            print(f"  {target}: {len(seeds)} seeds")


# --- what boto3 sends: every operation of the five services ---------------------------------

def drive_boto3(endpoint, log):
    import boto3
    from botocore.config import Config

    def client(name, **extra):
        return boto3.client(name, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE",
                            aws_secret_access_key="secret", config=Config(retries={"max_attempts": 1}, **extra))

    def attempt(what, call):
        try:
            return call()
        except Exception as e:  # errors are seeds too; the run goes on
            log(f"    {what}: {type(e).__name__}: {str(e)[:120]}")
            return None

    kinesis, firehose, cw, s3 = client("kinesis"), client("firehose"), client("cloudwatch"), client("s3")
    now = datetime.datetime.now(datetime.timezone.utc)

    # Kinesis
    attempt("create", lambda: kinesis.create_stream(StreamName="seed", ShardCount=2))
    attempt("create on-demand", lambda: kinesis.create_stream(StreamName="seed-od", StreamModeDetails={"StreamMode": "ON_DEMAND"}))
    attempt("wait", lambda: kinesis.get_waiter("stream_exists").wait(StreamName="seed", WaiterConfig={"Delay": 0.2}))
    summary = attempt("summary", lambda: kinesis.describe_stream_summary(StreamName="seed"))
    arn = summary["StreamDescriptionSummary"]["StreamARN"] if summary else "arn:aws:kinesis:us-east-1:000000000000:stream/seed"
    attempt("describe", lambda: kinesis.describe_stream(StreamName="seed", Limit=1))
    attempt("list", lambda: kinesis.list_streams(Limit=5))
    attempt("put", lambda: kinesis.put_record(StreamName="seed", PartitionKey="pk", Data=b'{"temp": 21.5}'))
    attempt("put hash", lambda: kinesis.put_record(StreamARN=arn, PartitionKey="pk", Data=b"x", ExplicitHashKey="1" * 38))
    attempt("put batch", lambda: kinesis.put_records(StreamName="seed", Records=[
        {"PartitionKey": f"device-{i}", "Data": json.dumps({"n": i}).encode()} for i in range(20)]))
    shards = attempt("shards", lambda: kinesis.list_shards(StreamName="seed", ShardFilter={"Type": "AT_LATEST"}))
    attempt("shards filter", lambda: kinesis.list_shards(StreamARN=arn, MaxResults=1, ShardFilter={"Type": "AT_TIMESTAMP", "Timestamp": now}))
    for kind, extra in [("TRIM_HORIZON", {}), ("LATEST", {}), ("AT_TIMESTAMP", {"Timestamp": now - datetime.timedelta(minutes=1)})]:
        it = attempt(kind, lambda: kinesis.get_shard_iterator(StreamName="seed", ShardId="shardId-000000000000",
                                                              ShardIteratorType=kind, **extra))
        if it:
            page = attempt("get", lambda: kinesis.get_records(ShardIterator=it["ShardIterator"], Limit=100))
            if page and page["Records"]:
                seq = page["Records"][0]["SequenceNumber"]
                attempt("after", lambda: kinesis.get_shard_iterator(StreamName="seed", ShardId="shardId-000000000000",
                                                                  ShardIteratorType="AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=seq))
    attempt("tags", lambda: kinesis.add_tags_to_stream(StreamName="seed", Tags={"team": "data", "env": "test"}))
    attempt("list tags", lambda: kinesis.list_tags_for_stream(StreamName="seed"))
    attempt("remove tags", lambda: kinesis.remove_tags_from_stream(StreamName="seed", TagKeys=["env"]))
    attempt("tag resource", lambda: kinesis.tag_resource(ResourceARN=arn, Tags={"a": "b"}))
    attempt("list resource tags", lambda: kinesis.list_tags_for_resource(ResourceARN=arn))
    attempt("untag resource", lambda: kinesis.untag_resource(ResourceARN=arn, TagKeys=["a"]))
    attempt("retention up", lambda: kinesis.increase_stream_retention_period(StreamName="seed", RetentionPeriodHours=48))
    attempt("retention down", lambda: kinesis.decrease_stream_retention_period(StreamName="seed", RetentionPeriodHours=24))
    attempt("monitoring", lambda: kinesis.enable_enhanced_monitoring(StreamName="seed", ShardLevelMetrics=["IncomingBytes"]))
    attempt("monitoring off", lambda: kinesis.disable_enhanced_monitoring(StreamName="seed", ShardLevelMetrics=["ALL"]))
    attempt("encrypt", lambda: kinesis.start_stream_encryption(StreamName="seed", EncryptionType="KMS", KeyId="alias/aws/kinesis"))
    attempt("wait", lambda: kinesis.get_waiter("stream_exists").wait(StreamName="seed", WaiterConfig={"Delay": 0.2}))
    attempt("decrypt", lambda: kinesis.stop_stream_encryption(StreamName="seed", EncryptionType="KMS", KeyId="alias/aws/kinesis"))
    attempt("wait", lambda: kinesis.get_waiter("stream_exists").wait(StreamName="seed", WaiterConfig={"Delay": 0.2}))
    consumer = attempt("register", lambda: kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="seed-app"))
    if consumer:
        carn = consumer["Consumer"]["ConsumerARN"]
        time.sleep(0.3)
        attempt("describe consumer", lambda: kinesis.describe_stream_consumer(ConsumerARN=carn))
        attempt("list consumers", lambda: kinesis.list_stream_consumers(StreamARN=arn))
        sub = attempt("subscribe", lambda: kinesis.subscribe_to_shard(ConsumerARN=carn, ShardId="shardId-000000000000",
                                                                   StartingPosition={"Type": "TRIM_HORIZON"}))
        if sub:
            for event in sub["EventStream"]:
                break
            sub["EventStream"].close()
        attempt("deregister", lambda: kinesis.deregister_stream_consumer(StreamARN=arn, ConsumerName="seed-app"))
    attempt("policy", lambda: kinesis.put_resource_policy(ResourceARN=arn, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                                                "Action": "kinesis:GetRecords", "Resource": arn}]})))
    attempt("get policy", lambda: kinesis.get_resource_policy(ResourceARN=arn))
    attempt("delete policy", lambda: kinesis.delete_resource_policy(ResourceARN=arn))
    attempt("limits", lambda: kinesis.describe_limits())
    attempt("account", lambda: kinesis.describe_account_settings())
    attempt("split", lambda: kinesis.split_shard(StreamName="seed", ShardToSplit="shardId-000000000000",
                                                 NewStartingHashKey=str(2 ** 126)))
    attempt("wait", lambda: kinesis.get_waiter("stream_exists").wait(StreamName="seed", WaiterConfig={"Delay": 0.2}))
    attempt("merge", lambda: kinesis.merge_shards(StreamName="seed", ShardToMerge="shardId-000000000002",
                                                  AdjacentShardToMerge="shardId-000000000003"))
    attempt("wait", lambda: kinesis.get_waiter("stream_exists").wait(StreamName="seed", WaiterConfig={"Delay": 0.2}))
    attempt("scale", lambda: kinesis.update_shard_count(StreamName="seed", TargetShardCount=4, ScalingType="UNIFORM_SCALING"))
    attempt("wait", lambda: kinesis.get_waiter("stream_exists").wait(StreamName="seed", WaiterConfig={"Delay": 0.2}))
    attempt("mode", lambda: kinesis.update_stream_mode(StreamARN=arn, StreamModeDetails={"StreamMode": "ON_DEMAND"}))
    attempt("missing", lambda: kinesis.describe_stream(StreamName="no-such-stream"))
    attempt("bad name", lambda: kinesis.create_stream(StreamName="bad name!", ShardCount=1))

    # A stream a Firehose reads, with KPL aggregates on it.
    attempt("source", lambda: kinesis.create_stream(StreamName="seed-source", ShardCount=1))
    attempt("wait", lambda: kinesis.get_waiter("stream_exists").wait(StreamName="seed-source", WaiterConfig={"Delay": 0.2}))
    source_arn = f"arn:aws:kinesis:us-east-1:000000000000:stream/seed-source"
    attempt("kpl", lambda: kinesis.put_record(StreamName="seed-source", PartitionKey="pk", Data=kpl_aggregate([b"one\n", b"two\n"])))

    # S3
    attempt("bucket", lambda: s3.create_bucket(Bucket="seed-bucket"))
    attempt("bucket eu", lambda: s3.create_bucket(Bucket="seed-bucket-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}))
    attempt("put", lambda: s3.put_object(Bucket="seed-bucket", Key="data/2026/12/01/a.json", Body=b'{"a":1}\n',
                                        ContentType="application/json", Metadata={"origin": "seed"}))
    attempt("put checksum", lambda: s3.put_object(Bucket="seed-bucket", Key="b.txt", Body=b"hello world", ChecksumAlgorithm="SHA256"))
    attempt("put crc", lambda: s3.put_object(Bucket="seed-bucket", Key="c.bin", Body=io.BytesIO(os.urandom(3000)), ChecksumAlgorithm="CRC32"))
    attempt("put tagged", lambda: s3.put_object(Bucket="seed-bucket", Key="d key with spaces+plus", Body=b"d", Tagging="k=v&x=y"))
    attempt("get", lambda: s3.get_object(Bucket="seed-bucket", Key="b.txt")["Body"].read())
    attempt("range", lambda: s3.get_object(Bucket="seed-bucket", Key="b.txt", Range="bytes=0-4")["Body"].read())
    attempt("suffix", lambda: s3.get_object(Bucket="seed-bucket", Key="b.txt", Range="bytes=-3")["Body"].read())
    attempt("conditional", lambda: s3.get_object(Bucket="seed-bucket", Key="b.txt", IfModifiedSince=now - datetime.timedelta(days=1),
                                                IfNoneMatch='"abc"')["Body"].read())
    attempt("unmodified", lambda: s3.get_object(Bucket="seed-bucket", Key="b.txt", IfUnmodifiedSince=now, IfMatch="*")["Body"].read())
    attempt("response headers", lambda: s3.get_object(Bucket="seed-bucket", Key="b.txt", ResponseContentType="text/plain",
                                                      ResponseContentDisposition="attachment")["Body"].read())
    attempt("head", lambda: s3.head_object(Bucket="seed-bucket", Key="b.txt"))
    attempt("head bucket", lambda: s3.head_bucket(Bucket="seed-bucket"))
    attempt("location", lambda: s3.get_bucket_location(Bucket="seed-bucket-eu"))
    attempt("buckets", lambda: s3.list_buckets())
    attempt("list v2", lambda: s3.list_objects_v2(Bucket="seed-bucket", Prefix="data/", Delimiter="/", MaxKeys=2))
    attempt("list v2 start", lambda: s3.list_objects_v2(Bucket="seed-bucket", StartAfter="a", FetchOwner=True))
    attempt("list v1", lambda: s3.list_objects(Bucket="seed-bucket", Marker="a", MaxKeys=10))
    attempt("copy", lambda: s3.copy_object(Bucket="seed-bucket", Key="b-copy.txt", CopySource={"Bucket": "seed-bucket", "Key": "b.txt"},
                                          MetadataDirective="REPLACE", Metadata={"copied": "yes"}))
    attempt("tag", lambda: s3.put_object_tagging(Bucket="seed-bucket", Key="b.txt", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]}))
    attempt("get tags", lambda: s3.get_object_tagging(Bucket="seed-bucket", Key="b.txt"))
    attempt("delete tags", lambda: s3.delete_object_tagging(Bucket="seed-bucket", Key="b.txt"))
    attempt("bucket tags", lambda: s3.put_bucket_tagging(Bucket="seed-bucket", Tagging={"TagSet": [{"Key": "team", "Value": "data"}]}))
    attempt("get bucket tags", lambda: s3.get_bucket_tagging(Bucket="seed-bucket"))
    attempt("delete bucket tags", lambda: s3.delete_bucket_tagging(Bucket="seed-bucket"))
    upload = attempt("multipart", lambda: s3.create_multipart_upload(Bucket="seed-bucket", Key="big.bin"))
    if upload:
        uid = upload["UploadId"]
        p1 = attempt("part", lambda: s3.upload_part(Bucket="seed-bucket", Key="big.bin", UploadId=uid, PartNumber=1, Body=b"a" * (5 << 20)))
        p2 = attempt("part copy", lambda: s3.upload_part_copy(Bucket="seed-bucket", Key="big.bin", UploadId=uid, PartNumber=2,
                                                             CopySource={"Bucket": "seed-bucket", "Key": "b.txt"}, CopySourceRange="bytes=0-4"))
        attempt("list parts", lambda: s3.list_parts(Bucket="seed-bucket", Key="big.bin", UploadId=uid, MaxParts=1))
        attempt("list uploads", lambda: s3.list_multipart_uploads(Bucket="seed-bucket", Prefix="big", MaxUploads=5))
        if p1 and p2:
            attempt("complete", lambda: s3.complete_multipart_upload(Bucket="seed-bucket", Key="big.bin", UploadId=uid, MultipartUpload={
                "Parts": [{"PartNumber": 1, "ETag": p1["ETag"]}, {"PartNumber": 2, "ETag": p2["CopyPartResult"]["ETag"]}]}))
    other = attempt("multipart 2", lambda: s3.create_multipart_upload(Bucket="seed-bucket", Key="aborted.bin"))
    if other:
        attempt("abort", lambda: s3.abort_multipart_upload(Bucket="seed-bucket", Key="aborted.bin", UploadId=other["UploadId"]))
    url = attempt("presign", lambda: s3.generate_presigned_url("get_object", Params={"Bucket": "seed-bucket", "Key": "b.txt"}, ExpiresIn=300))
    if url:
        attempt("presigned get", lambda: urllib.request.urlopen(url, timeout=10).read())
    put_url = attempt("presign put", lambda: s3.generate_presigned_url("put_object", Params={"Bucket": "seed-bucket", "Key": "p.txt"}))
    if put_url:
        attempt("presigned put", lambda: urllib.request.urlopen(urllib.request.Request(put_url, data=b"presigned", method="PUT"), timeout=10).read())
    attempt("delete", lambda: s3.delete_object(Bucket="seed-bucket", Key="b-copy.txt"))
    attempt("delete many", lambda: s3.delete_objects(Bucket="seed-bucket", Delete={"Objects": [{"Key": "c.bin"}, {"Key": "missing"}], "Quiet": False}))
    attempt("missing key", lambda: s3.get_object(Bucket="seed-bucket", Key="missing"))
    attempt("delete bucket", lambda: s3.delete_bucket(Bucket="seed-bucket-eu"))
    # Versioning, bucket settings, ACLs, CORS, lifecycle, Object Lock, archives, forms.
    attempt("versioning", lambda: s3.put_bucket_versioning(Bucket="seed-bucket", VersioningConfiguration={"Status": "Enabled"}))
    attempt("get versioning", lambda: s3.get_bucket_versioning(Bucket="seed-bucket"))
    v1 = attempt("put version", lambda: s3.put_object(Bucket="seed-bucket", Key="v.txt", Body=b"1"))
    attempt("put version 2", lambda: s3.put_object(Bucket="seed-bucket", Key="v.txt", Body=b"2", IfMatch='"c4ca4238a0b923820dcc509a6f75849b"'))
    if v1:
        attempt("get version", lambda: s3.get_object(Bucket="seed-bucket", Key="v.txt", VersionId=v1["VersionId"])["Body"].read())
        attempt("attributes", lambda: s3.get_object_attributes(Bucket="seed-bucket", Key="v.txt", VersionId=v1["VersionId"],
                                                               ObjectAttributes=["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]))
    attempt("delete marker", lambda: s3.delete_object(Bucket="seed-bucket", Key="v.txt"))
    attempt("versions", lambda: s3.list_object_versions(Bucket="seed-bucket", Prefix="v", Delimiter="/", MaxKeys=2, KeyMarker="a"))
    attempt("put if none", lambda: s3.put_object(Bucket="seed-bucket", Key="once.txt", Body=b"o", IfNoneMatch="*"))
    attempt("public access block", lambda: s3.put_public_access_block(Bucket="seed-bucket", PublicAccessBlockConfiguration={
        "BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False, "RestrictPublicBuckets": False}))
    attempt("get public access block", lambda: s3.get_public_access_block(Bucket="seed-bucket"))
    attempt("ownership", lambda: s3.put_bucket_ownership_controls(Bucket="seed-bucket", OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}))
    attempt("encryption", lambda: s3.put_bucket_encryption(Bucket="seed-bucket", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/k"}, "BucketKeyEnabled": True}]}))
    attempt("get encryption", lambda: s3.get_bucket_encryption(Bucket="seed-bucket"))
    attempt("policy", lambda: s3.put_bucket_policy(Bucket="seed-bucket", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::seed-bucket/*"}]})))
    attempt("policy status", lambda: s3.get_bucket_policy_status(Bucket="seed-bucket"))
    attempt("acl", lambda: s3.put_bucket_acl(Bucket="seed-bucket", ACL="public-read"))
    attempt("get acl", lambda: s3.get_bucket_acl(Bucket="seed-bucket"))
    attempt("object acl", lambda: s3.put_object_acl(Bucket="seed-bucket", Key="once.txt", GrantRead='uri="http://acs.amazonaws.com/groups/global/AllUsers"'))
    attempt("cors", lambda: s3.put_bucket_cors(Bucket="seed-bucket", CORSConfiguration={"CORSRules": [
        {"AllowedOrigins": ["https://*.example.com"], "AllowedMethods": ["GET", "PUT"], "AllowedHeaders": ["*"], "MaxAgeSeconds": 60}]}))
    attempt("lifecycle", lambda: s3.put_bucket_lifecycle_configuration(Bucket="seed-bucket", LifecycleConfiguration={"Rules": [
        {"ID": "r", "Filter": {"And": {"Prefix": "logs/", "Tags": [{"Key": "k", "Value": "v"}], "ObjectSizeGreaterThan": 1}},
         "Status": "Enabled", "Expiration": {"Days": 30}, "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}],
         "NoncurrentVersionExpiration": {"NoncurrentDays": 7, "NewerNoncurrentVersions": 2}}]}))
    attempt("website", lambda: s3.put_bucket_website(Bucket="seed-bucket", WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"},
        "RoutingRules": [{"Condition": {"KeyPrefixEquals": "docs/"}, "Redirect": {"ReplaceKeyPrefixWith": "documents/"}}]}))
    attempt("logging", lambda: s3.put_bucket_logging(Bucket="seed-bucket", BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "seed-bucket", "TargetPrefix": "logs/"}}))
    attempt("notification", lambda: s3.put_bucket_notification_configuration(Bucket="seed-bucket", NotificationConfiguration={"EventBridgeConfiguration": {}}))
    attempt("inventory", lambda: s3.put_bucket_inventory_configuration(Bucket="seed-bucket", Id="w", InventoryConfiguration={
        "Id": "w", "IsEnabled": True, "IncludedObjectVersions": "All", "Schedule": {"Frequency": "Daily"},
        "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::seed-bucket", "Format": "Parquet"}}}))
    attempt("object lock", lambda: s3.put_object_lock_configuration(Bucket="seed-bucket", ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}))
    attempt("legal hold", lambda: s3.put_object_legal_hold(Bucket="seed-bucket", Key="once.txt", LegalHold={"Status": "ON"}))
    attempt("retention", lambda: s3.put_object_retention(Bucket="seed-bucket", Key="once.txt", Retention={"Mode": "GOVERNANCE",
        "RetainUntilDate": now + datetime.timedelta(days=2)}))
    attempt("glacier", lambda: s3.put_object(Bucket="seed-bucket", Key="cold.txt", Body=b"c", StorageClass="GLACIER"))
    attempt("restore", lambda: s3.restore_object(Bucket="seed-bucket", Key="cold.txt", RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Bulk"}}))
    attempt("sse-c", lambda: s3.put_object(Bucket="seed-bucket", Key="c.txt", Body=b"c", SSECustomerAlgorithm="AES256", SSECustomerKey=bytes(range(32))))
    form = attempt("presign post", lambda: s3.generate_presigned_post("seed-bucket", "forms/${filename}", ExpiresIn=300,
                                                                      Conditions=[["content-length-range", 0, 1000]]))
    if form:
        fields = form["fields"]
        boundary = "seedboundary"
        payload = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items())
        payload += f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.txt"\r\n\r\nform body\r\n--{boundary}--\r\n'.encode()
        attempt("preflight", lambda: urllib.request.urlopen(urllib.request.Request(
            endpoint + "/seed-bucket/forms/f.txt", method="OPTIONS", headers={
                "Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT",
                "Access-Control-Request-Headers": "content-type"}), timeout=10).read())
        attempt("post form", lambda: urllib.request.urlopen(urllib.request.Request(
            form["url"], data=payload, method="POST", headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}), timeout=10).read())

    # Firehose
    role = "arn:aws:iam::000000000000:role/firehose"
    attempt("direct", lambda: firehose.create_delivery_stream(
        DeliveryStreamName="seed-direct", DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={"RoleARN": role, "BucketARN": "arn:aws:s3:::seed-bucket", "Prefix": "direct/",
                                            "ErrorOutputPrefix": "errors/!{firehose:error-output-type}/",
                                            "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60}, "CompressionFormat": "GZIP"},
        Tags=[{"Key": "team", "Value": "data"}]))
    attempt("partitioned", lambda: firehose.create_delivery_stream(
        DeliveryStreamName="seed-partitioned", DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={
            "RoleARN": role, "BucketARN": "arn:aws:s3:::seed-bucket",
            "Prefix": "part/device=!{partitionKeyFromQuery:device}/!{timestamp:yyyy/MM/dd}/", "ErrorOutputPrefix": "part-errors/",
            "DynamicPartitioningConfiguration": {"Enabled": True},
            "ProcessingConfiguration": {"Enabled": True, "Processors": [
                {"Type": "MetadataExtraction", "Parameters": [
                    {"ParameterName": "MetadataExtractionQuery", "ParameterValue": "{device:.device}"},
                    {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"}]},
                {"Type": "AppendDelimiterToRecord", "Parameters": []}]}}))
    attempt("from kinesis", lambda: firehose.create_delivery_stream(
        DeliveryStreamName="seed-from-kinesis", DeliveryStreamType="KinesisStreamAsSource",
        KinesisStreamSourceConfiguration={"KinesisStreamARN": source_arn, "RoleARN": role},
        ExtendedS3DestinationConfiguration={"RoleARN": role, "BucketARN": "arn:aws:s3:::seed-bucket", "Prefix": "from-kinesis/"}))
    attempt("s3 destination", lambda: firehose.create_delivery_stream(
        DeliveryStreamName="seed-plain", S3DestinationConfiguration={"RoleARN": role, "BucketARN": "arn:aws:s3:::seed-bucket"}))
    time.sleep(0.2)
    attempt("describe", lambda: firehose.describe_delivery_stream(DeliveryStreamName="seed-direct"))
    attempt("list", lambda: firehose.list_delivery_streams(Limit=2, DeliveryStreamType="DirectPut"))
    attempt("put", lambda: firehose.put_record(DeliveryStreamName="seed-direct", Record={"Data": b'{"device":"a","v":1}\n'}))
    attempt("batch", lambda: firehose.put_record_batch(DeliveryStreamName="seed-partitioned", Records=[
        {"Data": json.dumps({"device": f"d{i % 3}", "v": i}).encode()} for i in range(10)] + [{"Data": b"not json"}]))
    attempt("tag", lambda: firehose.tag_delivery_stream(DeliveryStreamName="seed-direct", Tags=[{"Key": "env", "Value": "test"}]))
    attempt("tags", lambda: firehose.list_tags_for_delivery_stream(DeliveryStreamName="seed-direct"))
    attempt("untag", lambda: firehose.untag_delivery_stream(DeliveryStreamName="seed-direct", TagKeys=["env"]))
    described = attempt("describe again", lambda: firehose.describe_delivery_stream(DeliveryStreamName="seed-direct"))
    if described:
        d = described["DeliveryStreamDescription"]
        attempt("update", lambda: firehose.update_destination(
            DeliveryStreamName="seed-direct", CurrentDeliveryStreamVersionId=d["VersionId"],
            DestinationId=d["Destinations"][0]["DestinationId"],
            ExtendedS3DestinationUpdate={"Prefix": "direct-v2/", "BufferingHints": {"IntervalInSeconds": 0}}))
    attempt("encrypt", lambda: firehose.start_delivery_stream_encryption(
        DeliveryStreamName="seed-direct", DeliveryStreamEncryptionConfigurationInput={"KeyType": "AWS_OWNED_CMK"}))
    attempt("decrypt", lambda: firehose.stop_delivery_stream_encryption(DeliveryStreamName="seed-direct"))
    attempt("kinesis-sourced put", lambda: firehose.put_record(DeliveryStreamName="seed-from-kinesis", Record={"Data": b"x"}))
    attempt("delete", lambda: firehose.delete_delivery_stream(DeliveryStreamName="seed-plain"))

    # CloudWatch (JSON 1.0; large PutMetricData bodies gzip-compressed)
    attempt("put", lambda: cw.put_metric_data(Namespace="Seed", MetricData=[
        {"MetricName": "Latency", "Value": 12.5, "Unit": "Milliseconds", "Dimensions": [{"Name": "Api", "Value": "get"}]},
        {"MetricName": "Latency", "Values": [1, 2, 3], "Counts": [1, 1, 2], "Timestamp": now, "StorageResolution": 1},
        {"MetricName": "Size", "StatisticValues": {"SampleCount": 3, "Sum": 30, "Minimum": 5, "Maximum": 15}, "Unit": "Bytes"}]))
    attempt("put big", lambda: cw.put_metric_data(Namespace="Seed", MetricData=[
        {"MetricName": "Many", "Value": float(i), "Dimensions": [{"Name": "Host", "Value": f"host-{i:03d}-" + "x" * 30}]}
        for i in range(150)]))
    attempt("stats", lambda: cw.get_metric_statistics(Namespace="Seed", MetricName="Latency", Dimensions=[{"Name": "Api", "Value": "get"}],
                                                      StartTime=now - datetime.timedelta(hours=1), EndTime=now + datetime.timedelta(minutes=5),
                                                      Period=60, Statistics=["Sum", "Average", "SampleCount", "Minimum", "Maximum"]))
    attempt("percentiles", lambda: cw.get_metric_statistics(Namespace="Seed", MetricName="Latency", StartTime=now - datetime.timedelta(hours=1),
                                                            EndTime=now, Period=300, ExtendedStatistics=["p99", "p50"]))
    attempt("data", lambda: cw.get_metric_data(StartTime=now - datetime.timedelta(hours=1), EndTime=now + datetime.timedelta(minutes=5),
                                               ScanBy="TimestampDescending", MaxDatapoints=100, MetricDataQueries=[
        {"Id": "m1", "MetricStat": {"Metric": {"Namespace": "Seed", "MetricName": "Latency"}, "Period": 60, "Stat": "Sum"}, "ReturnData": False},
        {"Id": "m2", "MetricStat": {"Metric": {"Namespace": "Seed", "MetricName": "Size"}, "Period": 60, "Stat": "Average", "Unit": "Bytes"}},
        {"Id": "e1", "Expression": "m1 * 2 + RATE(m1)", "Label": "doubled"},
        {"Id": "e2", "Expression": "SUM(METRICS())"}]))
    attempt("insights", lambda: cw.get_metric_data(StartTime=now - datetime.timedelta(hours=1), EndTime=now + datetime.timedelta(minutes=5),
                                                   MetricDataQueries=[{"Id": "q", "Period": 60, "Label": "busiest", "Expression":
        "SELECT SUM(IncomingRecords) FROM SCHEMA(\"AWS/Kinesis\", StreamName) WHERE StreamName != 'canary' GROUP BY StreamName ORDER BY SUM() DESC LIMIT 5"}]))
    attempt("math functions", lambda: cw.get_metric_data(StartTime=now - datetime.timedelta(hours=1), EndTime=now + datetime.timedelta(minutes=5),
                                                         MetricDataQueries=[
        {"Id": "m1", "MetricStat": {"Metric": {"Namespace": "Seed", "MetricName": "Latency"}, "Period": 60, "Stat": "p99"}, "ReturnData": False},
        {"Id": "filled", "Expression": "FILL(m1, REPEAT)"}, {"Id": "big", "Expression": "IF(m1 > 100, 1, 0)"},
        {"Id": "total", "Expression": "RUNNING_SUM(FILL(m1, 0))"}, {"Id": "delta", "Expression": "DIFF(m1) / PERIOD(m1)"},
        {"Id": "found", "Expression": "SEARCH('{Seed,Host} MetricName=\"Many\"', 'Maximum', 300)", "Label": "hosts"}]))
    attempt("kinesis metric", lambda: cw.get_metric_statistics(Namespace="AWS/Kinesis", MetricName="IncomingRecords",
                                                               Dimensions=[{"Name": "StreamName", "Value": "seed"}],
                                                               StartTime=now - datetime.timedelta(hours=1), EndTime=now + datetime.timedelta(hours=1),
                                                               Period=3600, Statistics=["Sum"]))
    attempt("list", lambda: cw.list_metrics(Namespace="Seed", MetricName="Latency", Dimensions=[{"Name": "Api"}], RecentlyActive="PT3H"))
    attempt("list all", lambda: cw.list_metrics())
    attempt("bad namespace", lambda: cw.put_metric_data(Namespace="AWS/Mine", MetricData=[{"MetricName": "x", "Value": 1}]))
    # Alarms and dashboards, as Terraform's aws_cloudwatch_metric_alarm / _composite_alarm / _dashboard call them.
    topic = "arn:aws:sns:us-east-1:000000000000:seed"
    attempt("alarm", lambda: cw.put_metric_alarm(
        AlarmName="seed-lag", AlarmDescription="iterator age", MetricName="GetRecords.IteratorAgeMilliseconds", Namespace="AWS/Kinesis",
        Statistic="Maximum", Dimensions=[{"Name": "StreamName", "Value": "seed"}], Period=60, EvaluationPeriods=5, DatapointsToAlarm=3,
        Threshold=60000, ComparisonOperator="GreaterThanThreshold", TreatMissingData="notBreaching", AlarmActions=[topic], OKActions=[topic],
        Unit="Milliseconds", Tags=[{"Key": "team", "Value": "data"}]))
    attempt("percentile alarm", lambda: cw.put_metric_alarm(
        AlarmName="seed-p99", MetricName="Latency", Namespace="Seed", ExtendedStatistic="p99", Period=10, EvaluationPeriods=1,
        Threshold=500, ComparisonOperator="GreaterThanOrEqualToThreshold", EvaluateLowSampleCountPercentile="ignore"))
    attempt("math alarm", lambda: cw.put_metric_alarm(
        AlarmName="seed-rate", EvaluationPeriods=2, Threshold=5, ComparisonOperator="GreaterThanThreshold", Metrics=[
            {"Id": "e", "MetricStat": {"Metric": {"Namespace": "Seed", "MetricName": "Errors"}, "Period": 60, "Stat": "Sum"}, "ReturnData": False},
            {"Id": "t", "MetricStat": {"Metric": {"Namespace": "Seed", "MetricName": "Latency"}, "Period": 60, "Stat": "SampleCount"}, "ReturnData": False},
            {"Id": "r", "Expression": "100 * e / t", "Label": "rate", "ReturnData": True}]))
    attempt("composite", lambda: cw.put_composite_alarm(
        AlarmName="seed-down", AlarmRule='(ALARM(seed-lag) OR ALARM("seed-rate")) AND NOT OK(seed-p99)', AlarmActions=[topic],
        ActionsSuppressor="seed-p99", ActionsSuppressorWaitPeriod=60, ActionsSuppressorExtensionPeriod=60))
    attempt("describe alarms", lambda: cw.describe_alarms(AlarmNamePrefix="seed", AlarmTypes=["MetricAlarm", "CompositeAlarm"], MaxRecords=2))
    attempt("describe children", lambda: cw.describe_alarms(ChildrenOfAlarmName="seed-down", StateValue="INSUFFICIENT_DATA"))
    attempt("alarms for metric", lambda: cw.describe_alarms_for_metric(MetricName="Latency", Namespace="Seed", ExtendedStatistic="p99", Period=10))
    attempt("set state", lambda: cw.set_alarm_state(AlarmName="seed-lag", StateValue="ALARM", StateReason="seed",
                                                     StateReasonData='{"version":"1.0"}'))
    attempt("history", lambda: cw.describe_alarm_history(AlarmName="seed-lag", HistoryItemType="StateUpdate", ScanBy="TimestampAscending",
                                                         StartDate=now - datetime.timedelta(hours=1), EndDate=now + datetime.timedelta(hours=1),
                                                         MaxRecords=10))
    attempt("disable actions", lambda: cw.disable_alarm_actions(AlarmNames=["seed-lag", "seed-down"]))
    attempt("enable actions", lambda: cw.enable_alarm_actions(AlarmNames=["seed-lag"]))
    attempt("tag alarm", lambda: cw.tag_resource(ResourceARN="arn:aws:cloudwatch:us-east-1:000000000000:alarm:seed-lag",
                                                 Tags=[{"Key": "env", "Value": "ci"}]))
    attempt("alarm tags", lambda: cw.list_tags_for_resource(ResourceARN="arn:aws:cloudwatch:us-east-1:000000000000:alarm:seed-lag"))
    attempt("untag alarm", lambda: cw.untag_resource(ResourceARN="arn:aws:cloudwatch:us-east-1:000000000000:alarm:seed-lag", TagKeys=["env"]))
    attempt("dashboard", lambda: cw.put_dashboard(DashboardName="seed-board", DashboardBody=json.dumps({"widgets": [
        {"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6, "properties": {
            "metrics": [["AWS/Kinesis", "IncomingRecords", "StreamName", "seed"], [".", "GetRecords.IteratorAgeMilliseconds", ".", ".", {"stat": "Maximum"}]],
            "view": "timeSeries", "stacked": False, "region": "us-east-1", "period": 60, "stat": "Sum", "title": "Throughput"}},
        {"type": "text", "x": 12, "y": 0, "width": 12, "height": 6, "properties": {"markdown": "# Runbook"}},
        {"type": "alarm", "x": 0, "y": 6, "width": 24, "height": 3, "properties": {"alarms": ["arn:aws:cloudwatch:us-east-1:000000000000:alarm:seed-lag"]}}]})))
    attempt("bad dashboard", lambda: cw.put_dashboard(DashboardName="seed-bad", DashboardBody='{"widgets": [{"type": "metric"}]}'))
    attempt("get dashboard", lambda: cw.get_dashboard(DashboardName="seed-board"))
    attempt("list dashboards", lambda: cw.list_dashboards(DashboardNamePrefix="seed"))
    attempt("delete dashboards", lambda: cw.delete_dashboards(DashboardNames=["seed-board"]))
    attempt("delete alarms", lambda: cw.delete_alarms(AlarmNames=["seed-down"]))

    # awsQuery, as the Java SDK and older clients post it.
    form = urllib.parse.urlencode([("Action", "PutMetricData"), ("Version", "2010-08-01"), ("Namespace", "SeedQuery"),
                                   ("MetricData.member.1.MetricName", "Hits"), ("MetricData.member.1.Value", "3"),
                                   ("MetricData.member.1.Dimensions.member.1.Name", "Page"),
                                   ("MetricData.member.1.Dimensions.member.1.Value", "home")]).encode()
    for body in [form, urllib.parse.urlencode([("Action", "ListMetrics"), ("Version", "2010-08-01"), ("Namespace", "SeedQuery")]).encode(),
                 urllib.parse.urlencode([("Action", "GetMetricStatistics"), ("Version", "2010-08-01"), ("Namespace", "SeedQuery"),
                                         ("MetricName", "Hits"), ("StartTime", (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")),
                                         ("EndTime", now.strftime("%Y-%m-%dT%H:%M:%SZ")), ("Period", "60"),
                                         ("Statistics.member.1", "Sum")]).encode()]:
        attempt("query", lambda: urllib.request.urlopen(urllib.request.Request(
            endpoint + "/", data=body, method="POST", headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}),
            timeout=10).read())

    attempt("delete", lambda: kinesis.delete_stream(StreamName="seed-od", EnforceConsumerDeletion=True))

    # DynamoDB (JSON 1.0): KCL's lease table, the lookups of an enrichment step.
    ddb = client("dynamodb")
    attempt("describe missing", lambda: ddb.describe_table(TableName="seed-leases"))
    attempt("create", lambda: ddb.create_table(
        TableName="seed-leases", KeySchema=[{"AttributeName": "leaseKey", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "leaseKey", "AttributeType": "S"},
                              {"AttributeName": "leaseOwner", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "LeaseOwnerToLeaseKeyIndex",
                                 "KeySchema": [{"AttributeName": "leaseOwner", "KeyType": "HASH"},
                                               {"AttributeName": "leaseKey", "KeyType": "RANGE"}],
                                 "Projection": {"ProjectionType": "KEYS_ONLY"}}],
        BillingMode="PAY_PER_REQUEST", DeletionProtectionEnabled=False, Tags=[{"Key": "app", "Value": "seed"}]))
    attempt("create ranged", lambda: ddb.create_table(
        TableName="seed-events", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "at", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "at", "AttributeType": "N"},
                              {"AttributeName": "kind", "AttributeType": "S"}],
        LocalSecondaryIndexes=[{"IndexName": "by-kind", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                                     {"AttributeName": "kind", "KeyType": "RANGE"}],
                                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["v"]}}],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}))
    time.sleep(0.2)
    attempt("describe", lambda: ddb.describe_table(TableName="seed-leases"))
    attempt("list", lambda: ddb.list_tables(Limit=1))
    attempt("put", lambda: ddb.put_item(TableName="seed-leases", Item={
        "leaseKey": {"S": "shardId-000000000000"}, "leaseOwner": {"S": "worker-1"}, "leaseCounter": {"N": "1"},
        "checkpoint": {"S": "TRIM_HORIZON"}, "ownerSwitchesSinceCheckpoint": {"N": "0"},
        "parentShardId": {"SS": ["shardId-000000000001", "shardId-000000000002"]},
        "hashRange": {"M": {"start": {"S": "0"}, "end": {"S": "340282366920938463463374607431768211455"}}}, "big": {"N": "3.4028236692093846346337460743176821145E38"},
        "flags": {"L": [{"BOOL": True}, {"NULL": True}, {"B": b"\x00\x01"}, {"NS": ["1.5", "-2e3"]}, {"BS": [b"a"]}]}},
        ReturnValues="ALL_OLD", ReturnConsumedCapacity="TOTAL"))
    attempt("put ranged", lambda: ddb.put_item(TableName="seed-events", Item={
        "pk": {"S": "customer-1"}, "at": {"N": "1764633600.250"}, "kind": {"S": "click"}, "v": {"N": "12"}},
        ReturnConsumedCapacity="INDEXES", ReturnItemCollectionMetrics="NONE"))
    attempt("get", lambda: ddb.get_item(TableName="seed-leases", Key={"leaseKey": {"S": "shardId-000000000000"}},
                                        ConsistentRead=True, ReturnConsumedCapacity="TOTAL"))
    attempt("get some", lambda: ddb.get_item(TableName="seed-events", Key={"pk": {"S": "customer-1"}, "at": {"N": "1764633600.25"}},
                                             AttributesToGet=["v", "kind"]))
    attempt("get missing", lambda: ddb.get_item(TableName="seed-leases", Key={"leaseKey": {"S": "none"}}))
    attempt("bad key", lambda: ddb.get_item(TableName="seed-events", Key={"pk": {"S": "customer-1"}}))
    attempt("conditional put", lambda: ddb.put_item(TableName="seed-leases", Item={"leaseKey": {"S": "x"}},
                                                    ConditionExpression="attribute_not_exists(leaseKey)"))
    attempt("delete item", lambda: ddb.delete_item(TableName="seed-leases", Key={"leaseKey": {"S": "shardId-000000000000"}},
                                                   ReturnValues="ALL_OLD"))
    attempt("query", lambda: ddb.query(TableName="seed-leases", IndexName="LeaseOwnerToLeaseKeyIndex",
                                       KeyConditionExpression="leaseOwner = :o", ExpressionAttributeValues={":o": {"S": "worker-1"}}))
    attempt("update", lambda: ddb.update_item(
        TableName="seed-leases", Key={"leaseKey": {"S": "shardId-000000000001"}},
        UpdateExpression="SET #o = :w, leaseCounter = if_not_exists(leaseCounter, :zero) + :one, l = list_append(if_not_exists(l, :empty), :l) REMOVE pending ADD tags :t",
        ConditionExpression="attribute_not_exists(leaseKey) OR (leaseCounter < :ten AND begins_with(#o, :w) AND size(l) BETWEEN :zero AND :ten)",
        ExpressionAttributeNames={"#o": "leaseOwner"},
        ExpressionAttributeValues={":w": {"S": "worker-1"}, ":zero": {"N": "0"}, ":one": {"N": "1"}, ":ten": {"N": "10"},
                                   ":empty": {"L": []}, ":l": {"L": [{"S": "x"}]}, ":t": {"SS": ["a"]}},
        ReturnValues="UPDATED_NEW", ReturnValuesOnConditionCheckFailure="ALL_OLD"))
    attempt("update legacy", lambda: ddb.update_item(
        TableName="seed-leases", Key={"leaseKey": {"S": "shardId-000000000001"}},
        AttributeUpdates={"leaseCounter": {"Value": {"N": "1"}, "Action": "ADD"}, "leaseOwner": {"Value": {"S": "worker-2"}, "Action": "PUT"},
                          "gone": {"Action": "DELETE"}},
        Expected={"leaseCounter": {"Value": {"N": "1"}, "Exists": True}, "x": {"Exists": False}}, ReturnValues="ALL_NEW"))
    attempt("query index", lambda: ddb.query(TableName="seed-leases", IndexName="LeaseOwnerToLeaseKeyIndex",
                                             KeyConditionExpression="leaseOwner = :o AND begins_with(leaseKey, :p)",
                                             ExpressionAttributeValues={":o": {"S": "worker-2"}, ":p": {"S": "shard"}}, Limit=10))
    attempt("query ranged", lambda: ddb.query(TableName="seed-events", KeyConditionExpression="pk = :p AND #a BETWEEN :lo AND :hi",
                                              FilterExpression="v > :z", ProjectionExpression="#a, v", ExpressionAttributeNames={"#a": "at"},
                                              ExpressionAttributeValues={":p": {"S": "customer-1"}, ":lo": {"N": "0"}, ":hi": {"N": "2e9"}, ":z": {"N": "1"}},
                                              ScanIndexForward=False, ReturnConsumedCapacity="TOTAL"))
    attempt("query legacy", lambda: ddb.query(TableName="seed-events", KeyConditions={
        "pk": {"AttributeValueList": [{"S": "customer-1"}], "ComparisonOperator": "EQ"},
        "at": {"AttributeValueList": [{"N": "1"}], "ComparisonOperator": "GE"}}, Select="COUNT"))
    attempt("scan", lambda: ddb.scan(TableName="seed-leases", Limit=2, Segment=0, TotalSegments=2,
                                     FilterExpression="attribute_exists(leaseOwner)", ConsistentRead=True))
    attempt("scan legacy", lambda: ddb.scan(TableName="seed-leases", ScanFilter={"leaseCounter": {"AttributeValueList": [{"N": "0"}], "ComparisonOperator": "GT"}},
                                            ExclusiveStartKey={"leaseKey": {"S": "a"}}))
    attempt("batch write", lambda: ddb.batch_write_item(RequestItems={"seed-leases": [
        {"PutRequest": {"Item": {"leaseKey": {"S": "b1"}, "n": {"N": "1"}}}}, {"DeleteRequest": {"Key": {"leaseKey": {"S": "b2"}}}}]},
        ReturnConsumedCapacity="TOTAL"))
    attempt("batch get", lambda: ddb.batch_get_item(RequestItems={"seed-leases": {
        "Keys": [{"leaseKey": {"S": "b1"}}, {"leaseKey": {"S": "shardId-000000000001"}}], "ProjectionExpression": "leaseKey, #n",
        "ExpressionAttributeNames": {"#n": "n"}, "ConsistentRead": True}}))
    attempt("transact write", lambda: ddb.transact_write_items(ClientRequestToken="seed-token-1", TransactItems=[
        {"Put": {"TableName": "seed-leases", "Item": {"leaseKey": {"S": "t1"}}, "ConditionExpression": "attribute_not_exists(leaseKey)"}},
        {"Update": {"TableName": "seed-leases", "Key": {"leaseKey": {"S": "b1"}}, "UpdateExpression": "SET n = n + :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        {"ConditionCheck": {"TableName": "seed-leases", "Key": {"leaseKey": {"S": "shardId-000000000001"}},
                            "ConditionExpression": "attribute_exists(leaseKey)"}},
        {"Delete": {"TableName": "seed-leases", "Key": {"leaseKey": {"S": "gone"}}}}]))
    attempt("transact get", lambda: ddb.transact_get_items(TransactItems=[{"Get": {"TableName": "seed-leases", "Key": {"leaseKey": {"S": "t1"}}}}]))
    attempt("update table", lambda: ddb.update_table(
        TableName="seed-events", AttributeDefinitions=[{"AttributeName": "v", "AttributeType": "N"}],
        GlobalSecondaryIndexUpdates=[{"Create": {"IndexName": "by-v", "KeySchema": [{"AttributeName": "v", "KeyType": "HASH"}],
                                                 "Projection": {"ProjectionType": "ALL"},
                                                 "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}}]))
    arn = "arn:aws:dynamodb:us-east-1:000000000000:table/seed-leases"
    attempt("tag", lambda: ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "data"}]))
    attempt("tags", lambda: ddb.list_tags_of_resource(ResourceArn=arn))
    attempt("untag", lambda: ddb.untag_resource(ResourceArn=arn, TagKeys=["team"]))
    attempt("ttl", lambda: ddb.update_time_to_live(TableName="seed-leases", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}))
    attempt("describe ttl", lambda: ddb.describe_time_to_live(TableName="seed-leases"))
    attempt("backups", lambda: ddb.update_continuous_backups(TableName="seed-leases",
                                                             PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}))
    attempt("limits", lambda: ddb.describe_limits())
    attempt("stream changes", lambda: ddb.enable_kinesis_streaming_destination(
        TableName="seed-leases", StreamArn="arn:aws:kinesis:us-east-1:000000000000:stream/seed"))
    attempt("describe streaming", lambda: ddb.describe_kinesis_streaming_destination(TableName="seed-leases"))
    attempt("delete table", lambda: ddb.delete_table(TableName="seed-events"))


def kpl_aggregate(records):
    """A KPL aggregated record: magic, an AggregatedRecord protobuf, its MD5."""
    def varint(n):
        out = bytearray()
        while True:
            b = n & 0x7F
            n >>= 7
            out.append(b | (0x80 if n else 0))
            if not n:
                return bytes(out)

    def field(number, payload):
        return varint(number << 3 | 2) + varint(len(payload)) + payload

    body = field(1, b"pk")
    for data in records:
        body += field(3, varint(1 << 3 | 0) + varint(0) + field(3, data))
    return b"\xf3\x89\x9a\xc2" + body + hashlib.md5(body).digest()


def drive_cli(endpoint, log):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="secret", AWS_DEFAULT_REGION="us-east-1")
    tmp = tempfile.mkdtemp()
    try:
        with open(os.path.join(tmp, "f.txt"), "wb") as f:
            f.write(b"cli seed\n" * 100)
        steps = [
            ["kinesis", "create-stream", "--stream-name", "cli-seed", "--shard-count", "1"],
            ["kinesis", "wait", "stream-exists", "--stream-name", "cli-seed"],
            ["kinesis", "put-record", "--stream-name", "cli-seed", "--partition-key", "k", "--data", "aGVsbG8=",
],
            ["kinesis", "list-shards", "--stream-name", "cli-seed"],
            ["kinesis", "describe-stream", "--stream-name", "cli-seed"],
            ["s3", "mb", "s3://cli-seed-bucket"],
            ["s3", "cp", os.path.join(tmp, "f.txt"), "s3://cli-seed-bucket/dir/f.txt"],
            ["s3", "ls", "s3://cli-seed-bucket/dir/"],
            ["s3", "cp", "s3://cli-seed-bucket/dir/f.txt", os.path.join(tmp, "back.txt")],
            ["s3", "rm", "s3://cli-seed-bucket/dir/f.txt"],
            ["cloudwatch", "put-metric-data", "--namespace", "Cli", "--metric-name", "m", "--value", "1"],
            ["dynamodb", "create-table", "--table-name", "cli-seed", "--attribute-definitions", "AttributeName=id,AttributeType=S",
             "--key-schema", "AttributeName=id,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST"],
            ["dynamodb", "wait", "table-exists", "--table-name", "cli-seed"],
            ["dynamodb", "put-item", "--table-name", "cli-seed", "--item", '{"id": {"S": "1"}, "n": {"N": "42"}}'],
            ["dynamodb", "get-item", "--table-name", "cli-seed", "--key", '{"id": {"S": "1"}}'],
            ["dynamodb", "delete-table", "--table-name", "cli-seed"],
            ["cloudwatch", "list-metrics", "--namespace", "Cli"],
            ["firehose", "list-delivery-streams"],
        ]
        for step in steps:
            r = subprocess.run(["aws", "--endpoint-url", endpoint, *step], env=env, capture_output=True, timeout=120)
            if r.returncode:
                log(f"    aws {' '.join(step[:2])}: exit {r.returncode}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --- seeds the parser targets read ----------------------------------------------------------

def string_values(value, out):
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            string_values(v, out)
    elif isinstance(value, list):
        for v in value:
            string_values(v, out)


def derive(corpus, requests):
    values = []
    for method, uri, headers, body in requests:
        names = {n.lower(): v for n, v in headers}
        ctype = names.get("content-type", "").lower()
        if "json" in ctype and body:
            corpus.add("json", body)
            try:
                string_values(json.loads(body), values)
            except ValueError:
                pass
        if "cbor" in ctype and body:
            corpus.add("cbor", body)
        if "x-www-form-urlencoded" in ctype and body:
            corpus.add("awsquery", body)
        if body.lstrip()[:1] == b"<":
            corpus.add("xml", body)
        query = urllib.parse.urlsplit(uri).query
        auth = names.get("authorization", "")
        if auth or "X-Amz-Credential" in query:
            # Lines: Authorization, query, X-Amz-Date, path, X-Amz-Content-SHA256; then the body.
            lines = [auth, query, names.get("x-amz-date", ""), urllib.parse.urlsplit(uri).path, names.get("x-amz-content-sha256", "")]
            corpus.add("sigv4", "\n".join(lines).encode() + b"\n" + body[:4096])
        for name in ("if-modified-since", "if-unmodified-since", "x-amz-copy-source-if-modified-since", "date", "expires"):
            if name in names:
                corpus.add("httpdate", names[name].encode())
        for name in ("range", "x-amz-copy-source-range"):
            if name in names:
                corpus.add("httpdate", bytes([random.randrange(256)]) + names[name].encode())
        if service_of(uri, headers) == "s3":
            corpus.add("s3head", raw_request(method, uri, headers, body))
        # KPL aggregates sent as Kinesis records (their protobuf body; the target frames it).
        if "json" in ctype and body:
            try:
                data = base64.b64decode(json.loads(body).get("Data", ""))
            except (ValueError, AttributeError, TypeError):
                data = b""
            if data.startswith(b"\xf3\x89\x9a\xc2") and len(data) > 20:
                corpus.add("kpl", data[4:-16])
                corpus.add("kpl", data)
    now = datetime.datetime.now(datetime.timezone.utc)
    for text in [now.strftime("%a, %d %b %Y %H:%M:%S GMT"), now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                 now.strftime("%Y-%m-%dT%H:%M:%S.123Z"), "Thu, 01 Jan 1970 00:00:00 GMT", "9999-12-31T23:59:60Z"]:
        corpus.add("httpdate", text.encode())
    for spec in ["bytes=0-0", "bytes=-1", "bytes=5-", "bytes=0-99999999999"]:
        corpus.add("httpdate", bytes([40]) + spec.encode())
    # Model patterns with the values clients sent (the selector byte picks the pattern).
    patterns = []
    for path in sorted(glob.glob(os.path.join(ROOT, "api-specs", "*.json"))):
        with open(path) as f:
            model = json.load(f)
        for shape in model.get("shapes", {}).values():
            if "pattern" in shape:
                patterns.append(shape["pattern"])
    for selector, value in enumerate(sorted(set(v for v in values if len(v) < 300))[:200]):
        corpus.add("pattern", bytes([selector % 255]) + value.encode())
    for pattern in sorted(set(patterns)):
        corpus.add("pattern", b"\xff" + pattern.encode() + b"\n" + (values[0] if values else "x").encode())
    # Event-stream frames as SubscribeToShard answers them: headers, 0xFF, the payload.
    for event, payload in [("initial-response", b"{}"),
                           ("SubscribeToShardEvent", b'{"Records":[],"ContinuationSequenceNumber":"1","MillisBehindLatest":0}')]:
        headers = b"\x00".join([b":event-type=" + event.encode(), b":content-type=application/json", b":message-type=event"])
        corpus.add("eventstream", headers + b"\xff" + payload)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eddy", default=os.path.join(ROOT, ".build", "debug", "eddy"))
    parser.add_argument("--out", default=os.path.join(ROOT, "Fuzz", "corpus"))
    parser.add_argument("--client", action="append", default=[], help="a command run with ENDPOINT set (repeatable)")
    parser.add_argument("--no-cli", action="store_true", help="skip the aws-cli steps")
    parser.add_argument("--only", nargs="+", default=None, help="write only these targets' seeds")
    args = parser.parse_args()
    random.seed(1)

    port = free_port()
    server = subprocess.Popen([args.eddy, "serve", "--ephemeral", "--port", str(port), "--log-level", "warning"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if server.stdout.readline().strip() != b"Ready.":
        sys.exit("the server did not start")
    proxy = RecordingProxy(port)
    endpoint = f"http://127.0.0.1:{proxy.port}"
    log = print
    try:
        print("boto3 …")
        drive_boto3(endpoint, log)
        if not args.no_cli and shutil.which("aws"):
            print("aws-cli …")
            drive_cli(endpoint, log)
        for command in args.client:
            print(f"{command} …")
            subprocess.run(command, shell=True, env=dict(os.environ, ENDPOINT=endpoint), timeout=900,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
    finally:
        proxy.listener.close()
        server.terminate()
        server.wait(15)

    requests = []
    with proxy.lock:
        streams = [bytes(s) for s in proxy.streams]
    for data in streams:
        requests += split_http2(data) if data.startswith(PREFACE) else split_http1(data)
    print(f"{len(requests)} requests from {len(streams)} connections")

    corpus = Corpus(args.out)
    groups = {}
    for method, uri, headers, body in requests:
        service = service_of(uri, headers)
        key = group_of(service, method, uri, headers)
        kept = groups.setdefault(key, [])
        if len(kept) < PER_GROUP:
            kept.append(1)
            corpus.add(service, raw_request(method, uri, headers, body))
    derive(corpus, requests)
    if args.only:
        corpus.seeds = {target: seeds for target, seeds in corpus.seeds.items() if target in args.only}
    corpus.write()


if __name__ == "__main__":
    main()

"""Real-client tests: each starts the built `eddy` binary on a free port with its own data dir."""
import os
import pathlib
import signal
import socket
import subprocess
import tempfile
import time

import boto3
import pytest
from botocore.config import Config

ROOT = pathlib.Path(__file__).resolve().parents[2]
EDDY_BIN = os.environ.get("EDDY_BIN", str(ROOT / ".build" / "debug" / "eddy"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class EddyServer:
    """A running server process; restartable on the same data dir."""

    def __init__(self, data_dir, extra_args=()):
        self.data_dir = data_dir
        self.extra_args = list(extra_args)
        self.port = free_port()
        self.proc = None
        self.log_path = os.path.join(data_dir, "..", f"eddy-{self.port}.log")

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=20):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [EDDY_BIN, "serve", "--port", str(self.port), "--data-dir", self.data_dir, *self.extra_args],
            stdout=subprocess.PIPE, stderr=self.log)
        deadline = time.time() + timeout
        line = self.proc.stdout.readline()
        if line.strip() != b"Ready.":
            raise RuntimeError(f"server did not print Ready. (got {line!r}); log: {self.logs()}")
        self.ready_at = time.time()
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.01)
        raise RuntimeError("server did not accept connections")

    def logs(self):
        try:
            return open(self.log_path, encoding="utf-8", errors="replace").read()
        except OSError:
            return ""

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            return self.proc.wait(15)
        return self.proc.returncode if self.proc else None

    def client(self, service="kinesis", region="us-east-1", access_key="test", **config):
        return boto3.client(service, endpoint_url=self.endpoint, region_name=region,
                            aws_access_key_id=access_key, aws_secret_access_key="test",
                            config=Config(retries={"max_attempts": 1}, **config))


@pytest.fixture
def data_dir():
    with tempfile.TemporaryDirectory(prefix="eddy-it-") as d:
        path = os.path.join(d, "data")
        os.makedirs(path)
        yield path


@pytest.fixture
def server(data_dir):
    s = EddyServer(data_dir).start()
    yield s
    s.stop()


@pytest.fixture
def kinesis(server):
    return server.client()


def aws_cbor_loads(body):
    """Kinesis CBOR as AWS writes it: tag 1 holds an integer of epoch milliseconds (RFC 8949 gives
    the tag seconds), which a generic decoder has to be told; timestamps come out as datetimes."""
    import datetime

    import cbor2
    return cbor2.loads(body, semantic_decoders={
        1: lambda millis, _immutable: datetime.datetime.fromtimestamp(millis / 1000, datetime.timezone.utc)})


def wait_active(client, name, timeout=10):
    client.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 0.1, "MaxAttempts": int(timeout / 0.1)})

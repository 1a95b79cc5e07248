"""Clients that connect and say nothing, or trickle a request head, cannot starve the others:
their connections are closed after the idle or head timeout, a connection past the limit is
closed on arrival, and a normal client is answered throughout."""
import resource
import socket
import threading
import time

import pytest

from conftest import EddyServer, wait_active


def closed_by_server(sock, within):
    """True when the server closes `sock` (reads end or reset) within `within` seconds."""
    sock.settimeout(within)
    try:
        while True:
            data = sock.recv(4096)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


@pytest.fixture
def strict(data_dir):
    s = EddyServer(data_dir, ["--idle-timeout", "3", "--head-timeout", "2", "--max-connections", "1500"]).start()
    yield s
    s.stop()


def resident_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024


def test_idle_and_slow_connections_are_closed_while_others_are_served(strict):
    # This process holds 1,200 sockets too.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 4096 and (hard == resource.RLIM_INFINITY or hard >= 4096):
        resource.setrlimit(resource.RLIMIT_NOFILE, (4096, hard))
    kinesis = strict.client()
    kinesis.create_stream(StreamName="served", ShardCount=1)
    wait_active(kinesis, "served")

    before = resident_mib(strict.proc.pid)
    idle = [socket.create_connection(("127.0.0.1", strict.port)) for _ in range(1000)]
    slow = [socket.create_connection(("127.0.0.1", strict.port)) for _ in range(200)]
    stop = threading.Event()

    def trickle():
        # One byte of a never-ending head every 0.2 s on every slow connection.
        for s in slow:
            s.sendall(b"POST / HTTP/1.1\r\n")
        while not stop.is_set():
            for s in slow:
                try:
                    s.sendall(b"X")
                except OSError:
                    pass
            time.sleep(0.2)

    trickler = threading.Thread(target=trickle, daemon=True)
    trickler.start()
    try:
        latencies = []
        for i in range(100):
            started = time.monotonic()
            kinesis.put_record(StreamName="served", PartitionKey=str(i), Data=b"x")
            latencies.append(time.monotonic() - started)
        latencies.sort()
        # Generous: the point is that nobody waits on the silent connections, not a speed goal.
        assert latencies[98] < 2.0, latencies[-5:]
        # A connection costs a few KiB, not a buffer per connection.
        grown = resident_mib(strict.proc.pid) - before
        assert grown < 100, f"RSS grew {grown:.1f} MiB"

        # The head timeout is counted from a head's first byte, whatever arrives after it.
        assert all(closed_by_server(s, 6) for s in slow)
        assert all(closed_by_server(s, 6) for s in idle)
    finally:
        stop.set()
        trickler.join()
        for s in idle + slow:
            s.close()
    assert strict.proc.poll() is None
    assert kinesis.describe_stream_summary(StreamName="served")["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE"


def test_a_connection_past_the_limit_is_closed_and_the_server_recovers(data_dir):
    server = EddyServer(data_dir, ["--max-connections", "20"]).start()
    try:
        # 21 at once: whichever comes past the limit is closed (the server's readiness probe may
        # still hold a place for a moment, so it need not be the last).
        held = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(21)]
        deadline = time.monotonic() + 5
        closed = []
        while not closed and time.monotonic() < deadline:
            closed = [s for s in held if closed_by_server(s, 0.05)]
        assert closed
        for s in held:
            s.close()
        time.sleep(0.3)
        # With the held connections gone, clients are served again.
        assert server.client().list_streams()["StreamNames"] == []
        assert "connection limit" in server.logs()
    finally:
        server.stop()

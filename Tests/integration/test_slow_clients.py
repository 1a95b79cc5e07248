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


def h2c(port):
    """An HTTP/2 (prior knowledge) client connection with its flow-control windows wide open."""
    import h2.config
    import h2.connection
    import h2.settings
    s = socket.create_connection(("127.0.0.1", port))
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 2 ** 31 - 1})
    conn.increment_flow_control_window(2 ** 31 - 1 - 65535)
    s.sendall(conn.data_to_send())
    return s, conn


def test_an_http2_connection_that_sends_only_its_preface_is_closed(strict):
    s, _ = h2c(strict.port)
    assert closed_by_server(s, 8)
    s.close()
    assert strict.client().list_streams()["StreamNames"] == []


def test_unfinished_http2_bodies_and_unread_http2_gets_hold_bounded_memory(data_dir):
    import h2.exceptions
    server = EddyServer(data_dir).start()
    try:
        s3 = server.client("s3")
        s3.create_bucket(Bucket="big")
        s3.put_object(Bucket="big", Key="object", Body=b"\x01" * (32 << 20))
        kinesis = server.client()
        kinesis.create_stream(StreamName="served", ShardCount=1)
        wait_active(kinesis, "served")
        before = resident_mib(server.proc.pid)

        # 40 streams of 16 MiB PutRecords bodies, each sent up to 8 MiB and left unfinished:
        # what the server holds is bounded by its per-connection window, not by what was announced.
        s, conn = h2c(server.port)
        s.settimeout(0.2)
        streams = []
        for _ in range(40):
            sid = conn.get_next_available_stream_id()
            conn.send_headers(sid, [(":method", "POST"), (":path", "/"), (":scheme", "http"), (":authority", "x"),
                                    ("x-amz-target", "Kinesis_20131202.PutRecords"),
                                    ("content-type", "application/x-amz-json-1.1"), ("content-length", str(16 << 20))])
            streams.append(sid)
        s.sendall(conn.data_to_send())
        piece, sent, deadline = b"x" * 16384, 0, time.monotonic() + 15
        while time.monotonic() < deadline and sent < 40 * (8 << 20):
            progressed = False
            for sid in streams:
                try:
                    if conn.local_flow_control_window(sid) >= len(piece):
                        conn.send_data(sid, piece)
                        sent += len(piece)
                        progressed = True
                except (h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
                    pass
            s.sendall(conn.data_to_send())
            try:
                data = s.recv(65536)
                if not data:
                    break
                conn.receive_data(data)
                s.sendall(conn.data_to_send())
            except socket.timeout:
                if not progressed:
                    break

        # Four GETs of the 32 MiB object on another connection that never reads: the file is
        # sent as the client takes it, not read into memory.
        g, gets = h2c(server.port)
        for _ in range(4):
            gets.send_headers(gets.get_next_available_stream_id(),
                              [(":method", "GET"), (":path", "/big/object"), (":scheme", "http"), (":authority", "x")],
                              end_stream=True)
        g.sendall(gets.data_to_send())
        time.sleep(2)

        kinesis.put_record(StreamName="served", PartitionKey="k", Data=b"still served")
        grown = resident_mib(server.proc.pid) - before
        assert grown < 150, f"RSS grew {grown:.1f} MiB"
        s.close()
        g.close()
        assert server.proc.poll() is None
        assert s3.head_object(Bucket="big", Key="object")["ContentLength"] == 32 << 20
    finally:
        server.stop()

"""The web console at /_eddy/ in a real browser (Debian's chromium driven by Selenium): every page
loads without console errors, a record put with boto3 shows in the live tail within a second, a
Firehose delivery shows with its object decoded, a dashboard's widgets draw their series, an alarm
turns red, the S3 browser pages through 2,500 keys, and payloads meant to run as script stay text.
Full-page screenshots go to .build/console-screenshots/ (with each page's first paint)."""
import datetime
import gzip
import json
import os
import shutil
import statistics
import tempfile
import threading
import time
import urllib.request

import pytest

from conftest import EddyServer, wait_active

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHOTS = os.path.join(ROOT, ".build", "console-screenshots")
XSS = '<img src=x onerror="window.__xss=1">'


@pytest.fixture(scope="module")
def server():
    data = tempfile.mkdtemp(prefix="eddy-console-")
    s = EddyServer(data, ["--alarm-interval", "1"]).start()
    # The browser's own floor: the least a page from this server can take to paint, measured next
    # to every console page so the figures can be read on a slow or busy machine.
    floor = s.client("s3")
    floor.create_bucket(Bucket="paint-floor")
    floor.put_object(Bucket="paint-floor", Key="floor.html", ContentType="text/html",
                     Body=b"<!doctype html><html><head><meta charset=utf-8><title>floor</title><link rel=icon href=\"data:,\"></head><body><p>Eddy</p></body></html>")
    yield s
    s.stop()
    shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    driver_path, chromium = shutil.which("chromedriver"), shutil.which("chromium")
    assert driver_path and chromium, "the console tests need Debian's chromium and chromium-driver (scripts/test.sh installs them)"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,800", "--disable-dev-shm-usage"]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=webdriver.ChromeService(executable_path=driver_path), options=options)
    d.set_page_load_timeout(20)
    os.makedirs(SHOTS, exist_ok=True)
    yield d
    d.quit()


TIMINGS = {}
# When the first frame with text was shown, from the start of the navigation (null before it).
FIRST_PAINT = ("const p = performance.getEntriesByName('first-contentful-paint')[0];"
               "return p ? Math.round(p.startTime) : null")


def visit(browser, server, fragment, name, wait_for=None, timeout=10):
    """Loads a console page, waits for what it should show, saves a full-page screenshot and
    its first paint, and fails on any error the page logged."""
    # A fresh load each time, so the paint figures are a page's own.
    browser.get("about:blank")
    browser.get(f"{server.endpoint}/paint-floor/floor.html")
    floor = first_paint(browser)
    browser.get("about:blank")
    browser.get(f"{server.endpoint}/_eddy/#{fragment}")
    if wait_for:
        wait(browser, wait_for, timeout)
    TIMINGS[name] = {"firstPaintMs": first_paint(browser), "browserFloorMs": floor,
                     "contentMs": browser.execute_script("return Math.round(performance.now())")}
    screenshot(browser, name)
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors
    assert browser.execute_script("return window.__xss") is None
    return browser


def first_paint(browser):
    """When the page first showed text, from the start of its navigation (the entry is written
    a moment after the load event, so wait for it)."""
    deadline = time.time() + 2
    while (paint := browser.execute_script(FIRST_PAINT)) is None and time.time() < deadline:
        time.sleep(0.02)
    return paint


def wait(browser, css, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = browser.find_elements(By.CSS_SELECTOR, css)
        if found:
            return found
        time.sleep(0.05)
    screenshot(browser, "failed-" + css.replace(" ", "_")[:40])
    raise AssertionError(f"{css} never appeared; page: {browser.find_element(By.TAG_NAME, 'main').text[:500]}")


def screenshot(browser, name):
    size = browser.execute_script("return [Math.max(document.documentElement.scrollWidth, window.innerWidth), document.documentElement.scrollHeight]")
    shot = browser.execute_cdp_cmd("Page.captureScreenshot", {"captureBeyondViewport": True, "clip": {
        "x": 0, "y": 0, "width": size[0], "height": min(size[1], 6000), "scale": 1}})
    import base64
    with open(os.path.join(SHOTS, name + ".png"), "wb") as f:
        f.write(base64.b64decode(shot["data"]))


def test_overview_stream_page_live_tail_and_test_record(server, browser):
    kinesis = server.client("kinesis")
    kinesis.create_stream(StreamName="orders", ShardCount=2)
    wait_active(kinesis, "orders")
    kinesis.put_records(StreamName="orders", Records=[{"PartitionKey": f"k{i}", "Data": b'{"n": %d}' % i} for i in range(20)])
    visit(browser, server, "/", "overview", "a[href='#/kinesis/orders']")
    assert "orders" in browser.find_element(By.TAG_NAME, "main").text
    visit(browser, server, "/kinesis", "kinesis-streams", "a[href='#/kinesis/orders']")
    # A polling reader shows on the stream page, told apart by its client.
    reader = server.client("kinesis", user_agent_extra="orders-reader")
    iterator = reader.get_shard_iterator(StreamName="orders", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    reader.get_records(ShardIterator=iterator, Limit=1)
    visit(browser, server, "/kinesis/orders", "kinesis-stream", "#tail-note")
    wait(browser, "svg.lineage rect")
    readers = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "main table tr") if "orders-reader" in row.text]
    assert len(readers) == 1 and "shardId-000000000000" in readers[0] and "ms" in readers[0], readers
    deadline = time.time() + 5
    while "Tailing" not in browser.find_element(By.ID, "tail-note").text and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # the tail's first GetShardIterator (LATEST) is taken
    put_at = time.time()
    kinesis.put_record(StreamName="orders", PartitionKey=XSS, Data=json.dumps({"order": 42, "note": XSS}).encode())
    wait(browser, "#tail .rec", timeout=3)
    seen_after = time.time() - put_at
    TIMINGS["tail-latency-seconds"] = seen_after
    assert seen_after < 1.0, f"the record reached the tail after {seen_after:.2f} s"
    record = browser.find_element(By.CSS_SELECTOR, "#tail .rec")
    assert '"order": 42' in record.find_element(By.CSS_SELECTOR, "pre.data").text
    assert record.find_element(By.CSS_SELECTOR, "code.pk").text == XSS  # shown as text
    assert browser.find_elements(By.CSS_SELECTOR, "#tail img") == [] and browser.execute_script("return window.__xss") is None
    # A KPL aggregate is shown as the user records it holds.
    kinesis.put_record(StreamName="orders", PartitionKey="agg", Data=kpl_aggregate([("a", b"first"), ("b", b"second")]))
    deadline = time.time() + 3
    while "KPL aggregate" not in browser.find_element(By.ID, "tail").text and time.time() < deadline:
        time.sleep(0.05)
    assert "second" in browser.find_element(By.ID, "tail").text and "KPL aggregate" in browser.find_element(By.ID, "tail").text
    # The test record goes through PutRecord and comes back through the tail.
    browser.find_element(By.ID, "put-data").clear()
    browser.find_element(By.ID, "put-data").send_keys("from the page")
    browser.find_element(By.ID, "put-send").click()
    deadline = time.time() + 3
    while "Put as" not in browser.find_element(By.ID, "put-note").text and time.time() < deadline:
        time.sleep(0.05)
    assert "Put as" in browser.find_element(By.ID, "put-note").text
    deadline = time.time() + 3
    while "from the page" not in browser.find_element(By.ID, "tail").text and time.time() < deadline:
        time.sleep(0.05)
    assert "from the page" in browser.find_element(By.ID, "tail").text
    screenshot(browser, "kinesis-stream-tailing")
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def kpl_aggregate(records):
    import hashlib

    def varint(n):
        out = b""
        while True:
            b = n & 0x7F
            n >>= 7
            out += bytes([b | (0x80 if n else 0)])
            if not n:
                return out

    def field(number, payload):
        return varint(number << 3 | 2) + varint(len(payload)) + payload

    keys = b"".join(field(1, k.encode()) for k, _ in records)
    body = keys + b"".join(field(3, varint(1 << 3) + varint(i) + field(3, data)) for i, (_, data) in enumerate(records))
    return b"\xf3\x89\x9a\xc2" + body + hashlib.md5(body).digest()


def test_firehose_delivery_and_its_object_decoded(server, browser):
    fh, s3 = server.client("firehose"), server.client("s3")
    s3.create_bucket(Bucket="lake")
    fh.create_delivery_stream(DeliveryStreamName="to-lake", DeliveryStreamType="DirectPut", ExtendedS3DestinationConfiguration={
        "RoleARN": "arn:aws:iam::000000000000:role/firehose", "BucketARN": "arn:aws:s3:::lake", "Prefix": "events/",
        "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 1}, "CompressionFormat": "GZIP"})
    for _ in range(100):
        if fh.describe_delivery_stream(DeliveryStreamName="to-lake")["DeliveryStreamDescription"]["DeliveryStreamStatus"] == "ACTIVE":
            break
        time.sleep(0.05)
    fh.put_record_batch(DeliveryStreamName="to-lake", Records=[{"Data": json.dumps({"id": i, "text": XSS}).encode() + b"\n"} for i in range(5)])
    deadline = time.time() + 15
    while not s3.list_objects_v2(Bucket="lake", Prefix="events/").get("KeyCount") and time.time() < deadline:
        time.sleep(0.2)
    # One that holds its records (a long interval) shows what it holds now.
    fh.create_delivery_stream(DeliveryStreamName="held", DeliveryStreamType="DirectPut", ExtendedS3DestinationConfiguration={
        "RoleARN": "arn:aws:iam::000000000000:role/firehose", "BucketARN": "arn:aws:s3:::lake", "Prefix": "held/",
        "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 900}})
    for _ in range(100):
        if fh.describe_delivery_stream(DeliveryStreamName="held")["DeliveryStreamDescription"]["DeliveryStreamStatus"] == "ACTIVE":
            break
        time.sleep(0.05)
    fh.put_record_batch(DeliveryStreamName="held", Records=[{"Data": b"0123456789"} for _ in range(3)])
    visit(browser, server, "/firehose", "firehose", "section[data-delivery-stream='to-lake'] a[href*='/object?key=']")
    held = browser.find_element(By.CSS_SELECTOR, "section[data-delivery-stream='held'] dd.buffered").text
    assert held.startswith("3 records, 30 B, oldest waiting"), held
    assert browser.find_element(By.CSS_SELECTOR, "section[data-delivery-stream='to-lake'] dd.buffered").text == "empty"
    browser.find_element(By.CSS_SELECTOR, "section[data-delivery-stream='to-lake'] a[href*='/object?key=']").click()
    lines = wait(browser, "ol.lines li")
    assert len(lines) == 5 and '"id":0' in lines[0].text.replace(" ", "")
    assert "gzip decoded" in browser.find_element(By.CSS_SELECTOR, "div.preview").text
    visit(browser, server, browser.execute_script("return location.hash.slice(1)"), "s3-object-preview", "ol.lines li")
    visit(browser, server, "/", "overview-with-deliveries", "main table a[href='#/firehose']")
    assert "to-lake" in browser.find_element(By.TAG_NAME, "main").text
    rates = json.loads(urllib.request.urlopen(server.endpoint + "/_eddy/api/overview", timeout=5).read())["rates"]
    assert set(rates["deliveryStreams"]["to-lake"]) == {"deliveries", "records"} and set(rates["streams"]["orders"]) == {"in", "out"}


def test_s3_browser_pages_through_2500_keys(server, browser):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="many")
    names = [f"logs/{i:05d}.txt" for i in range(2500)] + [f"logs/sub/{XSS}.txt", "top.json"]

    def put(chunk):
        client = server.client("s3")
        for k in chunk:
            client.put_object(Bucket="many", Key=k, Body=b'{"k": 1}' if k.endswith(".json") else b"hello")

    threads = [threading.Thread(target=put, args=(names[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    visit(browser, server, "/s3/many", "s3-bucket", "a[href*='prefix=logs%2F']")
    visit(browser, server, "/s3/many?prefix=logs%2F", "s3-folder", "#page-count")
    keys, pages = set(), 0
    while True:
        pages += 1
        for _ in range(50):
            try:
                keys.update(a.text for a in browser.find_elements(By.CSS_SELECTOR, "main table a[href*='/object?key=']"))
                break
            except StaleElementReferenceException:
                time.sleep(0.02)
        nxt = browser.find_elements(By.ID, "next-page")
        if not nxt:
            break
        first = browser.find_element(By.CSS_SELECTOR, "main table tbody tr").text
        nxt[0].click()
        deadline = time.time() + 5
        while time.time() < deadline:
            try:
                rows = browser.find_elements(By.CSS_SELECTOR, "main table tbody tr")
                if rows and rows[0].text != first:
                    break
            except StaleElementReferenceException:
                pass  # the page was being drawn again
            time.sleep(0.02)
        assert pages < 40
    assert len(keys) == 2500 and pages == 26  # 25 pages of keys, then the sub/ folder
    visit(browser, server, "/s3/many?prefix=logs%2Fsub%2F", "s3-xss-key", "main table a")
    assert browser.find_element(By.CSS_SELECTOR, "main table a").text == XSS + ".txt"
    visit(browser, server, "/s3/many/object?key=top.json", "s3-json-preview", "pre.preview")
    assert json.loads(browser.find_element(By.CSS_SELECTOR, "pre.preview").text) == {"k": 1}


def test_dashboard_widgets_and_alarm_turning_red(server, browser):
    cw = server.client("cloudwatch")
    now = datetime.datetime.now(datetime.timezone.utc)
    for minute in range(5):
        cw.put_metric_data(Namespace="Shop", MetricData=[
            {"MetricName": "Orders", "Value": 10 + minute, "Timestamp": now - datetime.timedelta(minutes=minute), "Dimensions": [{"Name": "Store", "Value": "a"}]},
            {"MetricName": "Orders", "Value": 3, "Timestamp": now - datetime.timedelta(minutes=minute), "Dimensions": [{"Name": "Store", "Value": "b"}]},
            {"MetricName": "Latency", "Value": 100 + minute, "Timestamp": now - datetime.timedelta(minutes=minute)}])
    cw.put_dashboard(DashboardName="shop", DashboardBody=json.dumps({"widgets": [
        {"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6, "properties": {
            "title": "Orders by store", "region": "us-east-1", "stat": "Sum", "period": 60,
            "metrics": [["Shop", "Orders", "Store", "a"], [".", ".", ".", "b"]]}},
        {"type": "metric", "x": 12, "y": 0, "width": 12, "height": 6, "properties": {
            "title": "Latency", "region": "us-east-1", "stat": "Average", "period": 60, "metrics": [["Shop", "Latency", {"label": "p50-ish"}]]}},
        {"type": "text", "x": 0, "y": 6, "width": 24, "height": 2, "properties": {"markdown": "# Runbook\nCall **on-call**. " + XSS}}]}))
    visit(browser, server, "/dashboards/shop", "dashboard", "section.widget svg.chart path")
    wait(browser, "section.widget:nth-child(2) svg.chart path")
    charts = browser.find_elements(By.CSS_SELECTOR, "section.widget[data-widget-type='metric'] svg.chart")
    assert len(charts) == 2
    first = [p.get_attribute("data-series") for p in charts[0].find_elements(By.CSS_SELECTOR, "path")]
    second = [p.get_attribute("data-series") for p in charts[1].find_elements(By.CSS_SELECTOR, "path")]
    assert first == ["Orders a", "Orders b"] and second == ["p50-ish"], (first, second)
    text = browser.find_element(By.CSS_SELECTOR, "section.widget[data-widget-type='text']")
    assert text.find_element(By.TAG_NAME, "h3").text == "Runbook" and XSS in text.text
    visit(browser, server, "/cloudwatch?namespace=Shop", "cloudwatch-metrics", "main table button")
    browser.find_element(By.XPATH, "//main//table//button[text()='Latency']").click()
    wait(browser, "#explorer-chart svg.chart path")
    screenshot(browser, "cloudwatch-explorer")

    cw.put_metric_alarm(AlarmName="latency " + XSS, Namespace="Shop", MetricName="Spikes", Statistic="Maximum", Period=10,
                        EvaluationPeriods=1, Threshold=5, ComparisonOperator="GreaterThanThreshold")
    visit(browser, server, "/alarms", "alarms-before", "main table .state-INSUFFICIENT_DATA")
    cw.put_metric_data(Namespace="Shop", MetricData=[{"MetricName": "Spikes", "Value": 9, "StorageResolution": 1}])
    wait(browser, "main table .state-ALARM", timeout=15)  # live: the page is not reloaded
    row = browser.find_element(By.CSS_SELECTOR, "main table tbody tr")
    assert row.find_element(By.TAG_NAME, "a").text == "latency " + XSS
    screenshot(browser, "alarms-red")
    browser.find_element(By.CSS_SELECTOR, "main table tbody tr a").click()
    wait(browser, "svg.chart line.threshold")
    screenshot(browser, "alarm-detail")
    assert browser.execute_script("return window.__xss") is None


def test_dynamodb_tables_and_paged_item_browser(server, browser):
    ddb = server.client("dynamodb")
    ddb.create_table(TableName="customers", BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}, {"AttributeName": "city", "AttributeType": "S"}],
                     GlobalSecondaryIndexes=[{"IndexName": "by-city", "KeySchema": [{"AttributeName": "city", "KeyType": "HASH"}],
                                              "Projection": {"ProjectionType": "ALL"}}])
    for _ in range(100):  # as on AWS, a table takes writes once it is ACTIVE
        if ddb.describe_table(TableName="customers")["Table"]["TableStatus"] == "ACTIVE":
            break
        time.sleep(0.05)
    for i in range(120):
        ddb.put_item(TableName="customers", Item={"id": {"S": f"c{i:03d}"}, "city": {"S": "Lyon"}, "visits": {"N": str(i)},
                                                  "note": {"S": XSS}})
    visit(browser, server, "/dynamodb", "dynamodb-tables", "a[href='#/dynamodb/customers']")
    row = next(r.text for r in browser.find_elements(By.CSS_SELECTOR, "main table tr") if "customers" in r.text)
    assert "id (HASH)" in row and "by-city" in row and "120" in row, row
    seen = []
    visit(browser, server, "/dynamodb/customers", "dynamodb-items", "main table pre")
    for page in range(3):
        items = [json.loads(pre.text) for pre in wait(browser, "main table pre")]
        seen += [item["id"] for item in items]
        assert all(item["note"] == XSS for item in items)  # shown as text
        nxt = browser.find_elements(By.LINK_TEXT, "Next page")
        if not nxt:
            break
        first = items[0]["id"]
        nxt[0].click()
        deadline = time.time() + 5
        while time.time() < deadline:
            try:
                if json.loads(browser.find_element(By.CSS_SELECTOR, "main table pre").text)["id"] != first:
                    break
            except (StaleElementReferenceException, ValueError):
                pass
            time.sleep(0.05)
    assert sorted(seen) == [f"c{i:03d}" for i in range(120)]


def test_phone_width_dark_mode_and_keyboard(server, browser):
    browser.set_window_size(390, 844)
    try:
        visit(browser, server, "/", "overview-phone", "main h1")
        visit(browser, server, "/kinesis/orders", "kinesis-stream-phone", "#tail-note")
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 400, f"the page is {width} px wide at phone width"
    finally:
        browser.set_window_size(1280, 800)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    try:
        visit(browser, server, "/", "overview-dark", "main h1")
        background = browser.execute_script("return getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(15, 20, 25)", background
        visit(browser, server, "/dashboards/shop", "dashboard-dark", "section.widget svg.chart path")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]})
    # Keyboard: the skip link comes first, then the brand and the sections, in order.
    visit(browser, server, "/", "overview-keyboard", "main h1")
    first = browser.execute_script("return document.querySelector('a[href], button, input, select, textarea').textContent")
    assert first == "Skip to content"
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    browser.execute_script("document.querySelector('a.skip').focus()")
    order = []
    for _ in range(4):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        order.append(browser.switch_to.active_element.text)
    assert order == ["Eddy", "Overview", "Kinesis", "Firehose"], order


def test_console_is_safe_and_small(server):
    req = urllib.request.Request(server.endpoint + "/_eddy/", headers={"Host": "evil.example"})
    try:
        urllib.request.urlopen(req, timeout=5)
        raise AssertionError("answered another host")
    except urllib.error.HTTPError as e:
        assert e.code == 421
    with urllib.request.urlopen(server.endpoint + "/_eddy/", timeout=5) as r:
        csp = r.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
        page = r.read()
    # The style and the script's loader are inline (the first paint waits for no second
    # request), each admitted by its hash; the browser tests above prove the hashes match.
    import base64
    import hashlib
    style = page.split(b"<style>", 1)[1].split(b"</style>", 1)[0]
    assert f"style-src 'self' 'sha256-{base64.b64encode(hashlib.sha256(style).digest()).decode()}'" in csp
    loader = page.split(b"<script>", 1)[1].split(b"</script>", 1)[0]
    assert f"script-src 'self' 'sha256-{base64.b64encode(hashlib.sha256(loader).digest()).decode()}';" in csp
    assert page.count(b"<script") == 1 and b"/_eddy/console.js" in loader
    total = len(page)
    with urllib.request.urlopen(server.endpoint + "/_eddy/console.js", timeout=5) as r:
        total += len(r.read())
    TIMINGS["asset-bytes"] = total
    assert total < 200_000
    # A form another site posts here is refused (posts are JSON from the console's own origin).
    req = urllib.request.Request(server.endpoint + "/_eddy/api/kinesis/put?stream=orders", data=b'{"PartitionKey":"x","Data":"y"}',
                                 headers={"Content-Type": "text/plain", "Origin": "http://evil.example"}, method="POST")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=5)
    assert e.value.code == 403
    # Objects are downloads, never pages of this origin.
    s3 = server.client("s3")
    s3.create_bucket(Bucket="web")
    s3.put_object(Bucket="web", Key="evil.html", Body=b"<script>alert(1)</script>", ContentType="text/html")
    with urllib.request.urlopen(server.endpoint + "/_eddy/api/s3/download?bucket=web&key=evil.html&inline=1", timeout=5) as r:
        assert r.headers["Content-Type"] == "application/octet-stream" and r.headers["Content-Disposition"].startswith("attachment")
    os.makedirs(SHOTS, exist_ok=True)
    pages = [t for t in TIMINGS.values() if isinstance(t, dict) and t["firstPaintMs"] and t["browserFloorMs"]]
    if pages:
        over = sorted(t["firstPaintMs"] - t["browserFloorMs"] for t in pages)
        TIMINGS["summary"] = {"pages": len(pages), "medianFirstPaintMs": statistics.median(t["firstPaintMs"] for t in pages),
                              "medianBrowserFloorMs": statistics.median(t["browserFloorMs"] for t in pages),
                              "medianOverFloorMs": statistics.median(over), "worstOverFloorMs": over[-1]}
    with open(os.path.join(SHOTS, "timings.json"), "w") as f:
        json.dump(TIMINGS, f, indent=1)


def test_event_streams_answer_head_with_headers_and_get_with_updates(server):
    for path in ["/_eddy/api/live?view=alarms", "/_eddy/api/kinesis/tail?stream=none"]:
        req = urllib.request.Request(server.endpoint + path, method="HEAD")
        with urllib.request.urlopen(req, timeout=5) as r:
            assert r.status == 200 and r.headers["Content-Type"] == "text/event-stream" and r.read() == b""
    # A GET of the same live page is the stream itself: an update within its two-second beat.
    with urllib.request.urlopen(server.endpoint + "/_eddy/api/live?view=alarms", timeout=10) as r:
        assert r.headers["Content-Type"] == "text/event-stream"
        lines = []
        while not any(line.startswith(b"data: ") for line in lines):
            lines.append(r.readline())
    update = json.loads(next(line for line in lines if line.startswith(b"data: "))[6:])
    assert isinstance(update["MetricAlarms"], list) and b"event: update\n" in lines
    # HEAD of an object download: its size, no body.
    s3 = server.client("s3")
    s3.create_bucket(Bucket="heads")
    s3.put_object(Bucket="heads", Key="k.txt", Body=b"twelve bytes")
    req = urllib.request.Request(server.endpoint + "/_eddy/api/s3/download?bucket=heads&key=k.txt", method="HEAD")
    with urllib.request.urlopen(req, timeout=5) as r:
        assert r.headers["Content-Length"] == "12" and r.read() == b""


def test_no_console_flag_and_auth_verify(data_dir):
    s = EddyServer(data_dir, ["--no-console"]).start()
    try:
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(s.endpoint + "/_eddy/", timeout=5)
        assert e.value.code in (400, 404, 501)
    finally:
        s.stop()
    s = EddyServer(data_dir, ["--auth", "verify", "--credentials", "AKIDCONSOLE:sekret:123456789012"]).start()
    try:
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(s.endpoint + "/_eddy/api/overview", timeout=5)
        assert e.value.code == 401 and e.value.headers["WWW-Authenticate"].startswith("Basic")
        import base64
        req = urllib.request.Request(s.endpoint + "/_eddy/api/overview",
                                     headers={"Authorization": "Basic " + base64.b64encode(b"AKIDCONSOLE:sekret").decode()})
        with urllib.request.urlopen(req, timeout=5) as r:
            assert json.loads(r.read())["accountId"] == "123456789012"
    finally:
        s.stop()

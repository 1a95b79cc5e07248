import EddyWire

// index.html of the web console, kept in the binary (no files to install, no build step).
enum ConsolePage {
    /// The page with its style inline: the first paint waits for no second request. The
    /// Content-Security-Policy admits that one style element by its hash.
    static let html = head + "<style>" + ConsoleStyle.text + "</style>\n" + body

    static let styleHash = "sha256-" + Base64.encode(SHA256Digest.of(Array(ConsoleStyle.text.utf8)))

    static let head = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Eddy</title>
<link rel="icon" href="data:,">
<script src="/_eddy/console.js" defer></script>
"""#

    static let body = #"""
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<a class="brand" href="#/">Eddy</a>
<nav aria-label="Sections">
<a href="#/">Overview</a>
<a href="#/kinesis">Kinesis</a>
<a href="#/firehose">Firehose</a>
<a href="#/s3">S3</a>
<a href="#/cloudwatch">CloudWatch</a>
<a href="#/alarms">Alarms</a>
<a href="#/dynamodb">DynamoDB</a>
</nav>
<form id="scope" role="search"><label for="region">Region</label> <input id="region" name="region" list="regions" placeholder="default" autocomplete="off">
<datalist id="regions"><option value="us-east-1"><option value="us-east-2"><option value="us-west-2"><option value="eu-west-1"><option value="eu-central-1"><option value="ap-southeast-1"><option value="ap-northeast-1"></datalist>
<button type="submit" class="plain">Switch</button></form>
</header>
<main id="main" tabindex="-1"><p class="muted">Loading…</p></main>
</body>
</html>
"""#
}

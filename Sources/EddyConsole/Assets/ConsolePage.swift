import EddyWire

// index.html of the web console, kept in the binary (no files to install, no build step).
enum ConsolePage {
    /// The page with its style inline: the first paint waits for no second request. The
    /// Content-Security-Policy admits that one style element and the loader by their hashes.
    static let html = head + "<style>" + ConsoleStyle.text + "</style>\n" + body + "<script>" + loader + "</script>\n" + end

    static let styleHash = hash(ConsoleStyle.text)
    static let loaderHash = hash(loader)

    /// Fetches console.js once the first frame (the header and "Loading…") is drawn: run
    /// before it, the script and the view it starts held the first paint back by some 20 ms.
    /// A hidden tab draws no frames, so there it loads at once.
    static let loader = "(() => { const load = () => { const s = document.createElement('script'); s.src = '/_eddy/console.js'; document.head.append(s); };"
        + " if (document.visibilityState === 'visible') requestAnimationFrame(() => setTimeout(load, 0)); else load(); })();"

    private static func hash(_ text: String) -> String {
        "sha256-" + Base64.encode(SHA256Digest.of(Array(text.utf8)))
    }

    static let head = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Eddy</title>
<link rel="icon" href="data:,">
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

"""#

    static let end = #"""
</body>
</html>
"""#
}

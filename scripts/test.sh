#!/usr/bin/env bash
# Runs every test: Swift unit tests, real-client tests (boto3, aws-cli) against the built server,
# then every fuzz target for a few seconds (EDDY_FUZZ_SECONDS, 0 to skip; a crash fails the run).
# Installs what the real-client tests need into .venv (from PyPI) the first time.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== no trapping constructs"
scripts/check-traps.sh
echo "== swift build"
swift build
echo "== swift test"
rc=0
swift test > .build/swift-test.log 2>&1 || rc=$?
grep -E '✘|error:|Test run with|Executed [0-9]+ tests' .build/swift-test.log || tail -40 .build/swift-test.log
[ "$rc" -eq 0 ] || { echo "swift test failed (exit $rc)"; exit "$rc"; }

echo "== real-client tests"
if [ ! -x .venv/bin/pytest ] || ! .venv/bin/python -c "import boto3, awscli, cbor2, httpx, h2, amazon_kclpy, selenium" 2>/dev/null; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "boto3>=1.34" "awscli>=1.32" "pytest>=7" "cbor2>=6" "httpx[http2]>=0.27" \
    "kclpy-ext==3.1.3.post4" "selenium>=4.20"
fi
# The console tests drive a real browser: Debian's chromium and its driver.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  as_root=""; [ "$(id -u)" -ne 0 ] && as_root="sudo"
  $as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq chromium chromium-driver
fi
# s3fs pins its own botocore (through aiobotocore), so it lives in a venv of its own.
if ! .venv-s3fs/bin/python -c "import s3fs" 2>/dev/null; then
  python3 -m venv .venv-s3fs
  .venv-s3fs/bin/pip install --quiet --disable-pip-version-check "s3fs>=2024.3"
fi
export PATH="$PWD/.venv/bin:$PATH"
fuzz_seconds=${EDDY_FUZZ_SECONDS:-10}
fuzz_build=""
if [ "$fuzz_seconds" != 0 ]; then
  # The fuzz build (release, with sanitizers) is the longest compile; it runs at low priority
  # while the real-client tests, which mostly wait on their clients, run.
  nice -n 10 scripts/fuzz.sh --build > .build/fuzz-build.log 2>&1 &
  fuzz_build=$!
fi
rc=0
EDDY_BIN="$PWD/.build/debug/eddy" .venv/bin/pytest -q Tests/integration "$@" || rc=$?
build_rc=0
[ -n "$fuzz_build" ] && { wait "$fuzz_build" || build_rc=$?; }
[ "$rc" -eq 0 ] || { echo "real-client tests failed (exit $rc)"; exit "$rc"; }

if [ -n "$fuzz_build" ]; then
  [ "$build_rc" -eq 0 ] || { cat .build/fuzz-build.log; echo "the fuzz build failed"; exit 1; }
  echo "== fuzzing every target for $fuzz_seconds s"
  scripts/fuzz.sh all "$fuzz_seconds"
fi

#!/usr/bin/env bash
# Fails when Sources/ has a construct that traps (ends the process) instead of answering an
# error: force unwraps, try!, as!, fatalError, precondition. A client value must never reach
# one, and the simplest way to keep that true is to have none. Generated code is produced by
# scripts/gen-api-specs.py, which writes none either, and is checked too. The fuzz harness
# (EddyFuzzing, eddy-fuzz) is not server code: it stops the process on purpose when a property fails.
set -euo pipefail
cd "$(dirname "$0")/.."
pattern='[]A-Za-z0-9_)>]![^=]|[]A-Za-z0-9_)>]!$|try!|as!|fatalError\(|precondition(Failure)?\(|unsafelyUnwrapped'
# `!` inside string literals and comments is not code: drop both before matching.
found=$(grep -rnE --include='*.swift' --exclude-dir=EddyFuzzing --exclude-dir=eddy-fuzz "$pattern" Sources | sed -E 's#//.*$##' | grep -vE '"[^"]*![^"]*"' | grep -E "$pattern" || true)
if [ -n "$found" ]; then
  echo "Trapping constructs in Sources/ (answer an error instead):"
  echo "$found"
  exit 1
fi
echo "no trapping constructs in Sources/"

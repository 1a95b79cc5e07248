#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer (built into the Swift toolchain).
#
#   scripts/fuzz.sh [TARGET|all] [SECONDS]     default: all targets, 60 s each
#   scripts/fuzz.sh --list
#   scripts/fuzz.sh --build                     only build (the test script does it early)
#
# Builds eddy-fuzz with -sanitize=fuzzer,address into .build-fuzz (the instrumentation must not
# mix with the normal build), then runs each target from its seed corpus (Fuzz/corpus/TARGET,
# recorded from real clients by scripts/record-corpus.py) and the inputs of past findings
# (Fuzz/regressions/TARGET). New interesting inputs collect in .build-fuzz/corpus/TARGET.
# A crash, an input slower than 10 s or a run past 2 GiB fails the script; the input is
# saved as .build-fuzz/findings/TARGET/crash-… — fix it, then add it to Fuzz/regressions/TARGET
# so `swift test` replays it for good.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=.build-fuzz
binary=$scratch/release/eddy-fuzz
if [ "${1:-}" != "--list" ] || [ ! -x "$binary" ]; then
  swift build --product eddy-fuzz -c release --scratch-path "$scratch" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' || true
  [ -x "$binary" ] || { echo "the fuzz build failed"; exit 1; }
fi
[ "${1:-}" = "--build" ] && exit 0
targets=$(ls Fuzz/corpus)
if [ "${1:-}" = "--list" ]; then echo "$targets"; exit 0; fi

selected=${1:-all}
seconds=${2:-60}
[ "$selected" = all ] && selected=$targets

status=0
for target in $selected; do
  [ -d "Fuzz/corpus/$target" ] || { echo "no target $target (scripts/fuzz.sh --list)"; exit 2; }
  work=$scratch/corpus/$target
  findings=$scratch/findings/$target
  data=$(mktemp -d "${TMPDIR:-/tmp}/eddy-fuzz-$target.XXXXXX")
  mkdir -p "$work" "$findings" "Fuzz/regressions/$target"
  echo "== $target ($seconds s)"
  rc=0
  # Leak detection is off: Swift keeps enum payload pointers with tag bits set, so references held
  # by indirect enums (the compiled model patterns, for one) are invisible to LeakSanitizer and
  # reported as leaks. Growth still fails the run through -rss_limit_mb. The Swift backtracer is
  # off because it cannot read memory under AddressSanitizer; the sanitizer's report is the trace.
  ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no EDDY_FUZZ_TARGET=$target EDDY_FUZZ_DIR=$data "$binary" "$work" "Fuzz/corpus/$target" "Fuzz/regressions/$target" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -detect_leaks=0 \
    -artifact_prefix="$findings/" > "$scratch/$target.log" 2>&1 || rc=$?
  rm -rf "$data"
  grep -E '^#[0-9]+.*(DONE|pulse)|stat::number_of_executed_units|stat::peak_rss_mb|cov:' "$scratch/$target.log" | tail -3
  if [ "$rc" -ne 0 ]; then
    echo "FAILED: $target (exit $rc); see $scratch/$target.log and $findings/"
    grep -E 'ERROR:|Fatal error|SUMMARY' "$scratch/$target.log" | head -5
    status=1
  fi
done
exit $status

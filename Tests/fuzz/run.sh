#!/usr/bin/env bash
# Builds each fuzz target with libFuzzer and AddressSanitizer and fuzzes it for FUZZ_SECONDS (docs/fuzzing.md).
#   Tests/fuzz/run.sh                 every target, 60 s each
#   FUZZ_SECONDS=600 Tests/fuzz/run.sh feed where
#   FUZZ_CONFIG=debug FUZZ_JOBS=2 Tests/fuzz/run.sh scanner
# Each target starts from a copy of its committed corpus (Tests/fuzz/corpus/<target>) in
# .build-fuzz/corpus/<target>, which keeps what libFuzzer adds between runs. A finding is saved as
# .build-fuzz/findings/<target>/crash-* (or leak-, timeout-, oom-) and the script exits 1.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
SWIFT=${SWIFT:-swift}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_JOBS=${FUZZ_JOBS:-1}
SCRATCH=${FUZZ_SCRATCH:-.build-fuzz}
# Optimized by default: an -Onone build runs the parsers ten times slower, so far fewer inputs per second.
FUZZ_CONFIG=${FUZZ_CONFIG:-release}
all_targets=(feed scanner where pipeline enrich html)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

# Instrumentation: AddressSanitizer plus libFuzzer's coverage feedback (what -sanitize=fuzzer turns on).
# Not -sanitize=fuzzer itself: it links libFuzzer's main(), which clashes with the executables' own entry
# point. They call LLVMFuzzerRunDriver instead, from the toolchain's libclang_rt.fuzzer_no_main (C++, so
# libstdc++ too); CS_LIBFUZZER tells Sources/CFuzzDriver not to define its replay driver.
swift_bin=$(readlink -f "$(command -v "$SWIFT")")
fuzzer_lib=$(ls "$(dirname "$swift_bin")"/../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a 2>/dev/null | head -1)
[ -n "$fuzzer_lib" ] || { echo "run.sh: libclang_rt.fuzzer_no_main not found next to $swift_bin" >&2; exit 69; }
build_flags=(-c "$FUZZ_CONFIG" --scratch-path "$SCRATCH" --sanitize address
  -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table
  -Xlinker "$fuzzer_lib" -Xlinker -lstdc++ -Xcc -DCS_LIBFUZZER)
for t in "${targets[@]}"; do
  [ -d "Tests/fuzz/corpus/$t" ] || { echo "run.sh: unknown target '$t' (targets: ${all_targets[*]})" >&2; exit 64; }
  echo "== building fuzz-$t"
  "$SWIFT" build "${build_flags[@]}" --product "fuzz-$t"
done
bin=$("$SWIFT" build "${build_flags[@]}" --show-bin-path)

status=0
for t in "${targets[@]}"; do
  corpus="$repo/$SCRATCH/corpus/$t"
  findings="$repo/$SCRATCH/findings/$t"
  work="$repo/$SCRATCH/work/$t"     # an empty directory: the pipeline target expands globs here
  mkdir -p "$corpus" "$findings" "$work"
  cp -n "Tests/fuzz/corpus/$t"/* "$corpus"/ 2>/dev/null || true
  # FUZZ_JOBS > 1: that many fuzzing processes (each logs to $SCRATCH/work/<target>/fuzz-N.log).
  parallel=()
  [ "$FUZZ_JOBS" -gt 1 ] && parallel=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS")
  dict=()
  [ -f "Tests/fuzz/dict/$t.dict" ] && dict=(-dict="$repo/Tests/fuzz/dict/$t.dict")
  echo "== fuzzing fuzz-$t for ${FUZZ_SECONDS}s (corpus $SCRATCH/corpus/$t)"
  touch "$work/.started"
  # Leak detection is off: the parsers keep process-lifetime caches (phrase table, scanners) on purpose.
  if ! (cd "$work" && SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 "$bin/fuzz-$t" "$corpus" \
        -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        "${parallel[@]}" -print_final_stats=1 \
        -artifact_prefix="$findings/" "${dict[@]}" 2>&1 | tee "$repo/$SCRATCH/fuzz-$t.log" | grep -E '^(#[0-9]+[[:space:]]+(INITED|DONE|pulse)|==|fuzz finding|SUMMARY|stat::|artifact_prefix|Test unit written)' ); then
    :
  fi
  # Only what this run found counts (earlier findings stay in the directory until removed).
  new=$(find "$findings" -type f -newer "$work/.started" | sort)
  if [ -n "$new" ]; then
    echo "!! fuzz-$t: findings (log: $SCRATCH/fuzz-$t.log):"
    echo "$new" | sed "s|^$repo/||; s|^|   |"
    status=1
  fi
done
exit $status

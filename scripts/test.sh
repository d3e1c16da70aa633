#!/usr/bin/env bash
# Builds everything and runs every test: the portable core natively under
# ASan/UBSan, the fuzz targets briefly (clang/libFuzzer), then the Windows
# build with its unit and integration tests under Wine. Installs what it
# needs first (scripts/bootstrap.sh). Exit status: 0 only if all passed.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${SW_BUILD_DIR:-$ROOT/build}
JOBS=${SW_JOBS:-$(nproc)}
export SW_WINEPREFIX=${SW_WINEPREFIX:-$BUILD/wineprefix}

"$ROOT/scripts/bootstrap.sh" || exit 1

# A run needs ~7 GB at its peak (three builds and a Wine prefix per
# integration test, 0.7 GB each); a full disk fails as link errors far in.
need_kb=$((7 * 1024 * 1024))
mkdir -p "$BUILD"
free_kb=$(df -Pk "$BUILD" | awk 'NR == 2 { print $4 }')
if [ "${free_kb:-0}" -lt "$need_kb" ]; then
  echo "test.sh: only $((free_kb / 1024)) MB free under $BUILD; a run needs ~7 GB" >&2
  exit 1
fi

passed=0 failed=0 summary=()

# Runs ctest in $1 with the remaining arguments; adds its counts to ours.
run_ctest() {
  local dir=$1 label=$2 out
  shift 2
  out=$(mktemp)
  (cd "$dir" && ctest --output-on-failure "$@") 2>&1 | tee "$out"
  local line
  line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$out" | tail -n 1)
  if [ -z "$line" ]; then
    failed=$((failed + 1))
    summary+=("$label: ctest ran no test or did not finish")
  else
    local f total
    f=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
    total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
    passed=$((passed + total - f))
    failed=$((failed + f))
    summary+=("$label: $line")
  fi
  rm -f "$out"
}

build() {
  local dir=$1
  shift
  cmake -S "$ROOT" -B "$dir" -DSW_DEPS_DIR="$BUILD/deps" "$@" >/dev/null &&
    cmake --build "$dir" -j "$JOBS"
}

echo "== native build (ASan/UBSan)"
if build "$BUILD/native" -DSW_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug; then
  run_ctest "$BUILD/native" native
else
  failed=$((failed + 1)); summary+=("native: build failed")
fi

echo "== fuzz targets (clang, libFuzzer)"
if CC=clang build "$BUILD/fuzz" -DSW_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo; then
  run_ctest "$BUILD/fuzz" fuzz -R '^fuzz\.'
else
  failed=$((failed + 1)); summary+=("fuzz: build failed")
fi

echo "== Windows build (MinGW-w64), tests under Wine"
if build "$BUILD/mingw" -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/mingw-w64-x86_64.cmake" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo; then
  trap '"$ROOT/scripts/wine-prefix.sh" stop "$SW_WINEPREFIX"' EXIT
  "$ROOT/scripts/wine-prefix.sh" start "$SW_WINEPREFIX"
  export SW_WINE_READY=1
  wine_failed_before=$failed
  run_ctest "$BUILD/mingw" wine -j 2
  # The integration tests' prefixes are kept only when something failed
  # (their logs are the evidence); the next run copies them anew.
  if [ "$failed" -eq "$wine_failed_before" ]; then
    rm -rf "$BUILD"/mingw/*-wineprefix
  fi
else
  failed=$((failed + 1)); summary+=("wine: build failed")
fi

echo
echo "== summary"
printf '  %s\n' "${summary[@]}"
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Prepares a Debian 12 machine to build and test SMTP Watch: installs the
# Debian packages, then cross-builds SQLite, cmocka, cJSON and c-ares from Debian's
# source packages into build/deps. Idempotent; a second run takes about a second.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEPS=${SW_DEPS_DIR:-$ROOT/build/deps}
export DEBIAN_FRONTEND=noninteractive

PACKAGES=(
  gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 wine wine64 xvfb xdotool
  imagemagick msitools wixl cmake make gcc clang libclang-rt-14-dev
  libcmocka-dev libsqlite3-dev tcl dpkg-dev python3 python3-aiosmtpd openssl libssl-dev
  monitoring-plugins-standard swaks postfix dovecot-core clang-format yamllint
  # A real Prometheus (and its promtool) for the metrics test; it runs a
  # private instance on loopback only (tests/integration/test_prometheus.py).
  prometheus
  libcjson-dev
  # The private DNS servers of the domain tests (tests/fixtures/dns_servers.py):
  # an authoritative NSD, a validating Unbound, ldnsutils to sign the zone.
  nsd unbound ldnsutils
  # The round trip's mailbox server: IMAP, POP3 and LMTP for the private
  # Dovecot (tests/fixtures/dovecot_auth.sh --mail, docs/testing.md).
  dovecot-imapd dovecot-pop3d dovecot-lmtpd
)

log() { printf 'bootstrap: %s\n' "$*" >&2; }

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "bootstrap: installing packages needs root (run as root or with sudo)" >&2
    exit 1
  fi
}

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
      missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  need_root
  log "installing ${missing[*]}"
  # Postfix must not ask questions; we run private instances only (of
  # Postfix, and of Dovecot as its SASL backend: tests/fixtures).
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  apt-get update -qq
  without_services apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  no_system_dns_server
}

# Runs "$@" (a package install) without letting any package start its
# system service (postfix, dovecot, nsd, unbound): the tests run private
# instances on loopback (tests/fixtures). invoke-rc.d and deb-systemd-invoke
# ask /usr/sbin/policy-rc.d first, and exit code 101 means "action
# forbidden" (Debian's policy-rc.d interface). One that was there (a
# container's) is set aside for the install and put back, even when the
# install fails.
POLICY_RC_D=/usr/sbin/policy-rc.d
restore_policy_rc_d() {
  rm -f "$POLICY_RC_D"
  if [ -e "$POLICY_RC_D.bootstrap-saved" ]; then
    mv "$POLICY_RC_D.bootstrap-saved" "$POLICY_RC_D"
  fi
}
without_services() {
  local rc=0
  [ ! -e "$POLICY_RC_D" ] || mv "$POLICY_RC_D" "$POLICY_RC_D.bootstrap-saved"
  trap restore_policy_rc_d EXIT
  printf '#!/bin/sh\n# scripts/bootstrap.sh: no service starts while it installs\nexit 101\n' \
    >"$POLICY_RC_D"
  chmod 755 "$POLICY_RC_D"
  "$@" || rc=$?
  restore_policy_rc_d
  trap - EXIT
  return "$rc"
}

# The tests start their own DNS servers on free ports: a system nsd or
# unbound on port 53 means a service was started after all.
no_system_dns_server() {
  if command -v ss >/dev/null && ss -Hlntup 'sport = :53' | grep -Eq 'nsd|unbound'; then
    echo "bootstrap: a system nsd or unbound listens on port 53; stop it" >&2
    exit 1
  fi
}

enable_deb_src() {
  local src=/etc/apt/sources.list.d/debian-src.sources
  [ -f "$src" ] && return 0
  need_root
  log "enabling deb-src"
  sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources >"$src"
  apt-get update -qq
}

# apt-get source into $DEPS/src/<name>; prints the unpacked directory.
fetch_source() {
  local name=$1 dir
  mkdir -p "$DEPS/src/$name"
  dir=$(find "$DEPS/src/$name" -mindepth 1 -maxdepth 1 -type d | head -n 1)
  if [ -z "$dir" ]; then
    enable_deb_src
    (cd "$DEPS/src/$name" && apt-get source -qq "$name" >/dev/null 2>&1)
    dir=$(find "$DEPS/src/$name" -mindepth 1 -maxdepth 1 -type d | head -n 1)
  fi
  [ -n "$dir" ] || { echo "bootstrap: apt-get source $name failed" >&2; exit 1; }
  echo "$dir"
}

build_sqlite() {
  local out=$DEPS/mingw/lib/libsqlite3.a
  [ -f "$out" ] && return 0
  local src amal
  src=$(fetch_source sqlite3)
  amal=$DEPS/sqlite-amalgamation
  if [ ! -f "$amal/sqlite3.c" ]; then
    log "generating the SQLite amalgamation"
    rm -rf "$amal" && mkdir -p "$amal"
    (cd "$amal" && "$src/configure" --disable-tcl >/dev/null && make -s sqlite3.c >/dev/null)
  fi
  log "cross-building SQLite"
  mkdir -p "$DEPS/mingw/lib" "$DEPS/mingw/include"
  x86_64-w64-mingw32-gcc -O2 -DSQLITE_THREADSAFE=1 -DSQLITE_DQS=0 \
    -DSQLITE_DEFAULT_WAL_SYNCHRONOUS=1 -c "$amal/sqlite3.c" -o "$DEPS/sqlite3.o"
  x86_64-w64-mingw32-ar rcs "$out.tmp" "$DEPS/sqlite3.o" && mv "$out.tmp" "$out"
  cp "$amal/sqlite3.h" "$DEPS/mingw/include/"
}

# One C file of a Debian source package, cross-compiled into a static
# library with its header: cross_build_one LIB SOURCE_FILE HEADER
# INCLUDE_SUBDIR CFLAGS... (the paths relative to the unpacked source).
cross_build_one() {
  local lib=$1 file=$2 header=$3 subdir=$4 src
  shift 4
  local out=$DEPS/mingw/lib/lib$lib.a
  [ -f "$out" ] && return 0
  src=$(fetch_source "$lib")
  log "cross-building $lib"
  mkdir -p "$DEPS/mingw/lib" "$DEPS/mingw/include/$subdir"
  x86_64-w64-mingw32-gcc "$@" -c "$src/$file" -o "$DEPS/$lib.o"
  x86_64-w64-mingw32-ar rcs "$out.tmp" "$DEPS/$lib.o" && mv "$out.tmp" "$out"
  cp "$src/$header" "$DEPS/mingw/include/$subdir"
}

build_cmocka() {
  local inc
  inc=$(fetch_source cmocka)/include
  cross_build_one cmocka src/cmocka.c include/cmocka.h "" -O1 -DHAVE_SIGNAL_H \
    -DHAVE_MALLOC_H -DHAVE_INTTYPES_H -DHAVE_STDINT_H -DHAVE_STRUCT_TIMESPEC \
    -DHAVE_GCC_THREAD_LOCAL_STORAGE -I"$inc"
}

# cJSON reads the OAuth token endpoint's answers (common/win/oauth_reply.c);
# its header goes where Debian's libcjson-dev puts it: <cjson/cJSON.h>.
build_cjson() {
  cross_build_one cjson cJSON.c cJSON.h cjson -O2 -std=c89
}


# c-ares moves our DNS queries (common/win/engine_dns.c): cross-built with
# its own CMake as a static library. Debian 12's 1.18.1-3 carries the fix
# for CVE-2023-31130, whose inet_net_pton.c uses INADDRSZ, which only
# <arpa/nameser_compat.h> defines: given here for Windows.
build_cares() {
  local out=$DEPS/mingw/lib/libcares.a src
  [ -f "$out" ] && return 0
  src=$(fetch_source c-ares)
  log "cross-building c-ares"
  cmake -S "$src" -B "$DEPS/cares-build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/mingw-w64-x86_64.cmake" \
    -DCMAKE_C_FLAGS=-DINADDRSZ=4 -DCARES_STATIC=ON -DCARES_SHARED=OFF \
    -DCARES_BUILD_TOOLS=OFF -DCARES_BUILD_TESTS=OFF \
    -DCMAKE_INSTALL_PREFIX="$DEPS/mingw" >/dev/null
  cmake --build "$DEPS/cares-build" -j"$(nproc)" >/dev/null
  cmake --install "$DEPS/cares-build" >/dev/null
}

install_packages
build_sqlite
build_cmocka
build_cjson
build_cares
log "ready (deps in $DEPS)"

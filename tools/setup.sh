#!/usr/bin/env bash
# Installs what `make serve` / `make test` need, skipping whatever is already there.
# Usage: tools/setup.sh build   (toolchain + npm tools)
#        tools/setup.sh test    (the above + Chromium, chromedriver, Firefox ESR and geckodriver)
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
# Splits the app's module in two (tools/build.mjs, issue 12).
WASM_SPLIT_VERSION=0.2.4
SCHEMATHESIS_VERSION=4.32.5
# The Firefox run (tests/firefox.rs) drives Debian's firefox-esr through this geckodriver.
GECKODRIVER_VERSION=0.37.1
# Schemathesis lives in its own virtualenv under target/ (ignored by git; rebuilt after a clean).
VENV=target/venv
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] cannot continue: %s\n' "$*" >&2; exit 1; }

is_debian_root() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }
apt_updated=
apt_install() {
  is_debian_root || die "please install the Debian packages: $* (needs root on Debian)"
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

command -v cargo >/dev/null || die "install Rust (rustup) first"
command -v rustup >/dev/null || die "install rustup, needed for the wasm32-unknown-unknown target"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (a few minutes)"
  cargo install "trunk@$TRUNK_VERSION" --locked
fi

if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  say "installing wasm-split-cli $WASM_SPLIT_VERSION"
  cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --locked --force
fi

if ! command -v npm >/dev/null; then
  say "installing Node.js and npm"
  apt_install nodejs npm
fi
# npm ci only when node_modules is older than the lockfile (or missing).
if [ ! node_modules/.package-lock.json -nt package-lock.json ]; then
  say "installing npm tools from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "${1:-build}" = test ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Chromium and chromedriver"
    apt_install chromium chromium-driver
  fi
  if ! command -v firefox-esr >/dev/null; then
    say "installing Firefox ESR"
    apt_install firefox-esr
  fi
  if [ "$(geckodriver --version 2>/dev/null | head -n1 | cut -d' ' -f1-2 || true)" != "geckodriver $GECKODRIVER_VERSION" ]; then
    say "installing geckodriver $GECKODRIVER_VERSION (a few minutes)"
    cargo install geckodriver --version "$GECKODRIVER_VERSION" --locked --force
  fi
  # The backend's tests start their own PostgreSQL server (initdb into a temporary folder):
  # the binaries only, no cluster and no system service.
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    say "installing PostgreSQL (binaries only, for the backend's tests)"
    if is_debian_root && [ ! -e /etc/postgresql-common/createcluster.conf ]; then
      mkdir -p /etc/postgresql-common
      echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf
    fi
    apt_install postgresql
  fi
  if [ "$("$VENV/bin/schemathesis" --version 2>/dev/null || true)" != "schemathesis, version $SCHEMATHESIS_VERSION" ]; then
    python=$(command -v python3.11 || command -v python3 || true)
    if [ -z "$python" ] || ! "$python" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      say "installing Python 3 with venv"
      apt_install python3 python3-venv
      python=$(command -v python3)
    fi
    say "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
    rm -rf "$VENV"
    "$python" -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  fi
fi
say "ready"

#!/usr/bin/env bash
# Installs what Aegis needs to build, run and test on Debian 12, and nothing when it is all there.
# Debian packages through apt (root or sudo); npm packages from the lock files.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake pkg-config ccache git curl python3 wrk
  libasio-dev librestinio-dev libcpp-httplib-dev libsqlite3-dev sqlite3
  libpq-dev libpqxx-dev postgresql
  nlohmann-json3-dev libsimdjson-dev libsodium-dev libssl-dev libspdlog-dev libfmt-dev libcli11-dev libicu-dev
  libgtest-dev libgmock-dev libbenchmark-dev libgoogle-perftools-dev
  clang-14 libclang-rt-14-dev
  nodejs npm chromium fonts-wqy-microhei
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  # nodejs/npm may come from elsewhere on a developer machine: a working node counts.
  if [[ $p == nodejs || $p == npm ]] && command -v "${p/js/}" >/dev/null 2>&1; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing Debian packages: ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm packages, exactly as locked; reinstalled only when the lock file changed.
for dir in web tests/browser; do
  if [[ ! -d $dir/node_modules || $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
    echo "installing npm packages in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

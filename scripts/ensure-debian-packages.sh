#!/bin/sh
# Install the Debian packages svcgen needs outside its virtual environment, when missing.
# Idempotent: a command already on PATH means its package is there and nothing runs.
#
#   scripts/ensure-debian-packages.sh graphviz   # `dot`, for GET .../diagram.svg
#   scripts/ensure-debian-packages.sh chromium   # /usr/bin/chromium, for the browser tests
#
# Needs root (CI runs as root on Debian) for apt-get; without apt-get or root it says what
# to install and exits 1.
set -eu

command_of() {
    case "$1" in
        graphviz) echo dot ;;
        chromium) echo chromium ;;
        *) echo "ensure-debian-packages: unknown package $1 (graphviz or chromium)" >&2; exit 2 ;;
    esac
}

missing=""
for package in "$@"; do
    command -v "$(command_of "$package")" >/dev/null 2>&1 || missing="$missing $package"
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" -ne 0 ]; then
    echo "ensure-debian-packages: please install:$missing (apt-get install -y$missing, as root)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086  # one word per package
apt-get install -y -qq --no-install-recommends $missing

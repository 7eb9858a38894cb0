#!/usr/bin/env bash
# Installs the app's packages, then the packed `edgeflag` from a tarball (pkg/ after `npm pack`),
# as an outside user installs it: never from the source folder. The tarball is not saved in
# package.json, so the lock file stays the same whatever it holds.
# Usage: www/install.sh path/to/edgeflag-0.1.0.tgz
set -euo pipefail
tarball=$(realpath "$1")
cd "$(dirname "$0")"
# `npm install`, not `npm ci`: next's SWC builds for other platforms are not on this registry, so
# the lock cannot list them all; the versions still come from the lock.
npm install --no-audit --no-fund --loglevel=error
npm install --no-save --no-audit --no-fund --loglevel=error "$tarball"

#!/bin/sh
# Rebuilds ../assets/ (committed) from the npm packages pinned in
# package-lock.json. Needs Node 20+ and npm; the Go build needs neither.
#
#   internal/graphiql/web/build.sh
#
# Reproducible: the same lock file gives byte-identical assets.
set -eu
cd "$(dirname "$0")"
# Every package comes from the registry by name and version, checked by its
# integrity hash: no tarball URL, git, file or link dependency in the lock,
# and package.json pins exact versions.
node -e '
const lock = require("./package-lock.json"), pkg = require("./package.json");
const bad = Object.entries(lock.packages).filter(([k, v]) => k && (v.resolved || v.link || !v.integrity)).map(([k]) => k);
for (const [n, v] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }))
  if (!/^\d+\.\d+\.\d+$/.test(v)) bad.push(n + "@" + v + " (not an exact version)");
if (bad.length) { console.error("build.sh: package-lock.json or package.json not pinned to the registry:", bad.join(", ")); process.exit(1); }
'
npm ci --ignore-scripts --no-audit --no-fund
node build.mjs

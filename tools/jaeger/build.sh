#!/usr/bin/env bash
# Builds Jaeger v2 (the Go module github.com/jaegertracing/jaeger, pinned in go.mod) into a cache
# directory shared by every clone on this machine, or reuses the binary already there.
# Prints the binary's absolute path on the last line of stdout; all else goes to stderr.
#   JAEGER_CACHE_DIR  where the binary goes (default ~/.cache/upstream-guard/jaeger-<version>)
#   GO                the go command (default: go on PATH, else /usr/local/go/bin/go)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="$(awk '$1 == "github.com/jaegertracing/jaeger" { print $2; exit }' "$here/go.mod")"
if [ -z "$version" ]; then
  echo "tools/jaeger/go.mod: no require line for github.com/jaegertracing/jaeger" >&2
  exit 2
fi
out_dir="${JAEGER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/upstream-guard/jaeger-$version}"
bin="$out_dir/jaeger"

if [ -x "$bin" ]; then
  echo "jaeger $version: reusing $bin" >&2
  echo "$bin"
  exit 0
fi

go_cmd="${GO:-}"
if [ -z "$go_cmd" ]; then
  for candidate in "$(command -v go || true)" /usr/local/go/bin/go /usr/lib/go/bin/go; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then go_cmd="$candidate"; break; fi
  done
fi
if [ -z "$go_cmd" ]; then
  echo "jaeger $version: no go command (looked on PATH, /usr/local/go/bin, /usr/lib/go/bin)" >&2
  exit 3
fi

# Go 1.21+ fetches the toolchain go.mod asks for (1.24+) through the module proxy by itself; older ones cannot.
go_version="$("$go_cmd" env GOVERSION 2>/dev/null || true)"
go_minor="$(echo "$go_version" | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
if [ -z "$go_minor" ] || [ "$go_minor" -lt 21 ]; then
  echo "jaeger $version: $go_cmd (${go_version:-no version}) is too old: Jaeger needs Go 1.24+ (Go 1.21+ fetches it by itself)" >&2
  exit 3
fi

mkdir -p "$out_dir"
echo "jaeger $version: building with $go_version into $bin (takes minutes on 2 cores)" >&2
start=$(date +%s)
# Build to a temporary name first: an interrupted build must never leave a half-written binary to reuse.
tmp="$out_dir/jaeger.partial.$$"
trap 'rm -f "$tmp"' EXIT
(cd "$here" && "$go_cmd" build -mod=readonly -trimpath -o "$tmp" github.com/jaegertracing/jaeger/cmd/jaeger)
mv -f "$tmp" "$bin"
echo "jaeger $version: built in $(( $(date +%s) - start )) s" >&2
echo "$bin"

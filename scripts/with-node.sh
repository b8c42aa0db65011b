#!/usr/bin/env bash
# Runs a command (default: pnpm test) on another Node major version, e.g.
#   bash scripts/with-node.sh 24            # the test suite on Node 24
#   bash scripts/with-node.sh 22 pnpm bench --profile quick
# Node comes from the npm registry: the package node-<os>-<arch> holds the official binary (what the
# `node` package's own installer fetches), installed once into .cache/node-<major>/. The dependencies
# installed on Node 20 serve every version: the native ones (onnxruntime-node, webgpu) use Node-API.
# The command runs in the current directory.
set -euo pipefail
major=${1:?usage: scripts/with-node.sh <node major version> [command ...]}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x64 ;;
  Linux-aarch64) platform=linux-arm64 ;;
  Darwin-arm64) platform=darwin-arm64 ;;
  Darwin-x86_64) platform=darwin-x64 ;;
  *) echo "with-node.sh: no Node package for $(uname -s)-$(uname -m)" >&2; exit 2 ;;
esac
dir=$root/.cache/node-$major
bin=$dir/node_modules/node-$platform/bin
if [ ! -x "$bin/node" ]; then
  npm install --no-save --no-package-lock --prefix "$dir" "node-$platform@$major" >&2
fi
export PATH="$bin:$PATH"
echo "with-node.sh: $(command -v node) $(node --version)" >&2
if [ $# -eq 0 ]; then set -- pnpm test; fi
exec "$@"

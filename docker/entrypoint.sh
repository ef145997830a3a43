#!/bin/sh
# The image's entrypoint (under tini). The container starts as root only to
# leave it at once: Mantis runs as `mantis` (uid 10001). A command that starts
# Chromium (worker, start, doctor) with MANTIS_BROWSER_UID set keeps exactly
# two capabilities, CAP_SETUID and CAP_SETGID (ambient, so they survive the
# change of user), which scripts/chromium-as-user.sh uses to start Chromium as
# MANTIS_BROWSER_UID with none. Every other command keeps no capability.
# See docker/README.md, "Chromium in the container".
set -eu

app=${MANTIS_APP_DIR:-/app}
uid=${MANTIS_APP_UID:-10001}

browser=0
case "${1:-}" in
  worker | start | doctor) [ -n "${MANTIS_BROWSER_UID:-}" ] && browser=1 ;;
esac

# CAP_SETGID is bit 6 and CAP_SETUID bit 7 of a capability mask.
has_setuid_caps() {
  mask=$(sed -n "s/^$1:[[:space:]]*//p" /proc/self/status)
  [ $((0x$mask & 0xc0)) -eq $((0xc0)) ]
}

if [ "$(id -u)" = 0 ]; then
  caps=-all
  if [ "$browser" = 1 ]; then
    if ! has_setuid_caps CapBnd; then
      echo "mantis: MANTIS_BROWSER_UID is set but the container may not change user: add the SETUID and SETGID capabilities (compose: cap_add), or set MANTIS_BROWSER_UID= to run Chromium as mantis" >&2
      exit 1
    fi
    caps=-all,+setuid,+setgid
  fi
  exec setpriv --reuid="$uid" --regid="$uid" --clear-groups --inh-caps="$caps" --ambient-caps="$caps" -- node "$app/dist/cli/main.js" "$@"
fi

if [ "$browser" = 1 ] && ! has_setuid_caps CapEff; then
  echo "mantis: MANTIS_BROWSER_UID is set but uid $(id -u) may not change user: start the container as root (it drops to uid $uid itself), or set MANTIS_BROWSER_UID= to run Chromium as this user" >&2
  exit 1
fi
exec node "$app/dist/cli/main.js" "$@"

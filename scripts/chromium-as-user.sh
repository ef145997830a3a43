#!/bin/sh
# Starts Chromium as another, unprivileged user: the executor's launcher when
# MANTIS_BROWSER_UID is set (see "Chromium under its own user" in the README).
#
# Playwright runs this with Chromium's arguments and talks to it over the pipes
# it inherits (fds 3 and 4). This drops to MANTIS_BROWSER_UID:MANTIS_BROWSER_GID
# with no supplementary groups, no capabilities and no way to gain any, and
# gives Chromium a fresh profile directory of its own (mode 0700) in place of
# the one Playwright made, which that user could not open; the directory is
# removed when Chromium exits. Changing user needs CAP_SETUID and CAP_SETGID
# (root, or the ambient capabilities docker/entrypoint.sh grants a worker).
set -eu

# What runs as the browser user. It is passed inline, not by re-reading this
# file: the browser user may have no read access to where Mantis is installed.
stage2='umask 077
profile=$(mktemp -d "${TMPDIR:-/tmp}/mantis-chromium.XXXXXXXX")
trap "rm -rf \"$profile\"" EXIT
trap "exit 143" TERM INT HUP
HOME=$profile XDG_CONFIG_HOME=$profile XDG_CACHE_HOME=$profile
export HOME XDG_CONFIG_HOME XDG_CACHE_HOME
status=0
"$MANTIS_BROWSER_EXECUTABLE" --user-data-dir="$profile" "$@" || status=$?
exit "$status"'

: "${MANTIS_BROWSER_UID:?MANTIS_BROWSER_UID is not set}"
: "${MANTIS_BROWSER_GID:=$MANTIS_BROWSER_UID}"
: "${MANTIS_BROWSER_EXECUTABLE:?MANTIS_BROWSER_EXECUTABLE is not set}"

# Playwright's --user-data-dir belongs to the worker's user: stage 2 gives Chromium its own.
for arg do
  shift
  case $arg in
    --user-data-dir=*) ;;
    *) set -- "$@" "$arg" ;;
  esac
done

exec setpriv --reuid="$MANTIS_BROWSER_UID" --regid="$MANTIS_BROWSER_GID" --clear-groups \
  --inh-caps=-all --ambient-caps=-all --bounding-set=-all --no-new-privs \
  -- /bin/sh -c "$stage2" mantis-chromium "$@"

#!/usr/bin/env bash
# Make sure Debian's chromium is at /usr/bin/chromium (Playwright's own browser download does
# not work on these machines). Install it with apt-get when we can; otherwise say what to do.
set -u
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "chromium is missing: installing Debian's chromium package with apt-get ..."
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq && apt-get install -y -qq chromium >/dev/null; then
    [ -x /usr/bin/chromium ] && exit 0
  fi
  echo "error: apt-get could not install chromium; install it by hand (apt-get install chromium)" >&2
  exit 1
fi
echo "error: /usr/bin/chromium is missing and cannot be installed here (needs root and apt-get);" \
     "install Debian's chromium package, then run make test-browser again" >&2
exit 1

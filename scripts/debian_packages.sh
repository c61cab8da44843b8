# Sourced by test.sh and serve.sh: install a Debian package when its program is missing (as root),
# otherwise say which apt-get line to run. Usage: ensure_debian_package /usr/bin/chromium chromium "why"
ensure_debian_package() {
  local program="$1" package="$2" purpose="$3"
  if [ -x "$program" ]; then
    return 0
  fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's $package for $purpose ..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package") >/dev/null
  else
    echo "$purpose needs Debian's $package at $program: sudo apt-get install -y $package" >&2
    return 1
  fi
}

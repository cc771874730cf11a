#!/bin/sh
# Installs, from Debian bookworm's packages, everything citus-rescue needs
# to build, run its tests and open the rehearsal cluster (clang and
# libclang-rt-14-dev, which holds libFuzzer, for the fuzz harnesses; python3,
# which opens a terminal and closes it without a hang-up, and tells the
# benchmarks a command's peak memory; postgresql-15 brings pgbench;
# dpkg-dev, debhelper, fakeroot and lintian build and check the Debian
# package, bash-completion loads its completion).
set -e
packages="build-essential autoconf automake pkg-config libpq-dev libncurses-dev
libcdk5-dev postgresql-15 postgresql-client-15 tmux jq groff-base valgrind
util-linux procps iproute2 clang libclang-rt-14-dev python3
dpkg-dev debhelper fakeroot lintian bash-completion"
if [ "$(id -u)" = 0 ]; then
	as_root=
else
	as_root=sudo
fi
missing=
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	$as_root apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends $missing
fi

#!/bin/bash
# The Debian package: built from a clean copy of the sources, checked by
# lintian, installed, its binary run against a throwaway stand-in cluster,
# then removed again.  Needs root, dpkg-buildpackage and debhelper; skips
# without them, and on a machine that has the package installed already.
. "$top_srcdir/tests/lib/rescue.sh"

[ "$(id -u)" = 0 ] || skip_all "installing a package needs root"
command -v dpkg-buildpackage >/dev/null || skip_all "dpkg-buildpackage is not installed (dpkg-dev; tests/install-deps.sh installs it)"
command -v dh >/dev/null || skip_all "debhelper is not installed (tests/install-deps.sh installs it)"
if dpkg-query -W -f='${Status}' citus-rescue 2>/dev/null | grep -q "install ok installed"; then
	skip_all "a citus-rescue package is installed on this machine: the test would replace it, then remove it"
fi
if [ -n "${SCENARIO_FILTER:-}" ] && ! scenario_selected package; then
	skip_all "no scenario here matches SCENARIO_FILTER=$SCENARIO_FILTER"
fi

VERSION=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
WORK=$(mktemp -d /tmp/citus-rescue-package.XXXXXX) || exit 1
SOURCE=$WORK/citus-rescue-$VERSION
INSTALLED=no

package_cleanup() {
	declare -F pgc_cleanup >/dev/null && pgc_cleanup
	[ "$INSTALLED" = yes ] && dpkg --purge citus-rescue >/dev/null 2>&1
	rm -rf "$WORK"
}
trap package_cleanup EXIT
trap 'exit 130' INT TERM

# The sources as a clean clone has them: from git, the tracked files as they
# stand (uncommitted changes included, build products left out); from a
# release tarball's tree, what make dist would ship.
copy_sources() {
	mkdir -p "$SOURCE" || return 1
	# a release tree unpacked inside some other checkout is not that checkout
	if [ "$(git -C "$top_srcdir" rev-parse --show-toplevel 2>/dev/null)" = "$(cd "$top_srcdir" && pwd -P)" ]; then
		local tree
		tree=$(git -C "$top_srcdir" stash create 2>/dev/null)
		git -C "$top_srcdir" archive "${tree:-HEAD}" | tar -x -C "$SOURCE"
	else
		make -s -C "$top_builddir" distdir distdir="$SOURCE" top_distdir="$SOURCE" >/dev/null
	fi
}

sc_package() {
	local deb out code lintian_out
	copy_sources || setup_failed "could not copy the sources to $SOURCE" || return
	ok $([ -x "$SOURCE/debian/rules" ]; echo $?) "the copy of the sources has debian/rules"
	# the package's build is a make of its own: none of this suite's settings
	out=$(cd "$SOURCE" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SCENARIO_FILTER \
		-u CITUS_RESCUE_WRAPPER -u CITUS_RESCUE -u top_srcdir -u top_builddir \
		DEB_BUILD_OPTIONS="parallel=2" dpkg-buildpackage -us -uc -b 2>&1)
	code=$?
	is "$code" 0 "dpkg-buildpackage -us -uc -b builds the package"
	[ "$code" = 0 ] || { printf '%s\n' "$out" | tail -40 | sed 's/^/#     /'; return; }
	like "$out" "check-noserver" "its build runs the tests that need no server"
	deb=$(ls "$WORK"/citus-rescue_"$VERSION"_*.deb 2>/dev/null | head -1)
	ok $([ -f "$deb" ]; echo $?) "the package is named for configure.ac's version $VERSION"
	[ -f "$deb" ] || return
	like "$(dpkg-deb -f "$deb" Depends)" "libpq5.*libcdk5|libcdk5.*libpq5" "it depends on the libraries it links"
	if command -v lintian >/dev/null; then
		lintian_out=$(lintian --no-cfg --fail-on error "$deb" 2>&1)
		code=$?
		# its exit status too: a lintian that could not read the package lists no tag
		is "$code:$(printf '%s\n' "$lintian_out" | grep -c '^E:')" "0:0" "lintian finds no error"
		printf '%s\n' "$lintian_out" | grep -E '^[EW]:' | sed 's/^/lintian: /' | while read -r line; do diag "$line"; done
	else
		ok 0 "lintian finds no error # SKIP lintian is not installed"
	fi

	INSTALLED=yes
	out=$(dpkg -i "$deb" 2>&1)
	is "$?" 0 "dpkg -i installs it"
	is "$(/usr/bin/citus-rescue --version)" "citus-rescue $VERSION" "the installed binary says its version"
	ok $([ -f /usr/share/man/man1/citus-rescue.1.gz ]; echo $?) "the man page is installed"
	like "$(zcat /usr/share/man/man1/citus-rescue.1.gz 2>/dev/null)" "^\\.TH CITUS-RESCUE 1 .*$VERSION" \
		"with its version filled in"
	ok $([ -f /usr/share/bash-completion/completions/citus-rescue ]; echo $?) "the bash completion is installed"
	like "$(bash -c '. /usr/share/bash-completion/completions/citus-rescue && complete -p citus-rescue' 2>&1)" \
		"_citus_rescue citus-rescue" "and registers its function"
	if [ -f /usr/share/bash-completion/bash_completion ]; then
		like "$(bash -c '. /usr/share/bash-completion/bash_completion && __load_completion citus-rescue && complete -p citus-rescue' 2>&1)" \
			"_citus_rescue citus-rescue" "bash-completion finds it by the command's name, as a shell does"
	else
		ok 0 "bash-completion finds it # SKIP bash-completion is not installed"
	fi
	ok $(ls /usr/share/doc/citus-rescue/README.md* >/dev/null 2>&1; echo $?) "the README is installed"

	pgc_init || setup_failed "could not make a directory for the servers" || return
	trap package_cleanup EXIT
	fixture_create || setup_failed "could not build the stand-in cluster" || return
	pgc_destroy coord
	OUT=$(/usr/bin/citus-rescue discover -h 127.0.0.1 -p "$(pgc_port w1)" -U postgres --timeout 5 --json 2>&1)
	CODE=$?
	expect_code 0 "the installed binary discovers a stand-in cluster"
	is "$(printf '%s' "$OUT" | jq -r '[.nodes[] | select(.reachable)] | length')" 3 "and reaches its three workers"

	dpkg --purge citus-rescue >/dev/null 2>&1
	is "$?" 0 "dpkg --purge removes it"
	INSTALLED=no
	ok $([ ! -e /usr/bin/citus-rescue ] && [ ! -e /usr/share/bash-completion/completions/citus-rescue ]; echo $?) \
		"and its files with it"
}
scenario package sc_package

done_testing

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Builds the Debian package (nfva_VERSION_ARCH.deb) from the source tree as it
# is, committed or not, into OUTDIR, and prints the .deb's path. The tree is
# copied first (the files git tracks or would track), so the build leaves
# nothing in the checkout and its parent directory, and the copy carries the
# commit in .git-describe. Cached by content: the same sources give the same
# .deb without a rebuild (OUTDIR/source.sha256); OUTDIR/src.git-describe is
# the commit the binaries carry.
#
#   scripts/build-deb.sh [-o OUTDIR] [-f]
#     -o OUTDIR   where the .deb goes (default build/deb)
#     -f          build even when the sources did not change
# Needs dpkg-dev, debhelper and the Build-Depends of debian/control
# (scripts/install-deps.sh installs them).
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
OUT=$SRC/build/deb
FORCE=0
while [ $# -gt 0 ]; do
	case $1 in
	-o) OUT=$2; shift ;;
	-f) FORCE=1 ;;
	*) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 2 ;;
	esac
	shift
done
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
cd "$SRC"

# The sources: tracked and untracked-but-not-ignored files, as they are now.
files() { git ls-files -z --cached --others --exclude-standard | grep -zv '^debian/nfva/'; }
key=$( (files | xargs -0 sha256sum 2>/dev/null; git describe --always --dirty --abbrev=12) |
	sha256sum | cut -d' ' -f1)
deb=$(ls "$OUT"/nfva_*.deb 2>/dev/null | head -n 1 || true)
if [ "$FORCE" = 0 ] && [ -n "$deb" ] && [ "$(cat "$OUT/source.sha256" 2>/dev/null)" = "$key" ]; then
	echo "build-deb: sources unchanged, $deb" >&2
	echo "$deb"
	exit 0
fi

t0=$(date +%s)
rm -rf "$OUT/src" "$OUT"/nfva_* "$OUT"/nfva-dbgsym_* "$OUT/source.sha256" "$OUT/src.git-describe"
mkdir -p "$OUT/src"
files | tar -C "$SRC" --null -T - -cf - | tar -C "$OUT/src" -xf -
git describe --always --dirty --abbrev=12 > "$OUT/src/.git-describe"
echo "build-deb: dpkg-buildpackage in $OUT/src ($(cat "$OUT/src/.git-describe"))" >&2
(cd "$OUT/src" && dpkg-buildpackage -us -uc -b) > "$OUT/build.log" 2>&1 || {
	tail -n 40 "$OUT/build.log" >&2
	echo "build-deb: dpkg-buildpackage failed (log: $OUT/build.log)" >&2
	exit 1
}
cp "$OUT/src/.git-describe" "$OUT/src.git-describe" # the commit in the binaries
rm -rf "$OUT/src"
deb=$(ls "$OUT"/nfva_*.deb)
echo "$key" > "$OUT/source.sha256"
echo "build-deb: $deb in $(($(date +%s) - t0)) s" >&2
echo "$deb"

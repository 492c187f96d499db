#!/usr/bin/env bash
# peersuite.sh: run the peers' own test suites against package libseccomp,
# the drop-in for github.com/seccomp/libseccomp-golang. Not part of CI: it
# needs the Go module proxy (or a warm module cache), root (the tests load
# filters, in the processes go test starts), and for runc a C compiler and
# libseccomp's headers (runc's patchbpf reads constants from <seccomp.h>
# through cgo; every libseccomp call goes to package libseccomp).
#
#   bench/peersuite.sh [workdir]
#
# Suites, each in workdir (a new temporary directory by default), nothing
# written in the repository:
#
#   lsg       libseccomp-golang's seccomp_test.go (LSG_VERSIONS, default
#             v0.11.1 and v0.12.0), dot-importing package libseccomp, with
#             its unexported helpers (verMajor, checkAPI, ...) rebuilt from
#             the public API. PEER_API_LEVEL=N forces the API level
#             (SetAPI) first.
#   lsg-int   the same tests, and seccomp_ver_test.go, inside package
#             libseccomp (go test -overlay: the package's own tests
#             removed, the peer's added), so errDefAction and checkAPI are
#             ours.
#   runc      runc's (RUNC_VERSION, default v1.5.3) libcontainer/seccomp
#             and specconv tests, built with -tags seccomp and
#             libseccomp-golang replaced by a module that re-exports
#             package libseccomp.
#   runc-int  runc's libcontainer/integration TestSeccomp*, and
#   runc-bats its seccomp*.bats: only with BUSYBOX=/path/to/a/static/busybox
#             (Debian's busybox-static; a rootfs is made of it), and for
#             bats, bats and script(1) on PATH.
#
# Expected (Linux 6.x, root): every suite passes, but for the skips the
# suites make themselves. With PEER_API_LEVEL=1, TestRuleAddAndLoad and
# TestRuleAddPrecomputeAndLoad abort in both libseccomp-golang and here
# (no TSYNC at level 1: the filter is on one thread, and glibc's setreuid
# aborts when the threads disagree); with v0.11.1 and PEER_API_LEVEL 2 to 6,
# TestRuleAddPrecomputeAndLoad wants EOPNOTSUPP from Precompute, which
# libseccomp 2.6 does not return below level 7 either (v0.12.0's test
# checks the library version only).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${1:-$(mktemp -d /tmp/peersuite.XXXXXX)}
mkdir -p "$WORK"
LSG_VERSIONS=${LSG_VERSIONS:-v0.11.1 v0.12.0}
RUNC_VERSION=${RUNC_VERSION:-v1.5.3}
OURS=github.com/seccomp-go/seccomp
status=0
summary=()

# moddir MODULE@VERSION: the module's directory in the module cache.
moddir() {
	(cd "$WORK" && go mod download -json "$1") | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}

# count NAME LOG RC: the top-level tests of a go test -v log, and the
# subtests skipped (the peers skip in subprocesses).
count() {
	local run pass fail skip
	run=$(grep -c '^=== RUN   [^/]*$' "$2")
	pass=$(grep -c '^--- PASS' "$2")
	fail=$(grep -c '^--- FAIL' "$2")
	skip=$(grep -cE '^[[:space:]]*--- SKIP' "$2")
	summary+=("$(printf '%-22s run %3d  pass %3d  fail %3d  skip %3d  rc %d  %s' "$1" "$run" "$pass" "$fail" "$skip" "$3" "$2")")
	[ "$3" -eq 0 ] || status=1
}

harness() { # the peer's unexported helpers, from the public API
	cat <<-'EOF'
	package seccomp

	import (
		"errors"
		"fmt"
		"os"
		"strconv"
		"testing"

		. "github.com/seccomp-go/seccomp/libseccomp"
	)

	var verMajor, verMinor, verMicro = GetLibraryVersion()

	// Ours is unexported: the peer's identity check is made a message check.
	var errDefAction = errors.New("requested action matches default action of filter")

	func checkVersion(op string, major, minor, micro uint) error {
		if verMajor > major || verMajor == major && (verMinor > minor || verMinor == minor && verMicro >= micro) {
			return nil
		}
		return fmt.Errorf("%s requires libseccomp >= %d.%d.%d", op, major, minor, micro)
	}

	func checkAPI(op string, minLevel uint, major, minor, micro uint) error {
		if level, _ := GetAPI(); level < minLevel {
			return fmt.Errorf("%s requires API level >= %d (current %d)", op, minLevel, level)
		}
		return checkVersion(op, major, minor, micro)
	}

	func notifSupported() error { return checkAPI("seccomp notification", 6, 2, 5, 0) }

	func TestMain(m *testing.M) {
		if v := os.Getenv("PEER_API_LEVEL"); v != "" {
			n, _ := strconv.Atoi(v)
			if err := SetAPI(uint(n)); err != nil {
				panic(err)
			}
		}
		os.Exit(m.Run())
	}
	EOF
}

# lsg: libseccomp-golang's tests against package libseccomp, from outside.
for v in $LSG_VERSIONS; do
	src=$(moddir "github.com/seccomp/libseccomp-golang@$v")
	d="$WORK/lsg-$v"
	mkdir -p "$d"
	sed -e '0,/^import (/s##import (\n\t. "github.com/seccomp-go/seccomp/libseccomp"#' \
		-e 's/err != errDefAction {/err.Error() != errDefAction.Error() {/' \
		"$src/seccomp_test.go" >"$d/seccomp_test.go"
	harness >"$d/harness_test.go"
	printf 'module peer/lsg\n\ngo 1.26.0\n\nrequire %s v0.0.0\n\nreplace %s => %s\n' "$OURS" "$OURS" "$ROOT" >"$d/go.mod"
	cp "$ROOT/go.sum" "$d/"
	(cd "$d" && go mod tidy && go test -count=1 -v . >"$d/test.log" 2>&1)
	count "lsg $v" "$d/test.log" $?
done

# lsg-int: the same tests inside package libseccomp (its own tests removed).
v=${LSG_VERSIONS%% *}
src=$(moddir "github.com/seccomp/libseccomp-golang@$v")
d="$WORK/lsg-int-$v"
mkdir -p "$d"
cp "$src/seccomp_test.go" "$d/peer_seccomp_test.go"
cp "$src/seccomp_ver_test.go" "$d/peer_seccomp_ver_test.go"
cat >"$d/peer_harness_test.go" <<-'EOF'
	package seccomp

	func getAPI() (uint, error) { return GetAPI() }

	func checkVersion(op string, major, minor, micro uint) error {
		if versionAtLeast(major, minor, micro) {
			return nil
		}
		return &VersionError{op: op, major: major, minor: minor, micro: micro}
	}
EOF
{
	echo '{"Replace": {'
	for f in "$ROOT"/libseccomp/*_test.go; do echo "\"$f\": \"\","; done
	for f in peer_seccomp_test.go peer_seccomp_ver_test.go; do echo "\"$ROOT/libseccomp/$f\": \"$d/$f\","; done
	echo "\"$ROOT/libseccomp/peer_harness_test.go\": \"$d/peer_harness_test.go\""
	echo '}}'
} >"$d/overlay.json"
(cd "$ROOT" && go test -count=1 -overlay "$d/overlay.json" -v ./libseccomp >"$d/test.log" 2>&1)
count "lsg-int $v" "$d/test.log" $?

# runc: a module named github.com/seccomp/libseccomp-golang re-exporting ours.
shim="$WORK/shim"
mkdir -p "$shim/gen"
cat >"$shim/gen/main.go" <<-'EOF'
	package main

	import (
		"fmt"
		"go/importer"
		"go/token"
		"go/types"
		"os"
	)

	func main() {
		pkg, err := importer.ForCompiler(token.NewFileSet(), "source", nil).Import(os.Args[1])
		if err != nil {
			panic(err)
		}
		fmt.Printf("// Package seccomp re-exports %s.\npackage seccomp\n\nimport ours %q\n\n", os.Args[1], os.Args[1])
		for _, n := range pkg.Scope().Names() {
			o := pkg.Scope().Lookup(n)
			if !o.Exported() {
				continue
			}
			switch o.(type) {
			case *types.TypeName:
				fmt.Printf("type %s = ours.%s\n", n, n)
			case *types.Const:
				fmt.Printf("const %s = ours.%s\n", n, n)
			default:
				fmt.Printf("var %s = ours.%s\n", n, n)
			}
		}
	}
EOF
(cd "$ROOT" && go run "$shim/gen/main.go" "$OURS/libseccomp") >"$shim/shim.go"
rm -r "$shim/gen"
printf 'module github.com/seccomp/libseccomp-golang\n\ngo 1.26.0\n\nrequire %s v0.0.0\n\nreplace %s => %s\n' "$OURS" "$OURS" "$ROOT" >"$shim/go.mod"
cp "$ROOT/go.sum" "$shim/"
(cd "$shim" && go mod tidy)

runc="$WORK/runc"
rm -rf "$runc"
cp -r "$(moddir "github.com/opencontainers/runc@$RUNC_VERSION")" "$runc"
chmod -R u+w "$runc"
find "$runc" -name '*.sh' -exec chmod +x {} +
(cd "$runc" && rm -rf vendor &&
	go mod edit -replace "github.com/seccomp/libseccomp-golang=$shim" -replace "$OURS=$ROOT" &&
	go mod tidy)
(cd "$runc" && go test -count=1 -tags seccomp -v ./libcontainer/seccomp/... >"$WORK/runc-seccomp.log" 2>&1)
count "runc seccomp" "$WORK/runc-seccomp.log" $?
(cd "$runc" && go test -count=1 -tags seccomp -v ./libcontainer/specconv/ >"$WORK/runc-specconv.log" 2>&1)
count "runc specconv" "$WORK/runc-specconv.log" $?

if [ -n "${BUSYBOX:-}" ]; then
	# A rootfs of a static busybox, where get-images.sh looks for its images.
	rootfs="$WORK/rootfs"
	mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/dev" "$rootfs/proc" "$rootfs/sys" "$rootfs/tmp" "$rootfs/root"
	cp "$BUSYBOX" "$rootfs/bin/busybox"
	for a in $("$rootfs/bin/busybox" --list); do [ "$a" = busybox ] || ln -sf busybox "$rootfs/bin/$a"; done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
	echo 'root:x:0:' >"$rootfs/etc/group"
	arch=$(go env GOARCH)
	tar -C "$rootfs" -cJf "$runc/tests/integration/testdata/busybox-$arch.tar.xz" .
	touch "$runc/tests/integration/testdata/debian-$arch.tar.xz"
	(cd "$runc" && go test -count=1 -tags seccomp -v -run 'TestSeccomp' ./libcontainer/integration/ >"$WORK/runc-integration.log" 2>&1)
	count "runc integration" "$WORK/runc-integration.log" $?
	if command -v bats >/dev/null && command -v script >/dev/null; then
		tags="seccomp urfave_cli_no_docs"
		(cd "$runc" && go build -tags "$tags" -o runc . &&
			mkdir -p tests/cmd/_bin && go build -tags "$tags" -o tests/cmd/_bin ./tests/cmd/...)
		# runc run wants a terminal: script(1) gives it one.
		(cd "$runc/tests/integration" &&
			script -qec 'bats -t seccomp.bats seccomp-notify.bats seccomp-notify-compat.bats' /dev/null |
			tr -d '\r' >"$WORK/runc-bats.log")
		ok=$(grep -c '^ok' "$WORK/runc-bats.log")
		notok=$(grep -c '^not ok' "$WORK/runc-bats.log")
		skip=$(grep -c '^ok .*# skip' "$WORK/runc-bats.log")
		summary+=("$(printf '%-22s run %3d  pass %3d  fail %3d  skip %3d  %s' 'runc bats' $((ok + notok)) $((ok - skip)) "$notok" "$skip" "$WORK/runc-bats.log")")
		[ "$notok" -eq 0 ] || status=1
	fi
fi

printf '%s\n' "${summary[@]}"
exit $status

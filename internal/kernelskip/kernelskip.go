// Package kernelskip decides what a kernel test does where the kernel (or
// the sandbox the tests run in) lacks what the test needs: skip it, or fail
// it when the run says the kernel must be there.
//
// Kernel tests skip where seccomp, user notification or the like is
// missing, so that `go test ./...` works in a container without seccomp. A
// CI job that lost the kernel would then pass green having tested nothing of
// it: .ci/run sets the environment variable named by Env to 1, and every
// such skip becomes a failure. Only test code imports this package.
package kernelskip

import (
	"fmt"
	"os"
	"testing"
)

// Env is the environment variable that turns skips for a missing kernel
// feature into failures when it is "1".
const Env = "SECCOMP_TEST_REQUIRE_KERNEL"

// Required reports whether the run requires the kernel (Env is "1").
func Required() bool { return os.Getenv(Env) == "1" }

// Skip skips t with the reason, or fails it when the kernel is required.
func Skip(t testing.TB, args ...any) {
	t.Helper()
	Skipf(t, "%s", fmt.Sprint(args...))
}

// Skipf is Skip with a format.
func Skipf(t testing.TB, format string, args ...any) {
	t.Helper()
	reason := fmt.Sprintf(format, args...)
	if Required() {
		t.Fatalf("%s (this run requires the kernel: %s=1)", reason, Env)
	}
	t.Skip(reason)
}

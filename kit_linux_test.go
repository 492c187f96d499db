package seccomp_test

import (
	"testing"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/kernelskip"
	"github.com/seccomp-go/seccomp/seccomptest"
)

// TestMain makes the test binary able to run commands for seccomp.Command
// (its children run it again as their helper), runs the cases that must run
// on the main goroutine of a child (see mainCases), and lets seccomptest run
// its child processes from this test binary; where the run requires the
// kernel, its helpers fail instead of skipping.
func TestMain(m *testing.M) {
	seccomp.RunCommandHelper()
	mainCases.Main()
	seccomptest.RequireKernel = kernelskip.Required()
	seccomptest.Main(m)
}

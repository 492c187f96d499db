package seccomp_test

import (
	"testing"

	"github.com/seccomp-go/seccomp/internal/kernelskip"
	"github.com/seccomp-go/seccomp/seccomptest"
)

// TestMain lets seccomptest run its child processes from this test binary;
// where the run requires the kernel, its helpers fail instead of skipping.
func TestMain(m *testing.M) {
	seccomptest.RequireKernel = kernelskip.Required()
	seccomptest.Main(m)
}

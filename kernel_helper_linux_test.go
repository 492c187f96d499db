package seccomp_test

import (
	"testing"

	"github.com/seccomp-go/seccomp/internal/kerneltest"
)

// TestKernelHelper is the helper process of the kernel tests: they run the
// test binary again with only this test selected, and it serves their
// requests (see internal/kerneltest). In a normal run it does nothing.
func TestKernelHelper(t *testing.T) {
	kerneltest.Helper()
	t.Skip("helper process of the kernel tests; does nothing on its own")
}

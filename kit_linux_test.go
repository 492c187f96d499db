package seccomp_test

import (
	"testing"

	"github.com/seccomp-go/seccomp/seccomptest"
)

// TestMain lets seccomptest run its child processes from this test binary.
func TestMain(m *testing.M) { seccomptest.Main(m) }

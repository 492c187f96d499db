//go:build linux

package seccomptest

import (
	"os"

	"github.com/seccomp-go/seccomp/internal/kerneltest"
)

func child() (int, bool) {
	kerneltest.Helper() // a child of Decide serves its parent and exits here
	if os.Getenv(envRun) == "" {
		return 0, false
	}
	return runChild(), true
}

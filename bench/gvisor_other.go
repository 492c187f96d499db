//go:build !linux || !amd64

package bench

import (
	"errors"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/profile"
)

// gvisorAvailable reports whether gvisorProgram works here: gVisor's
// pkg/seccomp builds programs for its build's arch only, and the table's
// row is for x86_64.
const gvisorAvailable = false

func gvisorProgram(*profile.Result, []int32) (seccomp.Program, error) {
	return nil, errors.New("gVisor's pkg/seccomp builds x86_64 programs only on linux/amd64")
}

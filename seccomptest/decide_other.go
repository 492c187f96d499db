//go:build !linux

package seccomptest

import "github.com/seccomp-go/seccomp"

func decide(p seccomp.Program, inputs []seccomp.Data) ([]seccomp.Action, error) {
	return nil, ErrUnsupported
}

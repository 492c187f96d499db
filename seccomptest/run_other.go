//go:build !linux

package seccomptest

import "github.com/seccomp-go/seccomp"

func run(p seccomp.Program, f *Func, o Options) (*Result, error) { return nil, ErrUnsupported }

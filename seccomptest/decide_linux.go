//go:build linux

package seccomptest

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/kerneltest"
)

// childArgs are the arguments the children run the test binary with: no
// test selected, so that a binary whose TestMain does not call Main runs
// nothing and says so by exiting without an answer.
var childArgs = []string{"-test.run=^$", "-test.count=1"}

// mainHint is added to errors that suggest the child never reached Main.
const mainHint = " (does the test binary's TestMain call seccomptest.Main?)"

func decide(p seccomp.Program, inputs []seccomp.Data) ([]seccomp.Action, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("seccomptest: Decide: finding the test binary: %w", err)
	}
	r, err := kerneltest.NewRunnerStart(1, func() (*kerneltest.Child, error) {
		return kerneltest.StartProgram(exe, childArgs...)
	})
	if err != nil {
		return nil, decideError(err)
	}
	c := kerneltest.Case{Prog: p}
	for _, d := range inputs {
		c.Calls = append(c.Calls, kerneltest.Call{Nr: d.Nr, Args: d.Args})
	}
	res, err := r.RunAnyNr([]kerneltest.Case{c})
	if cerr := r.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return nil, decideError(err)
	}
	out := make([]seccomp.Action, len(inputs))
	for i, x := range res[0] {
		if x.Err != nil {
			var ie *kerneltest.InstallError
			if errors.As(x.Err, &ie) {
				return nil, fmt.Errorf("seccomptest: Decide: the kernel refused the rewritten program: %v", ie.Errno)
			}
			return nil, fmt.Errorf("seccomptest: Decide: input %d (nr %d): %v (a filter the test process runs under may have judged the call)", i, inputs[i].Nr, x.Err)
		}
		out[i] = seccomp.Action(x.Value)
	}
	return out, nil
}

func decideError(err error) error {
	switch {
	case errors.Is(err, kerneltest.ErrUnsupported):
		return fmt.Errorf("%w: %v", ErrUnsupported, err)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("seccomptest: Decide: %v%s", err, mainHint)
	}
	return fmt.Errorf("seccomptest: Decide: %w", err)
}

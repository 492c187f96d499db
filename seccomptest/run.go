package seccomptest

import (
	"errors"
	"fmt"

	"github.com/seccomp-go/seccomp"
)

// Run runs f in a child process (the test binary run again) with p
// installed on all its threads, and reports what happened (see Result and
// the package documentation). The error is for what kept Run from finding
// out: f not registered, p refused by seccomp.Verify, the filter not
// installed (an error wrapping ErrUnsupported where seccomp cannot be
// used), the child not started or not reaching Main. Whatever f does,
// even when the filter kills it, is in the Result.
//
// The test binary must call Main from its TestMain. Run is safe for
// concurrent use: each call has its own child.
func Run(p seccomp.Program, f *Func, opts *Options) (*Result, error) {
	if f == nil || lookup(f.name) != f {
		return nil, errors.New("seccomptest: Run: the function is not registered (use Register)")
	}
	if err := seccomp.Verify(p); err != nil {
		return nil, fmt.Errorf("seccomptest: Run: %w", err)
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	return run(p, f, o)
}

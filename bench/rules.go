//go:build linux

package bench

import "github.com/seccomp-go/seccomp"

// ruleNumber returns the system call number rule r has on arch a, and
// false when r does not apply there: it names another arch, or a call a
// does not know.
func ruleNumber(r seccomp.Rule, a *seccomp.Arch) (int32, bool) {
	if r.Arch != nil && r.Arch != a {
		return 0, false
	}
	if r.Syscall == "" {
		return r.Number, true
	}
	return a.Syscall(r.Syscall)
}

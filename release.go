package seccomp

import (
	"fmt"

	"github.com/seccomp-go/seccomp/internal/sysnum"
)

// Release is a Linux kernel release, major.minor: Release{5, 10} is 5.10.
// The zero Release is older than every real one.
type Release struct {
	Major, Minor int
}

// ParseRelease parses a kernel release: "5.10", "v5.10", "5.10.3", or what
// uname -r prints ("6.1.0-13-amd64", "5.15.0-rc1"). Only major and minor
// are kept.
func ParseRelease(s string) (Release, error) {
	r, err := sysnum.ParseRelease(s)
	if err != nil {
		return Release{}, fmt.Errorf("seccomp: %w", err)
	}
	return Release(r), nil
}

// String returns "major.minor".
func (r Release) String() string { return sysnum.Release(r).String() }

// Compare returns -1, 0 or +1 as r is older than, the same as, or newer
// than o.
func (r Release) Compare(o Release) int { return sysnum.Release(r).Compare(sysnum.Release(o)) }

// Before reports whether r is older than o.
func (r Release) Before(o Release) bool { return r.Compare(o) < 0 }

// SyscallSince returns the kernel release that added the named system call
// (or an alias of it) to a, and whether a's table has it. Release{3, 0}
// means 3.0 or earlier, and no call is dated before its arch's first
// release (x32 3.4, aarch64 3.7, riscv64 4.15, loongarch64 5.19). The
// dates come from libseccomp's per-arch kernel versions and the kernel's
// tables, checked against Linux 6.1 and 6.12; internal/sysnum's
// documentation has the method and its known gaps.
func (a *Arch) SyscallSince(name string) (Release, bool) {
	r, ok := a.table.Since(name)
	return Release(r), ok
}

// newerThan returns the numbers of a's calls that the tables date after r,
// in unsigned order.
func (a *Arch) newerThan(r Release) []int32 {
	var out []int32
	for _, name := range a.table.Names() {
		if since, _ := a.table.Since(name); since.Compare(sysnum.Release(r)) > 0 {
			nr, _ := a.table.Number(name)
			out = append(out, nr)
		}
	}
	return out
}

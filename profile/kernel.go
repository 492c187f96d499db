package profile

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/seccomp-go/seccomp"
)

// KernelVersion is a Linux version as Docker's minKernel gives it: the
// version and the major revision ("5.10"); minor revisions and suffixes
// do not count (5.10.3-amd64 is 5.10).
type KernelVersion struct {
	Kernel uint64 // the 5 in 5.10
	Major  uint64 // the 10 in 5.10
}

func (k KernelVersion) String() string { return fmt.Sprintf("%d.%d", k.Kernel, k.Major) }

// Less reports whether k is older than v.
func (k KernelVersion) Less(v KernelVersion) bool { return k.Release().Before(v.Release()) }

// Release returns k as a seccomp.Release, the type of the releases the
// syscall tables date calls with (seccomp.Arch.SyscallSince).
func (k KernelVersion) Release() seccomp.Release {
	return seccomp.Release{Major: int(k.Kernel), Minor: int(k.Major)}
}

// ParseKernelVersion parses "<kernel>.<major>" as Docker's minKernel does:
// exactly two numbers of at most 255, not both 0.
func ParseKernelVersion(s string) (KernelVersion, error) {
	var k KernelVersion
	parts := strings.SplitN(s, ".", 3)
	if len(parts) != 2 {
		return k, fmt.Errorf("kernel version %s: want <kernel>.<major>, like 5.10", quote(s))
	}
	var err error
	if k.Kernel, err = strconv.ParseUint(parts[0], 10, 8); err != nil {
		return k, fmt.Errorf("kernel version %s: want <kernel>.<major>, like 5.10 (numbers up to 255)", quote(s))
	}
	if k.Major, err = strconv.ParseUint(parts[1], 10, 8); err != nil {
		return k, fmt.Errorf("kernel version %s: want <kernel>.<major>, like 5.10 (numbers up to 255)", quote(s))
	}
	if k.Kernel == 0 && k.Major == 0 {
		return k, fmt.Errorf("kernel version %s: 0.0 is not a version", quote(s))
	}
	return k, nil
}

// ParseRelease reads the version from a kernel release string as uname
// gives it ("6.1.0-18-amd64", "3.12-1-amd64"): the first two numbers.
func ParseRelease(release string) (KernelVersion, error) {
	var k KernelVersion
	if _, err := fmt.Sscanf(release, "%d.%d", &k.Kernel, &k.Major); err != nil {
		return k, fmt.Errorf("kernel release %s: no <kernel>.<major> version in it", quote(release))
	}
	return k, nil
}

// MarshalJSON writes the version as Docker does, a string "5.10" (and ""
// for 0.0).
func (k KernelVersion) MarshalJSON() ([]byte, error) {
	if k == (KernelVersion{}) {
		return []byte(`""`), nil
	}
	return json.Marshal(k.String())
}

// UnmarshalJSON reads a version string with ParseKernelVersion; "" is
// 0.0, as for moby (a minKernel that every kernel meets).
func (k *KernelVersion) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("kernel version: want a string like \"5.10\", got %s", shorten(b))
	}
	if s == "" {
		*k = KernelVersion{}
		return nil
	}
	v, err := ParseKernelVersion(s)
	if err != nil {
		return err
	}
	*k = v
	return nil
}

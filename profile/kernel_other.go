//go:build !linux

package profile

import (
	"fmt"
	"runtime"
)

// RunningKernel returns the version of the running kernel. Off Linux there
// is none: give Options.Kernel instead.
func RunningKernel() (KernelVersion, error) {
	return KernelVersion{}, fmt.Errorf("profile: no Linux kernel on %s: give the kernel version to resolve minKernel", runtime.GOOS)
}

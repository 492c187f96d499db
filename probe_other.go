//go:build !linux

package seccomp

import (
	"errors"
	"fmt"
	"runtime"
)

func probeNotLinux(what string) error {
	return fmt.Errorf("seccomp: %s: seccomp exists only on Linux, not on %s: %w", what, runtime.GOOS, errors.ErrUnsupported)
}

// ActionAvailable asks the kernel whether it knows the action part of a.
// Seccomp exists only on Linux: here it returns an error wrapping
// errors.ErrUnsupported.
func ActionAvailable(a Action) (bool, error) { return false, probeNotLinux("ActionAvailable") }

// FlagSupported reports whether the kernel knows filter flag f. Seccomp
// exists only on Linux: here it returns an error wrapping
// errors.ErrUnsupported.
func FlagSupported(f FilterFlag) (bool, error) { return false, probeNotLinux("FlagSupported") }

// GetNotifSizes returns the sizes of the user-notification structures.
// Seccomp exists only on Linux: here it returns an error wrapping
// errors.ErrUnsupported.
func GetNotifSizes() (NotifSizes, error) { return NotifSizes{}, probeNotLinux("GetNotifSizes") }

// ProbeFeatures asks the kernel what it supports. Seccomp exists only on
// Linux: here it returns a nil report and an error wrapping
// errors.ErrUnsupported.
func ProbeFeatures() (*Features, error) { return nil, probeNotLinux("ProbeFeatures") }

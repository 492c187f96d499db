package profile

import "golang.org/x/sys/unix"

// RunningKernel returns the version of the running kernel, from uname(2).
func RunningKernel() (KernelVersion, error) {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return KernelVersion{}, err
	}
	return ParseRelease(unix.ByteSliceToString(u.Release[:]))
}

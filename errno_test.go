//go:build unix

package seccomp_test

import (
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp"
)

// TestErrnoTakesErrnoValues: Errno takes syscall.Errno and unix.Errno
// values, untyped constants and variables of any integer type, and gives
// the same action for the same number.
func TestErrnoTakesErrnoValues(t *testing.T) {
	var u16 uint16 = 1
	var i int = 1
	var u32 uint32 = 1
	type myErrno uint8
	want := seccomp.ActErrno | 1
	for _, got := range []seccomp.Action{
		seccomp.Errno(1),
		seccomp.Errno(syscall.EPERM),
		seccomp.Errno(unix.EPERM),
		seccomp.Errno(u16),
		seccomp.Errno(i),
		seccomp.Errno(u32),
		seccomp.Errno(myErrno(1)),
	} {
		if got != want {
			t.Errorf("got %v (%#x), want %v", got, uint32(got), want)
		}
	}
	if got := seccomp.Errno(unix.ENOSYS); got.Data() != uint16(unix.ENOSYS) || got.Kind() != seccomp.ActErrno {
		t.Errorf("Errno(unix.ENOSYS) = %v", got)
	}
	if got, want := seccomp.Errno(seccomp.ENOSYS), seccomp.ActErrno|38; got != want {
		t.Errorf("Errno(ENOSYS) = %v, want %v", got, want)
	}
}

// TestErrnoRange: data up to 0xffff is kept as it is (the kernel clamps
// it to MaxErrno); a value that does not fit 16 bits gives MaxErrno, never
// the wrapped-around value (65536 would be ERRNO(0), a call that seems to
// succeed).
func TestErrnoRange(t *testing.T) {
	for _, c := range []struct {
		got  seccomp.Action
		data uint16
	}{
		{seccomp.Errno(0), 0},
		{seccomp.Errno(4095), 4095},
		{seccomp.Errno(4096), 4096},
		{seccomp.Errno(0xffff), 0xffff},
		{seccomp.Errno(0x10000), seccomp.MaxErrno},
		{seccomp.Errno(0x10001), seccomp.MaxErrno},
		{seccomp.Errno(-1), seccomp.MaxErrno},
		{seccomp.Errno(int64(-65536)), seccomp.MaxErrno},
		{seccomp.Errno(uint64(1) << 63), seccomp.MaxErrno},
		{seccomp.Errno(syscall.Errno(1 << 20)), seccomp.MaxErrno},
	} {
		if c.got.Kind() != seccomp.ActErrno || c.got.Data() != c.data {
			t.Errorf("got %v (%#x), want ERRNO(%d)", c.got, uint32(c.got), c.data)
		}
	}
}

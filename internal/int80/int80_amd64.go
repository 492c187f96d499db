//go:build linux

package int80

import "runtime/debug"

// Call makes i386 system call nr with three arguments through int $0x80 and
// returns the raw result (a negative errno on failure). On a kernel that
// does not take int $0x80 from this process (IA32 emulation off) the
// instruction faults: use Available first.
//
//go:noescape
func Call(nr, a1, a2, a3 uintptr) int32

// Available reports whether int $0x80 works here, by making an i386
// getpid call and catching the fault where it does not.
func Available() (ok bool) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	Call(20, 0, 0, 0) // getpid
	return true
}

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

// numbers returns the system call numbers of arch a to try: every number
// from the ABI's first (its bias) to 64 past its highest, but for arm the
// gap between its EABI calls and its private ones (0xf0001 ...), of which
// 64 past the EABI calls and 64 around the private ones.
func numbers(a *seccomp.Arch) []int32 {
	var out []int32
	names := a.Syscalls()
	lo, _ := a.Syscall(names[0])
	lo = min(lo, lo&^0xfff) // the bias: 0, 4000, 5000, 6000, the x32 bit
	if a == seccomp.ArchX32 {
		lo = seccomp.X32SyscallBit
	}
	hi := a.MaxSyscall()
	if a == seccomp.ArchARM {
		for nr := int32(0xf0000 - 64); nr <= hi+64; nr++ {
			out = append(out, nr)
		}
		hi = 0x1ff // below the private calls: the EABI ones
	}
	for nr := lo; nr <= hi+64; nr++ {
		out = append(out, nr)
	}
	return out
}

// muxCalls returns calls of the multiplexers of a (socketcall, ipc) with
// each call they make selected by the first argument (ipc's with a
// version too), and numbers just outside.
func muxCalls(a *seccomp.Arch) []seccomp.Data {
	var out []seccomp.Data
	for _, name := range []string{"socket", "shmget"} {
		mux, _, ok := a.MultiplexedBy(name)
		if !ok {
			continue
		}
		for v := uint64(0); v <= 25; v++ {
			for _, arg0 := range []uint64{v, v | 1<<16, v | 1<<32} {
				out = append(out, seccomp.Data{Nr: mux, Arch: a.AuditArch, Args: [6]uint64{arg0, 0x1000, 0, 1}})
			}
		}
	}
	return out
}

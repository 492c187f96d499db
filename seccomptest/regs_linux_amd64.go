package seccomptest

import "golang.org/x/sys/unix"

// callRegs reads the system call registers of the stopped tracee tid.
func callRegs(tid int) (callInfo, bool) {
	var r unix.PtraceRegs
	if err := unix.PtraceGetRegs(tid, &r); err != nil {
		return callInfo{}, false
	}
	return callInfo{
		nr:   int64(r.Orig_rax),
		ret:  int64(r.Rax),
		ip:   r.Rip,
		args: [6]uint64{r.Rdi, r.Rsi, r.Rdx, r.R10, r.R8, r.R9},
	}, true
}

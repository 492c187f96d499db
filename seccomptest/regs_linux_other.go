//go:build linux && !amd64

package seccomptest

// callRegs is only implemented on amd64: elsewhere Run reports a TRAP's
// number, arch and address (from its siginfo) and nothing for a KILL.
func callRegs(tid int) (callInfo, bool) { return callInfo{}, false }

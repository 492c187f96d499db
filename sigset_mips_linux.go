//go:build linux && (mips || mipsle || mips64 || mips64le)

package seccomp

// sigsetSize is the kernel's sizeof(sigset_t), rt_sigaction's last
// argument: _NSIG / 8, with 128 signals on mips.
const sigsetSize = 16

package sysnum_test

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp/internal/sysnum"
)

// On linux/arm64, x/sys/unix's SYS_* constants are an independent oracle for
// the AArch64 table: they are compiled in, not parsed by our generator.
func TestAArch64MatchesUnix(t *testing.T) {
	want := map[string]int{
		"io_setup":       unix.SYS_IO_SETUP,
		"openat":         unix.SYS_OPENAT,
		"openat2":        unix.SYS_OPENAT2,
		"close":          unix.SYS_CLOSE,
		"read":           unix.SYS_READ,
		"write":          unix.SYS_WRITE,
		"newfstatat":     unix.SYS_NEWFSTATAT,
		"fstat":          unix.SYS_FSTAT,
		"exit_group":     unix.SYS_EXIT_GROUP,
		"ptrace":         unix.SYS_PTRACE,
		"prctl":          unix.SYS_PRCTL,
		"clone":          unix.SYS_CLONE,
		"clone3":         unix.SYS_CLONE3,
		"execve":         unix.SYS_EXECVE,
		"execveat":       unix.SYS_EXECVEAT,
		"mmap":           unix.SYS_MMAP,
		"seccomp":        unix.SYS_SECCOMP,
		"bpf":            unix.SYS_BPF,
		"rseq":           unix.SYS_RSEQ,
		"pidfd_open":     unix.SYS_PIDFD_OPEN,
		"io_uring_setup": unix.SYS_IO_URING_SETUP,
		"mseal":          unix.SYS_MSEAL,
	}
	for name, nr := range want {
		if got, ok := sysnum.AArch64.Number(name); !ok || int(got) != nr {
			t.Errorf("AArch64.Number(%q) = %d, %v; want %d (unix.SYS_*)", name, got, ok, nr)
		}
	}
}

package sysnum_test

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp/internal/sysnum"
)

// The X86_64 table is generated from x/sys/unix's zsysnum_linux_amd64.go, so
// this checks that the generator reproduced its source for a few names, not
// that the numbers are right; TestX86TablesMatchLinuxHeaders checks them
// against an independent source.
func TestX86_64ReproducesXSys(t *testing.T) {
	want := map[string]int{
		"read":                    unix.SYS_READ,
		"write":                   unix.SYS_WRITE,
		"open":                    unix.SYS_OPEN,
		"openat":                  unix.SYS_OPENAT,
		"openat2":                 unix.SYS_OPENAT2,
		"close":                   unix.SYS_CLOSE,
		"mmap":                    unix.SYS_MMAP,
		"ioctl":                   unix.SYS_IOCTL,
		"clone":                   unix.SYS_CLONE,
		"clone3":                  unix.SYS_CLONE3,
		"execve":                  unix.SYS_EXECVE,
		"execveat":                unix.SYS_EXECVEAT,
		"ptrace":                  unix.SYS_PTRACE,
		"prctl":                   unix.SYS_PRCTL,
		"arch_prctl":              unix.SYS_ARCH_PRCTL,
		"_sysctl":                 unix.SYS__SYSCTL,
		"newfstatat":              unix.SYS_NEWFSTATAT,
		"exit_group":              unix.SYS_EXIT_GROUP,
		"seccomp":                 unix.SYS_SECCOMP,
		"bpf":                     unix.SYS_BPF,
		"rseq":                    unix.SYS_RSEQ,
		"uretprobe":               unix.SYS_URETPROBE,
		"pidfd_open":              unix.SYS_PIDFD_OPEN,
		"io_uring_setup":          unix.SYS_IO_URING_SETUP,
		"landlock_create_ruleset": unix.SYS_LANDLOCK_CREATE_RULESET,
		"mseal":                   unix.SYS_MSEAL,
	}
	for name, nr := range want {
		if got, ok := sysnum.X86_64.Number(name); !ok || int(got) != nr {
			t.Errorf("X86_64.Number(%q) = %d, %v; want %d (unix.SYS_*)", name, got, ok, nr)
		}
	}
}

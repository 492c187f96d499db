package main

import (
	"runtime"
	"testing"

	"github.com/seccomp-go/seccomp"
)

// The hand-written program of the task: ERRNO(1) for system call 2, ALLOW
// for the rest.
func TestEmulateErrnoForNr2(t *testing.T) {
	path := writeFile(t, "p.bpf", rawBytes(
		bpfRaw(ldAbs, 0, 0, 0),          // A = nr
		bpfRaw(jeqK, 0, 1, 2),           // nr == 2?
		bpfRaw(retK, 0, 0, 0x00050001),  // ERRNO(1)
		bpfRaw(retK, 0, 0, 0x7fff0000))) // ALLOW
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"2"}, "ERRNO(1)"},
		{[]string{"0x2", "1", "2", "3", "4", "5", "6"}, "ERRNO(1)"},
		{[]string{"3"}, "ALLOW"},
		{[]string{"0"}, "ALLOW"},
		{[]string{"0x100000002"}, ""}, // does not fit in 32 bits
	} {
		args := append([]string{"emulate", "-audit-arch", "0xc000003e", path}, tc.args...)
		if tc.want == "" {
			want(t, "", args, 2, "", `SYSCALL: number "0x100000002" does not fit in 32 bits`)
			continue
		}
		want(t, "", args, 0, tc.want+"\n")
	}
}

// A program that returns a 32-bit word of seccomp_data as its action shows
// exactly what the command put in seccomp_data, and how each action value
// prints.
func TestEmulateData(t *testing.T) {
	retWord := func(off uint32) string {
		return writeFile(t, "p.bpf", rawBytes(bpfRaw(ldAbs, 0, 0, off), bpfRaw(retA, 0, 0, 0)))
	}
	arg0, arg5, ipLow, nr := retWord(16), retWord(56), retWord(8), retWord(0)
	x86 := func(prog string, args ...string) []string {
		return append([]string{"emulate", "-audit-arch", "0xc000003e", prog}, args...)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		// Every action, printed as Action.String prints it.
		{x86(arg0, "0", "0x7fff0000"), "ALLOW"},
		{x86(arg0, "0", "0x7fff0005"), "ALLOW"}, // ignored data is not printed
		{x86(arg0, "0", "0x7ffc0000"), "LOG"},
		{x86(arg0, "0", "0x7ff00007"), "TRACE(7)"},
		{x86(arg0, "0", "0x7fc00000"), "USER_NOTIF"},
		{x86(arg0, "0", "0x0005ffff"), "ERRNO(65535)"},
		{x86(arg0, "0", "327681"), "ERRNO(1)"}, // 0x50001 in decimal
		{x86(arg0, "0", "0x00030005"), "TRAP(5)"},
		{x86(arg0, "0", "0"), "KILL_THREAD"},
		{x86(arg0, "0", "0x80000000"), "KILL_PROCESS"},
		{x86(arg0, "0", "0x10000000"), "KILL_PROCESS"}, // unknown to the kernel
		{x86(arg0, "0", "0xffffffff"), "KILL_PROCESS"},
		{x86(arg0, "0"), "KILL_THREAD"}, // missing arguments are 0
		// Little-endian: offset 16 is the low half of args[0].
		{x86(arg0, "0", "0x123456787fff0000"), "ALLOW"},
		// The sixth argument, and the instruction pointer.
		{x86(arg5, "0", "1", "2", "3", "4", "5", "0x7ffc0000"), "LOG"},
		{append([]string{"emulate", "-audit-arch", "0xc000003e", "-ip", "0x7fff0000", ipLow}, "0"), "ALLOW"},
		{append([]string{"emulate", "-audit-arch", "0xc000003e", "-ip", "0xffffffff00050003", ipLow}, "0"), "ERRNO(3)"},
		// The system call number: 0xffffffff is -1; 0x7fff0000 reads as ALLOW.
		{x86(nr, "0x7fff0000"), "ALLOW"},
		{x86(nr, "0xffffffff"), "KILL_PROCESS"},
		// Big-endian (s390x): offset 16 is the high half of args[0].
		{[]string{"emulate", "-audit-arch", "0x80000016", arg0, "0", "0x7fff000000000000"}, "ALLOW"},
		{[]string{"emulate", "-audit-arch", "S390X", arg0, "0", "0x7fff0000"}, "KILL_THREAD"},
		// Any audit arch can be given, known or not; 0x1234 lacks the
		// little-endian bit.
		{[]string{"emulate", "-audit-arch", "0x1234", arg0, "0", "0x7ffc000000000000"}, "LOG"},
		{[]string{"emulate", "-audit-arch", "4660", retWord(4), "0"}, "KILL_THREAD"}, // arch 0x1234
		{[]string{"emulate", "-audit-arch", "0x7fff0000", retWord(4), "0"}, "ALLOW"},
	} {
		want(t, "", tc.args, 0, tc.want+"\n")
	}
}

func TestEmulateErrors(t *testing.T) {
	allow := writeFile(t, "allow.bpf", rawBytes(bpfRaw(retK, 0, 0, 0x7fff0000)))
	invalid := writeFile(t, "invalid.bpf", rawBytes(bpfRaw(ldAbs, 0, 0, 64), bpfRaw(retA, 0, 0, 0)))
	x86 := func(args ...string) []string {
		return append([]string{"emulate", "-audit-arch", "0xc000003e"}, args...)
	}
	for _, tc := range []struct {
		args []string
		code int
		err  string
	}{
		{x86(allow), 2, "want FILE and SYSCALL, got 1 operands"},
		{x86(allow, "0", "1", "2", "3", "4", "5", "6", "7"), 2, "too many arguments: 7, a system call has at most 6"},
		{x86(allow, "0", "0xzz"), 2, `argument 1: malformed number "0xzz": want decimal digits or 0x and hex digits`},
		{x86(allow, "0", "1", "12a"), 2, `argument 2: malformed number "12a"`},
		{x86(allow, "0", "-1"), 2, `argument 1: negative number "-1": numbers are unsigned`},
		{x86(allow, "0", "18446744073709551616"), 2, `argument 1: number "18446744073709551616" does not fit in 64 bits`},
		{x86(allow, "-1"), 2, `SYSCALL: negative number "-1"`},
		{x86(allow, "4294967296"), 2, `SYSCALL: number "4294967296" does not fit in 32 bits`},
		{x86(allow, "0x"), 2, `SYSCALL: malformed number "0x"`},
		{x86(allow, ""), 2, `SYSCALL: empty number`},
		{x86("-ip", "-5", allow, "0"), 2, `-ip: negative number "-5"`},
		{x86("-ip", "", allow, "0"), 2, `-ip: empty number`},
		{[]string{"emulate", "-audit-arch", "0x100000000", allow, "0"}, 2, `-audit-arch: number "0x100000000" does not fit in 32 bits and not an AUDIT_ARCH_ name`},
		{[]string{"emulate", "-audit-arch", "PDP11", allow, "0"}, 2, `-audit-arch: malformed number "PDP11"`},
		{[]string{"emulate", "-arch", "x86_64", "-audit-arch", "0xc000003e", allow, "0"}, 2, "-arch and -audit-arch exclude each other"},
		{[]string{"emulate", "-arch", "vax", allow, "0"}, 2, `-arch: unknown arch "vax" (known: x86_64, i386, x32, aarch64, arm, riscv64, loongarch64, mips,`},
		{[]string{"emulate", "-arch", "", allow, "0"}, 2, `-arch: unknown arch ""`},
		{[]string{"emulate", "-audit-arch", "0x1234", allow, "read"}, 2, `SYSCALL: no syscall table for audit arch 0x1234 to look up "read" in: give the number, or -arch`},
		{x86(allow, "0", "-arch", "x86_64"), 2, "flag -arch after the operands"},
		{x86(allow, "0", "--ip=1"), 2, "flag --ip=1 after the operands"},
		{x86(invalid, "0"), 1, "seccomp emulate: " + invalid + ": invalid filter: instruction 0 (ld [64]): load must be a 4-byte aligned offset inside seccomp_data (0..60) (offset 64)"},
		// The command line is checked before the file is read.
		{x86("/no/such/file", "0", "0xzz"), 2, `argument 1: malformed number "0xzz"`},
		{x86("/no/such/file", "0"), 1, "seccomp emulate: open /no/such/file: no such file or directory"},
	} {
		want(t, "", tc.args, tc.code, "", tc.err)
	}
}

// Names resolve in the arch's table; these need the syscall tables.
func TestEmulateNames(t *testing.T) {
	// ERRNO(nr) for small numbers, KILL_PROCESS for x32 ones (0x4005xxxx
	// is no action the kernel knows).
	path := writeFile(t, "p.bpf", rawBytes(
		bpfRaw(ldAbs, 0, 0, 0),
		bpfRaw(orK, 0, 0, 0x00050000),
		bpfRaw(retA, 0, 0, 0)))
	for _, tc := range []struct {
		flags []string
		call  string
		want  string
	}{
		{[]string{"-arch", "x86_64"}, "write", "ERRNO(1)"},
		{[]string{"-arch", "x86_64"}, "openat", "ERRNO(257)"},
		{[]string{"-arch", "i386"}, "write", "ERRNO(4)"},
		{[]string{"-arch", "aarch64"}, "write", "ERRNO(64)"},
		{[]string{"-arch", "arm"}, "write", "ERRNO(4)"},
		{[]string{"-arch", "riscv64"}, "openat", "ERRNO(56)"},
		{[]string{"-arch", "x32"}, "write", "KILL_PROCESS"},
		{[]string{"-audit-arch", "0xc000003e"}, "write", "ERRNO(1)"}, // x86_64 is preferred to x32
		{[]string{"-audit-arch", "AUDIT_ARCH_I386"}, "write", "ERRNO(4)"},
		{[]string{"-audit-arch", "0xc00000b7"}, "write", "ERRNO(64)"},
		{[]string{"-arch", "x86_64"}, "7", "ERRNO(7)"}, // numbers stay numbers
		{[]string{"-arch", "x32"}, "7", "ERRNO(7)"},    // without the x32 bit
		{[]string{"-arch", "AMD64"}, "write", "ERRNO(1)"},
		{[]string{"-arch", "386"}, "write", "ERRNO(4)"},
	} {
		args := append(append(append([]string{"emulate"}, tc.flags...), path), tc.call)
		want(t, "", args, 0, tc.want+"\n")
	}
	want(t, "", []string{"emulate", "-arch", "x86_64", path, "no_such_call"}, 2, "", `SYSCALL: unknown system call "no_such_call" on x86_64`)
	want(t, "", []string{"emulate", "-arch", "aarch64", path, "open"}, 2, "", `SYSCALL: unknown system call "open" on aarch64`)

	// The native arch is the default, where there is one.
	if _, err := seccomp.NativeArch(); err != nil {
		want(t, "", []string{"emulate", path, "write"}, 2, "", "no native arch for GOARCH="+runtime.GOARCH+": give -arch or -audit-arch")
	} else {
		native := map[string]string{"amd64": "ERRNO(1)", "arm64": "ERRNO(64)"}
		w, ok := native[runtime.GOARCH]
		if !ok {
			t.Fatalf("no expectation for the native arch of GOARCH=%s", runtime.GOARCH)
		}
		want(t, "", []string{"emulate", path, "write"}, 0, w+"\n")
		want(t, "", []string{"emulate", "-arch", runtime.GOARCH, path, "write"}, 0, w+"\n")
	}
}

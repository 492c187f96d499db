package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/seccomp-go/seccomp"
)

var emulateVerb = &verb{
	name:    "emulate",
	summary: "run a raw program on one system call, or on many (-batch)",
	usage: `usage: seccomp emulate [-arch NAME | -audit-arch NUM] [-ip NUM] FILE SYSCALL [ARG...]
       seccomp emulate -batch FILE < LINES

Run the raw program in FILE (- for standard input) as the kernel would for
one system call, and print the action it returns, one of

  KILL_PROCESS  KILL_THREAD  TRAP(n)  ERRNO(n)  USER_NOTIF  TRACE(n)  LOG  ALLOW

with n the 16-bit data in decimal. A value whose action the kernel does not
know prints as what the kernel does with it: KILL_PROCESS. The program is
verified first; one the kernel would refuse is an error (exit status 1).

SYSCALL is a number (seccomp_data.nr as is) or a name, looked up in the
syscall table of the arch. ARGs are the arguments, at most six, missing ones
0. Numbers are unsigned, decimal or 0x hex: 32 bits for SYSCALL, 64 bits for
ARGs and -ip; negative numbers are refused (write -1 as 0xffffffffffffffff
for a 64-bit arch, 0xffffffff for a 32-bit one).

The arch gives seccomp_data.arch, the byte order of seccomp_data, and the
table for SYSCALL names. By default it is the arch this command was built
for (x86_64 for amd64, aarch64 for arm64; elsewhere give -arch or
-audit-arch). -arch names another: x86_64, i386, x32, aarch64, arm, riscv64,
or a GOARCH (amd64, 386, arm64). -audit-arch gives the audit arch token
itself, as a number or a name (AUDIT_ARCH_X86_64 or X86_64); names are then
looked up in the table of the arch with that token (x86_64 rather than x32
for AUDIT_ARCH_X86_64), and any token at all can be used with numbers.

With -batch, FILE must not be -: the system calls come from standard input,
one a line, as nine numbers separated by spaces or tabs:

  NR ARCH IP A0 A1 A2 A3 A4 A5

and one action is printed for each, in order. Everything from # to the end of
a line is a comment; lines that are blank or only a comment are skipped and
print nothing. Any other line that is not nine numbers (NR and ARCH 32 bits,
the others 64 bits) stops the run: the error names the line and field, the
lines before it have been answered, and the exit status is 1.

Flags:
  -arch NAME        the arch, by name
  -audit-arch NUM   seccomp_data.arch, a number or an AUDIT_ARCH_ name
  -ip NUM           seccomp_data.instruction_pointer (default 0)
  -batch            read system calls from standard input

Examples:
  seccomp emulate allow.bpf write 1
  seccomp emulate -arch aarch64 allow.bpf openat 0xffffff9c 0x1000 0
  seccomp emulate -audit-arch 0x40000003 allow.bpf 11
  printf '1 0xc000003e 0 1 0 0 0 0 0\n' | seccomp emulate -batch allow.bpf
`,
}

func init() { emulateVerb.run = runEmulate }

// maxArgs is the number of system call arguments in seccomp_data.
const maxArgs = len(seccomp.Data{}.Args)

func runEmulate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	v := emulateVerb
	fs := newFlags(v)
	archName := fs.String("arch", "", "")
	auditArch := fs.String("audit-arch", "", "")
	ip := fs.String("ip", "", "")
	batch := fs.Bool("batch", false, "")
	if done, code := parse(v, fs, args, stdout, stderr); done {
		return code
	}
	set := make(map[string]bool)
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	if *batch {
		if set["arch"] || set["audit-arch"] || set["ip"] {
			return usageError(v, stderr, "-batch takes the arch and the instruction pointer from each line: -arch, -audit-arch and -ip do not apply")
		}
		if fs.NArg() != 1 {
			return usageError(v, stderr, "-batch wants one FILE and reads system calls from standard input, got %d operands", fs.NArg())
		}
		if fs.Arg(0) == "-" {
			return usageError(v, stderr, "-batch reads system calls from standard input, so FILE cannot be -")
		}
		em, code := loadEmulator(v, fs.Arg(0), stdin, stderr)
		if em == nil {
			return code
		}
		if err := runBatch(em, stdin, stdout); err != nil {
			return failure(v, stderr, "%v", err)
		}
		return exitOK
	}

	if set["arch"] && set["audit-arch"] {
		return usageError(v, stderr, "-arch and -audit-arch exclude each other")
	}
	switch {
	case fs.NArg() < 2:
		return usageError(v, stderr, "want FILE and SYSCALL, got %d operands", fs.NArg())
	case fs.NArg() > 2+maxArgs:
		return usageError(v, stderr, "too many arguments: %d, a system call has at most %d", fs.NArg()-2, maxArgs)
	}
	var d seccomp.Data
	arch, msg := resolveArch(*archName, set["arch"], *auditArch, set["audit-arch"], &d)
	if msg != "" {
		return usageError(v, stderr, "%s", msg)
	}
	if set["ip"] {
		n, e := parseNumber(*ip, 64)
		if e != numOK {
			return usageError(v, stderr, "-ip: %s", e.describe(*ip, 64))
		}
		d.InstructionPointer = n
	}
	if d.Nr, msg = resolveSyscall(fs.Arg(1), arch, d.Arch); msg != "" {
		return usageError(v, stderr, "SYSCALL: %s", msg)
	}
	for i, a := range fs.Args()[2:] {
		n, e := parseNumber(a, 64)
		if e != numOK {
			return usageError(v, stderr, "argument %d: %s", i+1, e.describe(a, 64))
		}
		d.Args[i] = n
	}

	em, code := loadEmulator(v, fs.Arg(0), stdin, stderr)
	if em == nil {
		return code
	}
	if _, err := fmt.Fprintln(stdout, em.Run(d).Action); err != nil {
		return failure(v, stderr, "writing standard output: %v", err)
	}
	return exitOK
}

// loadEmulator reads and verifies the raw program in the file name. On
// failure it reports the error and returns nil and the exit code.
func loadEmulator(v *verb, name string, stdin io.Reader, stderr io.Writer) (*seccomp.Emulator, int) {
	p, err := readRaw(name, stdin)
	if err != nil {
		return nil, failure(v, stderr, "%v", err)
	}
	em, err := seccomp.NewEmulator(p)
	if err != nil {
		return nil, failure(v, stderr, "%s: %v", displayName(name), err)
	}
	return em, exitOK
}

// resolveArch sets d.Arch from -arch (name, when nameSet), -audit-arch
// (audit, when auditSet) or the native arch, and returns the arch whose
// syscall table resolves names, nil if there is none. A non-empty msg is a
// usage error.
func resolveArch(name string, nameSet bool, audit string, auditSet bool, d *seccomp.Data) (arch *seccomp.Arch, msg string) {
	switch {
	case auditSet:
		tok, ok := seccomp.AuditArchByName(audit)
		if !ok {
			n, e := parseNumber(audit, 32)
			if e != numOK {
				return nil, "-audit-arch: " + e.describe(audit, 32) + " and not an AUDIT_ARCH_ name"
			}
			tok = seccomp.AuditArch(n)
		}
		d.Arch = tok
		return archByAuditArch(tok), ""
	case nameSet:
		a, err := seccomp.LookupArch(name)
		if err != nil {
			return nil, fmt.Sprintf("-arch: unknown arch %q (known: %s)", name, knownArches())
		}
		d.Arch = a.AuditArch
		return a, ""
	}
	a, err := seccomp.NativeArch()
	if err != nil {
		return nil, fmt.Sprintf("no native arch for GOARCH=%s: give -arch or -audit-arch", runtime.GOARCH)
	}
	d.Arch = a.AuditArch
	return a, ""
}

// archByAuditArch returns the arch whose audit arch token is tok, preferring
// one that is not x32 (x32 shares AUDIT_ARCH_X86_64 with x86_64), or nil.
func archByAuditArch(tok seccomp.AuditArch) *seccomp.Arch {
	arches := seccomp.ArchesOf(tok)
	for _, a := range arches {
		if a != seccomp.ArchX32 {
			return a
		}
	}
	if len(arches) > 0 {
		return arches[0]
	}
	return nil
}

func knownArches() string {
	var names []string
	for _, a := range seccomp.Arches() {
		names = append(names, a.Name)
	}
	return strings.Join(names, ", ")
}

// resolveSyscall returns the system call number s gives: a number, or a
// name in arch's table. tok is the audit arch, for messages. A non-empty
// msg says what is wrong.
func resolveSyscall(s string, arch *seccomp.Arch, tok seccomp.AuditArch) (nr int32, msg string) {
	if s == "" || s[0] == '-' || ('0' <= s[0] && s[0] <= '9') {
		n, e := parseNumber(s, 32)
		if e != numOK {
			return 0, e.describe(s, 32)
		}
		return int32(uint32(n)), ""
	}
	if arch == nil {
		return 0, fmt.Sprintf("no syscall table for audit arch %v to look up %q in: give the number, or -arch", tok, s)
	}
	nr, ok := arch.Syscall(s)
	if !ok {
		return 0, fmt.Sprintf("unknown system call %q on %s", s, arch.Name)
	}
	return nr, ""
}

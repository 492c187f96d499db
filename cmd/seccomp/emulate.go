package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runtime"

	"github.com/seccomp-go/seccomp"
)

var emulateVerb = &verb{
	name:    "emulate",
	summary: "run a filter on one system call, or on many (-batch)",
	usage: `usage: seccomp emulate [-arch NAME | -audit-arch NUM] [-ip NUM] [-json] [profile flags] FILE SYSCALL [ARG...]
       seccomp emulate -batch [-arch NAME] [-json] [profile flags] FILE < LINES

Run a program as the kernel would for one system call, and print the
action it returns, one of

  KILL_PROCESS  KILL_THREAD  TRAP(n)  ERRNO(n)  USER_NOTIF  TRACE(n)  LOG  ALLOW

with n the 16-bit data in decimal. A value whose action the kernel does not
know prints as what the kernel does with it: KILL_PROCESS. The program is
verified first; one the kernel would refuse is an error (exit status 1).

` + inputUsage + `
SYSCALL is a number (seccomp_data.nr as is) or a name, looked up in the
syscall table of the arch. ARGs are the arguments, at most six, missing ones
0. Numbers are unsigned, decimal or 0x hex: 32 bits for SYSCALL, 64 bits for
ARGs and -ip; negative numbers are refused (write -1 as 0xffffffffffffffff
for a 64-bit arch, 0xffffffff for a 32-bit one).

The arch gives seccomp_data.arch, the byte order of seccomp_data, the table
for SYSCALL names, and the machine a profile is compiled for. By default it
is the arch this command was built for (x86_64 for amd64, aarch64 for
arm64; elsewhere give -arch or -audit-arch). -arch names another (see
below). -audit-arch gives the audit arch token itself, as a number or a
name (AUDIT_ARCH_X86_64 or X86_64); names are then looked up in the table
of the arch with that token (x86_64 rather than x32 for
AUDIT_ARCH_X86_64), and any token at all can be used with numbers.

With -batch, FILE must not be -: the system calls come from standard input,
one a line, as nine numbers separated by spaces or tabs:

  NR ARCH IP A0 A1 A2 A3 A4 A5

and one action is printed for each, in order. Everything from # to the end of
a line is a comment; lines that are blank or only a comment are skipped and
print nothing. Any other line that is not nine numbers (NR and ARCH 32 bits,
the others 64 bits) stops the run: the error names the line and field, the
lines before it have been answered, and the exit status is 1. -arch then
names only the machine a profile is compiled for.

-json prints a JSON object instead of the action, one a line with -batch:

  {"line": 0, "nr": 1, "arch": "AUDIT_ARCH_X86_64", "action": "ERRNO(1)",
   "value": 327681}

with "value" the 32-bit value returned and "line" the line of standard
input (0 without -batch).

Flags:
  -arch NAME        the arch, by name
  -audit-arch NUM   seccomp_data.arch, a number or an AUDIT_ARCH_ name
  -ip NUM           seccomp_data.instruction_pointer (default 0)
  -batch            read system calls from standard input
  -json             print JSON
` + profileFlagsUsage + `
` + archUsage + `
Exit status: 0 the program ran, whatever action it returned; 1 the input
cannot be read, is not a valid program or profile, or the kernel would
refuse the program, or a -batch line is wrong; 2 usage error.

Examples:
  seccomp emulate allow.bpf write 1
  seccomp emulate -arch aarch64 allow.bpf openat 0xffffff9c 0x1000 0
  seccomp emulate -audit-arch 0x40000003 allow.bpf 11
  seccomp emulate default clone3
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
	asJSON := fs.Bool("json", false, "")
	pf := addProfileFlags(fs, false)
	if done, code := parse(v, fs, args, stdout, stderr); done {
		return code
	}
	if msg := pf.visit(fs); msg != "" {
		return usageError(v, stderr, "%s", msg)
	}
	set := make(map[string]bool)
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	rd := &reader{v: v, stdin: stdin, stderr: stderr, pf: pf, lookAt: true}

	if *batch {
		if set["audit-arch"] || set["ip"] {
			return usageError(v, stderr, "-batch takes the arch and the instruction pointer from each line: -audit-arch and -ip do not apply")
		}
		if fs.NArg() != 1 {
			return usageError(v, stderr, "-batch wants one FILE and reads system calls from standard input, got %d operands", fs.NArg())
		}
		if fs.Arg(0) == "-" {
			return usageError(v, stderr, "-batch reads system calls from standard input, so FILE cannot be -")
		}
		if set["arch"] {
			arch, msg := lookupArch(*archName)
			if msg != "" {
				return usageError(v, stderr, "%s", msg)
			}
			rd.target = machineOf(arch)
		}
		em, src, code := loadEmulator(rd, fs.Arg(0))
		if em == nil {
			return code
		}
		if set["arch"] && src.res == nil {
			return usageError(v, stderr, "with -batch, -arch names the machine a profile is compiled for, and %s is %s: each line gives the arch", src.name, src.kind)
		}
		if code, ok := rd.unused(false, src); !ok {
			return code
		}
		if err := runBatch(em, stdin, stdout, *asJSON); err != nil {
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

	if arch != nil {
		rd.target = machineOf(arch)
	}
	em, src, code := loadEmulator(rd, fs.Arg(0))
	if em == nil {
		return code
	}
	if code, ok := rd.unused(false, src); !ok {
		return code
	}
	act := em.Run(d).Action
	if *asJSON {
		b, _ := json.Marshal(jsonEmulate{Nr: uint32(d.Nr), Arch: d.Arch.String(), Action: act.String(), Value: uint32(act)})
		return write(v, stdout, stderr, string(b)+"\n")
	}
	return write(v, stdout, stderr, act.String()+"\n")
}

// jsonEmulate is emulate's JSON form of one answer.
type jsonEmulate struct {
	Line   int    `json:"line"`
	Nr     uint32 `json:"nr"`
	Arch   string `json:"arch"`
	Action string `json:"action"`
	Value  uint32 `json:"value"`
}

// loadEmulator reads and verifies the program of operand name. On failure
// it reports the error and returns nil and the exit code.
func loadEmulator(rd *reader, name string) (*seccomp.Emulator, *source, int) {
	src, code := rd.load(name)
	if src == nil {
		return nil, nil, code
	}
	em, err := seccomp.NewEmulator(src.prog)
	if err != nil {
		return nil, nil, failure(rd.v, rd.stderr, "%s: %v", src.name, err)
	}
	return em, src, exitOK
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
		a, msg := lookupArch(name)
		if msg != "" {
			return nil, msg
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

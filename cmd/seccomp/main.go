// Command seccomp runs programs under seccomp profiles as docker run does,
// compiles OCI, Docker and Podman profiles into seccomp-BPF programs, and
// looks at filters: what they decide (explain), their weaknesses (audit),
// how two differ (diff), the filters of a running process (dump); and it
// assembles, disassembles, verifies and emulates programs.
//
// It is glue over package github.com/seccomp-go/seccomp and its
// subpackages: every verb parses its command line, calls the packages, and
// prints the result. Run "seccomp help" for the verbs and "seccomp help
// VERB" for one of them.
//
// # Files
//
// A raw program is what the kernel takes and what libseccomp's
// seccomp_export_bpf writes: 8-byte struct sock_filter records in the byte
// order of the kernel that loads them, host order for the host (see
// seccomp.Program.MarshalBinary); compile writes a big-endian target's
// program big-endian, and the verbs read either order. The text form is the one
// seccomp.AssembleText reads and seccomp.Disassemble prints. A profile is
// a JSON seccomp profile (see package profile), or the word default for
// Docker's default profile, built in. The verbs that read a filter take
// any of these, told apart by content. A FILE of "-" is standard input.
//
// # Numbers
//
// Numbers on the command line and in -batch input are unsigned: decimal
// digits, or 0x (or 0X) and hexadecimal digits. There is no octal (a leading
// 0 is still decimal) and no sign: negative numbers are refused rather than
// taken as two's complement, because the right width depends on the arch
// (-1 in a 64-bit register is 0xffffffffffffffff, but a 32-bit arch's
// argument reaches seccomp zero-extended, as 0xffffffff). A value too large
// for its field (32 bits for a system call number and an audit arch, 64 bits
// for the instruction pointer and the arguments) is refused. A system call
// number is seccomp_data.nr as is: 0xffffffff is -1, and an x32 number
// carries the x32 bit 0x40000000.
//
// # Exit status
//
//   - 0: success. For emulate this means the program ran, whatever action it
//     returned; for verify, that the kernel would accept the program.
//   - 1: the command line was understood but the work failed: a file that
//     cannot be read or written, a raw file whose length is not a multiple of
//     8, text the assembler refuses, a program the verifier refuses, a bad
//     -batch input line.
//   - 2: usage error, that is the command line itself is wrong: an unknown
//     verb or flag, a missing or extra operand, a malformed or out-of-range
//     number, an unknown arch or system call name, conflicting flags, or raw
//     output headed for a terminal.
//   - 3: a finding, for gates in CI: audit found something at or above its
//     -fail-on severity, or diff found a difference.
//   - run exits with its command's status, 126 when the filter cannot be
//     installed or the command executed, 127 when it is not found; record
//     likewise (128+N when signal N killed the command), and 1 when the
//     profile cannot be written.
//
// Every error is one line on standard error, starting with "seccomp VERB: ".
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/seccomp-go/seccomp"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // the command line is fine, the work failed
	exitUsage   = 2 // the command line is wrong
)

// A verb is one subcommand. run gets the arguments after the verb's name and
// returns the exit code; it reads only stdin and writes only stdout and
// stderr (and the files it is told to), so tests call it in-process.
type verb struct {
	name    string
	summary string // a few words for the command list
	usage   string // the whole help text, examples included; ends in a newline
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

// verbs lists the verbs in the order "seccomp help" shows them. To add one,
// write its run function and usage in a file of its own and add it here.
var verbs = []*verb{
	runVerb,
	recordVerb,
	compileVerb,
	explainVerb,
	auditVerb,
	diffVerb,
	dumpVerb,
	emulateVerb,
	verifyVerb,
	asmVerb,
	disasmVerb,
	dotVerb,
	syscallsVerb,
	featuresVerb,
	versionVerb,
	completionVerb,
}

func lookupVerb(name string) *verb {
	for _, v := range verbs {
		if v.name == name {
			return v
		}
	}
	return nil
}

func main() {
	// A child started by seccomp.Command is this command run again as the
	// helper that installs the filter and execs; nothing else is.
	seccomp.RunCommandHelper()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is the whole command: args are the arguments after the program name.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, mainUsage())
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		return help(rest, stdout, stderr)
	case "-version", "--version":
		return versionVerb.run(rest, stdin, stdout, stderr)
	}
	v := lookupVerb(name)
	if v == nil {
		if strings.HasPrefix(name, "-") {
			fmt.Fprintf(stderr, "seccomp: unknown flag %s: flags go after the verb; run 'seccomp help' for usage\n", name)
		} else {
			fmt.Fprintf(stderr, "seccomp: unknown verb %q; run 'seccomp help' for the list\n", name)
		}
		return exitUsage
	}
	return v.run(rest, stdin, stdout, stderr)
}

func help(args []string, stdout, stderr io.Writer) int {
	hv := &verb{name: "help"}
	switch len(args) {
	case 0:
		return write(hv, stdout, stderr, mainUsage())
	case 1:
		if v := lookupVerb(args[0]); v != nil {
			return write(hv, stdout, stderr, v.usage)
		}
		if args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
			return write(hv, stdout, stderr, helpUsage)
		}
		fmt.Fprintf(stderr, "seccomp help: unknown verb %q; run 'seccomp help' for the list\n", args[0])
		return exitUsage
	}
	fmt.Fprintln(stderr, "seccomp help: want at most one verb; usage: seccomp help [VERB]")
	return exitUsage
}

// helpUsage is the help verb's own help.
const helpUsage = `usage: seccomp help [VERB]

Print the list of verbs, or the help of one: what it does, its flags, its
input and output formats, its exit statuses and examples. "seccomp VERB -h"
prints a verb's help too.

Exit status: 0 printed, 2 an unknown verb.

Examples:
  seccomp help
  seccomp help run
`

func mainUsage() string {
	var b strings.Builder
	b.WriteString(`usage: seccomp VERB [flags] [operands]

seccomp runs programs under seccomp profiles as docker run does, compiles
OCI, Docker and Podman seccomp profiles into seccomp-BPF programs, and looks
at filters: what they decide for each system call, their weaknesses, how
two differ, the filters of a running process. It also assembles,
disassembles, verifies and emulates programs.

The verbs that read a filter take a raw program (an array of 8-byte struct
sock_filter in the byte order of the kernel that loads it, as the kernel
takes it and libseccomp's seccomp_export_bpf writes it; either order is
read), its text form, or a JSON profile (OCI,
Docker or Podman, or a whole config.json), or default for Docker's default
profile, built in; they tell them apart by content. A FILE of - is standard
input.

Verbs:
`)
	for _, v := range verbs {
		fmt.Fprintf(&b, "  %-10s  %s\n", v.name, v.summary)
	}
	b.WriteString(`  help        print this text, or a verb's: seccomp help VERB

Flags go after the verb and before its operands; -arch takes the same names
everywhere (x86_64, aarch64, amd64, arm64, SCMP_ARCH_X86_64, ...). Numbers
are unsigned, decimal or 0x hexadecimal; negative numbers are refused.
seccomp -version prints the version.

Exit status: 0 success; 1 the work failed (unreadable or malformed input, a
program the kernel would refuse, a bad -batch line, a failed write); 2 usage
error (unknown verb or flag, wrong operands, malformed number, unknown arch,
capability or system call name, conflicting flags); 3 a finding (audit at or
above -fail-on, diff found differences). run and record exit with their
command's status (126: cannot install or exec, 127: not found). Each verb's
help says more.

Examples:
  seccomp run -- ls -l /
  seccomp run -profile my-profile.json -cap-add SYS_ADMIN -- ./server
  seccomp compile -format text my-profile.json
  seccomp explain default
  seccomp audit -fail-on medium my-profile.json
  seccomp diff default my-profile.json
  seccomp emulate default clone3
  seccomp asm -o allow.bpf allow.txt
`)
	return b.String()
}

// newFlags returns a flag set for v that reports nothing itself: parse does.
func newFlags(v *verb) *flag.FlagSet {
	fs := flag.NewFlagSet(v.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parse parses args with fs. It returns done=true and the exit code when
// the verb should stop: after -h (usage on stdout, exit 0) or a bad flag
// (an error on stderr, exit 2). An operand that names one of fs's flags is
// refused too, since it is surely a flag written after the operands.
func parse(v *verb, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (done bool, code int) {
	probe(fs)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return true, write(v, stdout, stderr, v.usage)
	}
	if err != nil {
		// A negative number where the operands start (syscalls -1, dump
		// -1) is taken for an unknown flag; say what it is.
		if n, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -"); ok {
			if _, e := parseNumber(n, 64); e == numOK {
				return true, usageError(v, stderr, "negative number \"-%s\": numbers are unsigned (an operand that starts with - is taken for a flag)", n)
			}
		}
		return true, usageError(v, stderr, "%v", err)
	}
	for _, a := range fs.Args() {
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && a != "-" && fs.Lookup(name) != nil {
			return true, usageError(v, stderr, "flag %s after the operands: flags go before them", a)
		}
	}
	return false, exitOK
}

// usageError prints a usage error of verb v and returns exitUsage.
func usageError(v *verb, stderr io.Writer, format string, a ...any) int {
	fmt.Fprintf(stderr, "seccomp %s: %s; run 'seccomp %s -h' for usage\n", v.name, fmt.Sprintf(format, a...), v.name)
	return exitUsage
}

// failure prints an error of verb v and returns exitFailure.
func failure(v *verb, stderr io.Writer, format string, a ...any) int {
	fmt.Fprintf(stderr, "seccomp %s: %s\n", v.name, fmt.Sprintf(format, a...))
	return exitFailure
}

// flagProbe, when set, gets the flag set of the verb that runs, before it
// parses its arguments: verbFlags finds a verb's flags with it.
var flagProbe func(*flag.FlagSet)

// probe hands fs to flagProbe, if set. Every verb calls it (parse does).
func probe(fs *flag.FlagSet) {
	if flagProbe != nil {
		flagProbe(fs)
	}
}

// flagInfo is a flag of a verb.
type flagInfo struct {
	name   string
	isBool bool // takes no value
}

// verbFlags returns the flags verb v defines, sorted by name, by running it
// with -h and a flagProbe. Not safe for concurrent use.
func verbFlags(v *verb) []flagInfo {
	var out []flagInfo
	flagProbe = func(fs *flag.FlagSet) {
		fs.VisitAll(func(f *flag.Flag) {
			b, ok := f.Value.(interface{ IsBoolFlag() bool })
			out = append(out, flagInfo{f.Name, ok && b.IsBoolFlag()})
		})
	}
	defer func() { flagProbe = nil }()
	v.run([]string{"-h"}, strings.NewReader(""), io.Discard, io.Discard)
	return out
}

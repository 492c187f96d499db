package main

import (
	"io"
	"strings"

	"github.com/seccomp-go/seccomp"
)

var disasmVerb = &verb{
	name:    "disasm",
	summary: "print the text form of a filter's program",
	usage: `usage: seccomp disasm [-arch NAME] [profile flags] FILE|PROFILE

Print the text form of a program, one instruction per line, in the syntax
seccomp asm reads back. The program is not verified first, so a program the
kernel refuses can be looked at too (seccomp verify says why it is refused).

` + inputUsage + `
Flags:
  -arch NAME      the machine a profile is compiled for
` + profileFlagsUsage + `
These flags apply to a profile only: with a program they are a usage
error.

` + archUsage + `
Exit status: 0 printed, 1 the input cannot be read or is not a program or
a valid profile, 2 usage error.

Examples:
  seccomp disasm allow.bpf
  seccomp asm allow.txt | seccomp disasm -
  seccomp disasm -arch arm64 default
`,
}

func init() { disasmVerb.run = runDisasm }

func runDisasm(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	v := disasmVerb
	fs := newFlags(v)
	archName := fs.String("arch", "", "")
	pf := addProfileFlags(fs, false)
	if done, code := parse(v, fs, args, stdout, stderr); done {
		return code
	}
	if msg := pf.visit(fs); msg != "" {
		return usageError(v, stderr, "%s", msg)
	}
	if fs.NArg() != 1 {
		return usageError(v, stderr, "want one FILE, got %d operands", fs.NArg())
	}
	rd, arch, code, ok := lookReader(v, *archName, pf, stdin, stderr)
	if !ok {
		return code
	}
	src, code := rd.loadOnly(fs.Arg(0), arch != nil)
	if src == nil {
		return code
	}
	text := seccomp.Disassemble(src.prog)
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	return write(v, stdout, stderr, text)
}

package main

import (
	"io"
	"strings"

	"github.com/seccomp-go/seccomp"
)

var disasmVerb = &verb{
	name:    "disasm",
	summary: "print the text form of a raw program",
	usage: `usage: seccomp disasm FILE

Print the text form of the raw program in FILE (- for standard input), one
instruction per line, in the syntax seccomp asm reads back. The program is
not verified first, so a program the kernel refuses can be looked at too
(seccomp verify says why it is refused).

FILE must hold whole 8-byte instructions in host byte order, at least one.

Examples:
  seccomp disasm allow.bpf
  seccomp asm allow.txt | seccomp disasm -
`,
}

func init() { disasmVerb.run = runDisasm }

func runDisasm(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	v := disasmVerb
	fs := newFlags(v)
	if done, code := parse(v, fs, args, stdout, stderr); done {
		return code
	}
	if fs.NArg() != 1 {
		return usageError(v, stderr, "want one FILE, got %d operands", fs.NArg())
	}
	p, err := readRaw(fs.Arg(0), stdin)
	if err != nil {
		return failure(v, stderr, "%v", err)
	}
	text := seccomp.Disassemble(p)
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	if _, err := io.WriteString(stdout, text); err != nil {
		return failure(v, stderr, "writing standard output: %v", err)
	}
	return exitOK
}

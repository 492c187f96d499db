package main

import (
	"encoding/binary"
	"io"
	"os"
	"strings"

	"github.com/seccomp-go/seccomp"
)

var asmVerb = &verb{
	name:    "asm",
	summary: "assemble the text form into a raw program",
	usage: `usage: seccomp asm [-o OUT] FILE

Assemble the text form in FILE (- for standard input) into a raw program:
8-byte struct sock_filter records, the form the kernel takes, in host byte
order, or big-endian for a program that checks for big-endian arches only
(the program disasm prints with ".order big" first): the raw form is in the
byte order of the kernel that loads it. The program is written exactly
as the assembler produces it; asm does not verify it (run seccomp verify on
the output).

The output goes to standard output, unless -o names a file. Raw output is not
written to a terminal: with no -o and standard output a terminal (any
character device but the null device), asm refuses with exit status 2; give
-o - to write to standard output anyway. OUT is written only when FILE
assembles.

Flags:
  -o OUT   write the raw program to OUT (- for standard output)

Exit status: 0 assembled, 1 FILE cannot be read, does not assemble (the
error names the line) or has no instruction (empty, or only comments), or
OUT cannot be written, 2 usage error (raw output to a terminal among them).

Examples:
  seccomp asm -o allow.bpf allow.txt
  seccomp asm allow.txt | seccomp verify -
  seccomp disasm allow.bpf | seccomp asm -o same.bpf -
`,
}

func init() { asmVerb.run = runAsm }

func runAsm(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	v := asmVerb
	fs := newFlags(v)
	out := fs.String("o", "", "")
	if done, code := parse(v, fs, args, stdout, stderr); done {
		return code
	}
	if fs.NArg() != 1 {
		return usageError(v, stderr, "want one FILE, got %d operands", fs.NArg())
	}
	if *out == "" && isTerminal(stdout) {
		return usageError(v, stderr, "standard output is a terminal: not writing raw BPF there; use -o OUT, a redirection, or -o - to insist")
	}
	name := fs.Arg(0)
	src, err := readInput(name, stdin)
	if err != nil {
		return failure(v, stderr, "%v", err)
	}
	p, err := seccomp.AssembleText(string(src))
	if err != nil {
		return failure(v, stderr, "%s: %v", displayName(name), err)
	}
	if len(p) == 0 {
		// A program has one instruction at least: an empty output would
		// hide a failed earlier step.
		return failure(v, stderr, "%s: no instructions (the kernel takes 1 to 4096)", displayName(name))
	}
	raw, err := p.MarshalBinary()
	if err != nil {
		return failure(v, stderr, "%s: %v", displayName(name), err)
	}
	if bigEndianProgram(p) {
		raw = p.AppendRaw(nil, binary.BigEndian)
	}
	if *out != "" && *out != "-" {
		if err := os.WriteFile(*out, raw, 0o644); err != nil {
			return failure(v, stderr, "%v", err)
		}
		return exitOK
	}
	if _, err := stdout.Write(raw); err != nil {
		return failure(v, stderr, "writing standard output: %v", err)
	}
	return exitOK
}

// bigEndianProgram reports whether p is for big-endian arches only: the
// disassembler's judgement (".order big" first), so that disasm and asm
// round-trip a big-endian raw program.
func bigEndianProgram(p seccomp.Program) bool {
	return strings.HasPrefix(seccomp.Disassemble(p), ".order big\n")
}

// isTerminal reports whether w is a character device other than the null
// device: a terminal, in practice. Telling a terminal for sure would need
// an ioctl; this check is portable and errs on the side of not writing.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(fi, null)
}

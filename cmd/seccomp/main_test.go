package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/bpf"
)

// seccompCmd runs the command in-process with args and stdin, and returns
// what it printed and its exit code.
func seccompCmd(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

// want checks an in-process run's exit code and exact standard output, and
// that standard error holds each of errParts (and is empty if none).
func want(t *testing.T, stdin string, args []string, code int, stdout string, errParts ...string) {
	t.Helper()
	out, errs, c := seccompCmd(t, stdin, args...)
	if c != code || out != stdout {
		t.Errorf("seccomp %q: exit %d, stdout %q; want exit %d, stdout %q (stderr %q)", args, c, out, code, stdout, errs)
	}
	checkStderr(t, args, errs, errParts...)
}

func checkStderr(t *testing.T, args []string, errs string, errParts ...string) {
	t.Helper()
	if len(errParts) == 0 && errs != "" {
		t.Errorf("seccomp %q: unexpected stderr %q", args, errs)
	}
	for _, p := range errParts {
		if !strings.Contains(errs, p) {
			t.Errorf("seccomp %q: stderr %q does not contain %q", args, errs, p)
		}
	}
	if len(errParts) > 0 && (strings.Count(errs, "\n") != 1 || !strings.HasSuffix(errs, "\n")) {
		t.Errorf("seccomp %q: stderr %q is not one line", args, errs)
	}
}

// rawBytes encodes instructions as struct sock_filter in host byte order,
// written out here rather than with the package, so tests do not check the
// package against itself.
func rawBytes(insns ...bpf.RawInstruction) []byte {
	var b []byte
	for _, in := range insns {
		b = binary.NativeEndian.AppendUint16(b, in.Op)
		b = append(b, in.Jt, in.Jf)
		b = binary.NativeEndian.AppendUint32(b, in.K)
	}
	return b
}

// writeFile writes b into a new file of the test's temporary directory.
func writeFile(t *testing.T, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Classic BPF opcodes, spelled out for hand-written test programs.
const (
	ldAbs  = 0x20 // BPF_LD|BPF_W|BPF_ABS
	jeqK   = 0x15 // BPF_JMP|BPF_JEQ|BPF_K
	orK    = 0x44 // BPF_ALU|BPF_OR|BPF_K
	andK   = 0x54 // BPF_ALU|BPF_AND|BPF_K
	retK   = 0x06 // BPF_RET|BPF_K
	retA   = 0x16 // BPF_RET|BPF_A
	ldMem  = 0x60 // BPF_LD|BPF_MEM
	ldbAbs = 0x30 // BPF_LD|BPF_B|BPF_ABS
)

func TestHelp(t *testing.T) {
	main := mainUsage()
	for _, args := range [][]string{{"help"}, {"-h"}, {"-help"}, {"--help"}} {
		want(t, "", args, 0, main)
	}
	if out, errs, code := seccompCmd(t, ""); code != 2 || out != "" || errs != main {
		t.Errorf("seccomp with no arguments: exit %d, stdout %q, stderr %q; want 2 and the usage on stderr", code, out, errs)
	}
	for _, v := range verbs {
		if !strings.HasPrefix(v.usage, "usage: seccomp "+v.name) || !strings.HasSuffix(v.usage, "\n") {
			t.Errorf("%s: usage does not start with its synopsis or end in a newline", v.name)
		}
		if !strings.Contains(v.usage, "\nExample") {
			t.Errorf("%s: usage has no examples", v.name)
		}
		if !strings.Contains(main, "\n  "+v.name+" ") {
			t.Errorf("main usage does not list %s", v.name)
		}
		want(t, "", []string{"help", v.name}, 0, v.usage)
		want(t, "", []string{v.name, "-h"}, 0, v.usage)
		want(t, "", []string{v.name, "--help"}, 0, v.usage)
	}
	// Every flag a verb defines is in its usage text.
	for verb, flags := range map[string][]string{
		"asm":     {"-o OUT"},
		"emulate": {"-arch NAME", "-audit-arch NUM", "-ip NUM", "-batch"},
	} {
		for _, f := range flags {
			if !strings.Contains(lookupVerb(verb).usage, "\n  "+f) {
				t.Errorf("%s usage does not describe %s", verb, f)
			}
		}
	}
	want(t, "", []string{"help", "bogus"}, 2, "", `unknown verb "bogus"`)
	want(t, "", []string{"help", "asm", "disasm"}, 2, "", "at most one verb")
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"bogus"}, `seccomp: unknown verb "bogus"`},
		{[]string{"-x"}, "seccomp: unknown flag -x"},
		{[]string{"disasm", "-x", "f"}, "seccomp disasm: flag provided but not defined: -x"},
		{[]string{"disasm"}, "seccomp disasm: want one FILE, got 0 operands"},
		{[]string{"disasm", "a", "b"}, "seccomp disasm: want one FILE, got 2 operands"},
		{[]string{"verify"}, "seccomp verify: want one FILE"},
		{[]string{"asm"}, "seccomp asm: want one FILE"},
		{[]string{"asm", "-o"}, "seccomp asm: flag needs an argument: -o"},
		{[]string{"emulate"}, "seccomp emulate: want FILE and SYSCALL, got 0 operands"},
		{[]string{"emulate", "f.bpf", "0", "-arch", "x86_64"}, "seccomp emulate: flag -arch after the operands"},
		{[]string{"emulate", "-batch=maybe", "f.bpf"}, "invalid boolean value"},
		{[]string{"version", "x"}, "seccomp version: want no operands"},
	} {
		want(t, "", tc.args, 2, "", tc.err, "run 'seccomp")
	}
}

func TestVersion(t *testing.T) {
	out, errs, code := seccompCmd(t, "", "version")
	if code != 0 || errs != "" || !strings.HasPrefix(out, "seccomp ") || !strings.HasSuffix(out, "\n") || strings.Count(out, "\n") != 1 {
		t.Errorf("seccomp version: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

func TestInputErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.bpf")
	truncated := writeFile(t, "truncated.bpf", rawBytes(bpf.RawInstruction{Op: retK, K: 0x7fff0000})[:5])
	odd := writeFile(t, "odd.bpf", append(rawBytes(bpf.RawInstruction{Op: retK, K: 0x7fff0000}), 1, 2, 3))
	empty := writeFile(t, "empty.bpf", nil)
	for _, verb := range [][]string{{"disasm"}, {"verify"}, {"emulate", "-audit-arch", "0xc000003e"}} {
		operands := func(file string) []string {
			args := append(append([]string(nil), verb...), file)
			if verb[0] == "emulate" {
				args = append(args, "0")
			}
			return args
		}
		prefix := "seccomp " + verb[0] + ": "
		want(t, "", operands(missing), 1, "", prefix+"open "+missing+": no such file or directory")
		want(t, "", operands(dir), 1, "", prefix+dir+": read ")
		want(t, "", operands(truncated), 1, "", prefix+truncated+": raw BPF: 5 bytes is not a whole number of 8-byte instructions")
		want(t, "", operands(odd), 1, "", prefix+odd+": raw BPF: 11 bytes is not a whole number of 8-byte instructions (1 instructions and 3 bytes left over)")
		want(t, "", operands(empty), 1, "", prefix+empty+": empty: no instructions")
		want(t, "\x06\x00", operands("-"), 1, "", prefix+"<stdin>: raw BPF: 2 bytes")
	}
	want(t, "", []string{"asm", "-o", "-", missing}, 1, "", "seccomp asm: open "+missing+": no such file or directory")
}

func TestInputTooLarge(t *testing.T) {
	big := strings.Repeat("\x06\x00\x00\x00\x00\x00\xff\x7f", maxInput/8+1)
	want(t, big, []string{"verify", "-"}, 1, "", "seccomp verify: <stdin>: larger than 16 MiB")
}

func TestParseNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		bits int
		v    uint64
		err  numErr
	}{
		{"0", 32, 0, numOK},
		{"42", 32, 42, numOK},
		{"010", 32, 10, numOK}, // decimal, not octal
		{"0x10", 32, 16, numOK},
		{"0X1f", 32, 31, numOK},
		{"0xABCdef", 32, 0xabcdef, numOK},
		{"4294967295", 32, 1<<32 - 1, numOK},
		{"4294967296", 32, 0, numRange},
		{"0xffffffff", 32, 1<<32 - 1, numOK},
		{"0x100000000", 32, 0, numRange},
		{"0x00000000000000000000ffffffff", 32, 1<<32 - 1, numOK},
		{"18446744073709551615", 64, 1<<64 - 1, numOK},
		{"18446744073709551616", 64, 0, numRange},
		{"99999999999999999999", 64, 0, numRange},
		{"0xffffffffffffffff", 64, 1<<64 - 1, numOK},
		{"0x10000000000000000", 64, 0, numRange},
		{"", 64, 0, numEmpty},
		{"-1", 64, 0, numNegative},
		{"-0x1", 64, 0, numNegative},
		{"+1", 64, 0, numSyntax},
		{"0x", 64, 0, numSyntax},
		{"0xg", 64, 0, numSyntax},
		{"1_000", 64, 0, numSyntax},
		{"1 ", 64, 0, numSyntax},
		{"12a", 64, 0, numSyntax},
		{"0b101", 64, 0, numSyntax},
		{"٣", 64, 0, numSyntax},
	} {
		v, err := parseNumber(tc.in, tc.bits)
		if v != tc.v || err != tc.err {
			t.Errorf("parseNumber(%q, %d) = %d, %d; want %d, %d", tc.in, tc.bits, v, err, tc.v, tc.err)
		}
		if vb, errb := parseNumber([]byte(tc.in), tc.bits); vb != v || errb != err {
			t.Errorf("parseNumber([]byte(%q)) differs from the string form", tc.in)
		}
	}
}

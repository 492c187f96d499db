package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The real binary, built once: exit codes, standard streams and files as a
// script sees them.
func TestBinary(t *testing.T) {
	skipBigEndian(t)
	bin := buildCommand(t)
	dir := t.TempDir()
	text, err := filepath.Abs(exampleText)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := os.ReadFile(exampleRaw)
	if err != nil {
		t.Fatal(err)
	}
	exe := func(stdin string, args ...string) (stdout, stderr string, code int) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Stdin = strings.NewReader(stdin)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee) && ee.Exited():
			code = ee.ExitCode()
		case err != nil:
			t.Fatalf("seccomp %q: %v", args, err)
		}
		return out.String(), errb.String(), code
	}
	check := func(stdin string, args []string, code int, stdout, stderrPart string) {
		t.Helper()
		out, errs, c := exe(stdin, args...)
		if c != code || out != stdout || !strings.Contains(errs, stderrPart) || (stderrPart == "" && errs != "") {
			t.Errorf("seccomp %q: exit %d, stdout %q, stderr %q; want exit %d, stdout %q, stderr with %q", args, c, out, errs, code, stdout, stderrPart)
		}
	}

	check("", []string{"asm", "-o", "allow.bpf", text}, 0, "", "")
	if got, err := os.ReadFile(filepath.Join(dir, "allow.bpf")); err != nil || !bytes.Equal(got, ref) {
		t.Errorf("asm -o allow.bpf wrote %x, %v; want %x", got, err, ref)
	}
	check("", []string{"asm", text}, 0, string(ref), "") // to a pipe
	check("", []string{"verify", "allow.bpf"}, 0, "ok: 18 instructions, returns KILL_PROCESS, ERRNO(1), ERRNO(38), ALLOW\n", "")
	check(string(ref), []string{"emulate", "-audit-arch", "0xc000003e", "-", "1", "1"}, 0, "ALLOW\n", "")
	check("1 0xc000003e 0 1 0 0 0 0 0\n1 0xc000003e 0 7 0 0 0 0 0\n2 0xc000003e 0 0 0 0 0 0 0\n",
		[]string{"emulate", "-batch", "allow.bpf"}, 0, "ALLOW\nERRNO(1)\nERRNO(38)\n", "")
	check("1 0xc000003e 0 1 0 0 0 0 0\nbad\n", []string{"emulate", "-batch", "allow.bpf"}, 1, "ALLOW\n", "seccomp emulate: <stdin>:2: field 1 (NR): malformed number \"bad\"")
	check("", []string{"disasm", "allow.bpf"}, 0, mustDisasm(t, ref), "")
	check("", nil, 2, "", "usage: seccomp VERB")
	check("", []string{"help"}, 0, mainUsage(), "")
	check("", []string{"emulate", "-h"}, 0, emulateVerb.usage, "")
	check("", []string{"frobnicate"}, 2, "", `seccomp: unknown verb "frobnicate"`)
	check("", []string{"verify", "missing.bpf"}, 1, "", "seccomp verify: open missing.bpf: no such file or directory")
	check("\x06\x00\x00", []string{"disasm", "-"}, 1, "", "seccomp disasm: <stdin>: raw BPF: 3 bytes")
	check("", []string{"emulate", "-audit-arch", "0xc000003e", "allow.bpf", "1", "2", "3", "4", "5", "6", "7", "8"}, 2, "", "too many arguments")
	out, _, code := exe("", "version")
	if code != 0 || !strings.HasPrefix(out, "seccomp ") {
		t.Errorf("seccomp version: exit %d, stdout %q", code, out)
	}
}

func mustDisasm(t *testing.T, raw []byte) string {
	t.Helper()
	out, errs, code := seccompCmd(t, string(raw), "disasm", "-")
	if code != 0 {
		t.Fatalf("disasm: exit %d: %s", code, errs)
	}
	return out
}

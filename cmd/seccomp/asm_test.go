package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp"
)

func TestAsm(t *testing.T) {
	skipBigEndian(t)
	ref, err := os.ReadFile(exampleRaw)
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(exampleText)
	if err != nil {
		t.Fatal(err)
	}
	// To standard output (a buffer, not a terminal), from a file or stdin.
	want(t, "", []string{"asm", exampleText}, 0, string(ref))
	want(t, string(src), []string{"asm", "-"}, 0, string(ref))
	// To a file, which is written only on success.
	out := filepath.Join(t.TempDir(), "out.bpf")
	want(t, "", []string{"asm", "-o", out, exampleText}, 0, "")
	if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, ref) {
		t.Errorf("asm -o: wrote %x, %v; want %x", got, err, ref)
	}
	bad := writeFile(t, "bad.txt", []byte("ret #0\nthis is not an instruction\n"))
	_, errs, code := seccompCmd(t, "", "asm", "-o", out, bad)
	if code != 1 || !strings.HasPrefix(errs, "seccomp asm: "+bad+": ") {
		t.Errorf("asm of bad text: exit %d, stderr %q", code, errs)
	}
	checkStderr(t, []string{"asm", bad}, errs, "line 2")
	if got, _ := os.ReadFile(out); !bytes.Equal(got, ref) {
		t.Errorf("asm -o OUT changed OUT although assembly failed")
	}
	_, errs, code = seccompCmd(t, "", "asm", "-o", filepath.Join(t.TempDir(), "no", "such", "dir"), exampleText)
	if code != 1 || !strings.Contains(errs, "no such file or directory") {
		t.Errorf("asm -o into a missing directory: exit %d, stderr %q", code, errs)
	}
}

// asm does not write raw output to a terminal unless told to with -o -.
// The check looks for a character device that is not the null device, so
// /dev/zero stands in for a terminal here.
func TestAsmTerminal(t *testing.T) {
	skipBigEndian(t)
	if runtime.GOOS != "linux" {
		t.Skip("needs /dev/zero and /dev/null")
	}
	open := func(name string) *os.File {
		f, err := os.OpenFile(name, os.O_WRONLY, 0)
		if err != nil {
			t.Skip(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	tty, null := open("/dev/zero"), open(os.DevNull)
	var errb bytes.Buffer
	if code := run([]string{"asm", exampleText}, nil, tty, &errb); code != 2 || !strings.Contains(errb.String(), "standard output is a terminal") {
		t.Errorf("asm to a terminal: exit %d, stderr %q", code, errb.String())
	}
	errb.Reset()
	if code := run([]string{"asm", "-o", "-", exampleText}, nil, tty, &errb); code != 0 || errb.Len() != 0 {
		t.Errorf("asm -o - to a terminal: exit %d, stderr %q", code, errb.String())
	}
	if code := run([]string{"asm", exampleText}, nil, null, &errb); code != 0 || errb.Len() != 0 {
		t.Errorf("asm to /dev/null: exit %d, stderr %q", code, errb.String())
	}
	// A regular file is no terminal.
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) {
		t.Errorf("isTerminal(regular file) = true")
	}
}

func TestDisasm(t *testing.T) {
	skipBigEndian(t)
	ref, err := os.ReadFile(exampleRaw)
	if err != nil {
		t.Fatal(err)
	}
	p, err := seccomp.ParseRaw(ref)
	if err != nil {
		t.Fatal(err)
	}
	text := seccomp.Disassemble(p)
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	want(t, "", []string{"disasm", exampleRaw}, 0, text)
	want(t, string(ref), []string{"disasm", "-"}, 0, text)
	if strings.Count(text, "\n") < len(p) {
		t.Errorf("disasm printed %d lines for %d instructions:\n%s", strings.Count(text, "\n"), len(p), text)
	}
	// The text form goes back to the same program.
	want(t, text, []string{"asm", "-"}, 0, string(ref))

	// A program the kernel refuses is printed all the same.
	invalid := writeFile(t, "invalid.bpf", rawBytes(bpfRaw(ldAbs, 0, 0, 3))) // unaligned load, no return
	out, errs, code := seccompCmd(t, "", "disasm", invalid)
	if code != 0 || errs != "" || strings.Count(out, "\n") != 1 {
		t.Errorf("disasm of an invalid program: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// TestAsmEmpty: a file without instructions is an error, and nothing is
// written, rather than a program of 0 bytes.
func TestAsmEmpty(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out.bpf")
	for _, src := range []string{"", "\n\n", "; only a comment\n", "   \t\n"} {
		in := writeFile(t, "in.txt", []byte(src))
		want(t, "", []string{"asm", "-o", out, in}, 1, "", "seccomp asm: "+in+": no instructions")
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%q: output written", src)
		}
		want(t, src, []string{"asm", "-o", "-", "-"}, 1, "", "seccomp asm: <stdin>: no instructions")
	}
}

// A raw program for big-endian arches is big-endian (compile writes the
// target's order), and every verb reads it so: by content, since a valid
// program reads as valid in one byte order only. disasm prints it with
// ".order big", and asm writes that text back to the same bytes.
func TestBigEndianRawRoundTrip(t *testing.T) {
	for _, arch := range []string{"s390x", "ppc64", "mips"} {
		dir := t.TempDir()
		raw := filepath.Join(dir, arch+".bpf")
		if _, errs, code := seccompCmd(t, "", "compile", "-arch", arch, "-o", raw, "default"); code != 0 {
			t.Fatalf("compile -arch %s: exit %d: %s", arch, code, errs)
		}
		b, err := os.ReadFile(raw)
		if err != nil {
			t.Fatal(err)
		}
		// Big-endian: the first instruction, ld [4], has its opcode 0x0020
		// in the first two bytes as 0x00 0x20.
		if len(b) < 8 || b[0] != 0 || b[1] != 0x20 {
			t.Fatalf("%s: the raw program is not big-endian: % x", arch, b[:8])
		}
		text, errs, code := seccompCmd(t, "", "disasm", raw)
		if code != 0 || !strings.HasPrefix(text, ".order big\n") {
			t.Fatalf("disasm %s: exit %d, %s\n%.200s", arch, code, errs, text)
		}
		out, errs, code := seccompCmd(t, text, "asm", "-o", "-", "-")
		if code != 0 || out != string(b) {
			t.Fatalf("asm of disasm's text: exit %d (%s), %d bytes, not the %d bytes compiled", code, errs, len(out), len(b))
		}
		if out, errs, code := seccompCmd(t, "", "verify", raw); code != 0 || !strings.HasPrefix(out, "ok: ") {
			t.Errorf("verify %s: exit %d: %s%s", arch, code, out, errs)
		}
		// The same decisions as the profile compiled for the arch.
		for _, call := range []string{"write", "ptrace"} {
			a, _, _ := seccompCmd(t, "", "emulate", "-arch", arch, raw, call, "1")
			p, _, _ := seccompCmd(t, "", "emulate", "-arch", arch, "default", call, "1")
			if a != p || a == "" {
				t.Errorf("emulate -arch %s %s: raw %q, profile %q", arch, call, a, p)
			}
		}
	}
}

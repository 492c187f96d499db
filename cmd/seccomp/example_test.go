package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"os"
	"testing"

	"github.com/seccomp-go/seccomp"
	"golang.org/x/net/bpf"
)

var update = flag.Bool("update", false, "rewrite testdata/cmd/allowlist.bpf")

const (
	exampleText = "../../testdata/cmd/allowlist.txt"
	exampleRaw  = "../../testdata/cmd/allowlist.bpf"
)

// exampleProgram is testdata/cmd/allowlist.txt written with x/net/bpf, jump
// skips counted by hand: the reference its raw file is checked against.
func exampleProgram(t testing.TB) []bpf.RawInstruction {
	t.Helper()
	const (
		allow = 0x7fff0000
		kill  = 0x80000000
	)
	p, err := bpf.Assemble([]bpf.Instruction{
		/*  0 */ bpf.LoadAbsolute{Off: 4, Size: 4},
		/*  1 */ bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: 0xc000003e, SkipTrue: 15}, // kill
		/*  2 */ bpf.LoadAbsolute{Off: 0, Size: 4},
		/*  3 */ bpf.JumpIf{Cond: bpf.JumpGreaterOrEqual, Val: 0x40000000, SkipTrue: 13}, // kill
		/*  4 */ bpf.JumpIf{Cond: bpf.JumpEqual, Val: 0, SkipTrue: 11}, // allow
		/*  5 */ bpf.JumpIf{Cond: bpf.JumpEqual, Val: 1, SkipTrue: 4}, // write
		/*  6 */ bpf.JumpIf{Cond: bpf.JumpEqual, Val: 3, SkipTrue: 9}, // allow
		/*  7 */ bpf.JumpIf{Cond: bpf.JumpEqual, Val: 60, SkipTrue: 8}, // allow
		/*  8 */ bpf.JumpIf{Cond: bpf.JumpEqual, Val: 231, SkipTrue: 7}, // allow
		/*  9 */ bpf.RetConstant{Val: 0x00050026},
		/* 10 */ bpf.LoadAbsolute{Off: 20, Size: 4}, // write:
		/* 11 */ bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: 0, SkipTrue: 3}, // eperm
		/* 12 */ bpf.LoadAbsolute{Off: 16, Size: 4},
		/* 13 */ bpf.JumpIf{Cond: bpf.JumpEqual, Val: 1, SkipTrue: 2}, // allow
		/* 14 */ bpf.JumpIf{Cond: bpf.JumpEqual, Val: 2, SkipTrue: 1}, // allow
		/* 15 */ bpf.RetConstant{Val: 0x00050001}, // eperm:
		/* 16 */ bpf.RetConstant{Val: allow}, // allow:
		/* 17 */ bpf.RetConstant{Val: kill}, // kill:
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// skipBigEndian skips tests that read the checked-in raw file, which is in
// little-endian order: on a big-endian host, raw files are big-endian.
func skipBigEndian(t *testing.T) {
	t.Helper()
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		t.Skip("testdata/cmd/allowlist.bpf is little-endian; this host is not")
	}
}

func TestExampleRaw(t *testing.T) {
	skipBigEndian(t)
	ref := rawBytes(exampleProgram(t)...)
	if *update {
		if err := os.WriteFile(exampleRaw, ref, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(exampleRaw)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, ref) {
		t.Fatalf("%s differs from exampleProgram; run go test -run TestExampleRaw -update", exampleRaw)
	}
}

// The text form assembles to the checked-in raw program, through the
// command and through the package.
func TestExampleText(t *testing.T) {
	skipBigEndian(t)
	ref, err := os.ReadFile(exampleRaw)
	if err != nil {
		t.Fatal(err)
	}
	want(t, "", []string{"asm", "-o", "-", exampleText}, 0, string(ref))
	src, err := os.ReadFile(exampleText)
	if err != nil {
		t.Fatal(err)
	}
	p, err := seccomp.AssembleText(string(src))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := p.MarshalBinary(); !bytes.Equal(got, ref) {
		t.Errorf("AssembleText(%s) differs from %s", exampleText, exampleRaw)
	}
}

// The README's commands, on the example.
func TestExampleCommands(t *testing.T) {
	skipBigEndian(t)
	want(t, "", []string{"verify", exampleRaw}, 0, "ok: 18 instructions, returns KILL_PROCESS, ERRNO(1), ERRNO(38), ALLOW\n")
	x86 := func(args ...string) []string {
		return append([]string{"emulate", "-audit-arch", "0xc000003e", exampleRaw}, args...)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{x86("0"), "ALLOW"},                      // read
		{x86("1", "1"), "ALLOW"},                 // write(1)
		{x86("1", "2"), "ALLOW"},                 // write(2)
		{x86("1"), "ERRNO(1)"},                   // write(0)
		{x86("1", "3"), "ERRNO(1)"},              // write(3)
		{x86("1", "0x100000001"), "ERRNO(1)"},    // high half of fd set
		{x86("2"), "ERRNO(38)"},                  // open
		{x86("231"), "ALLOW"},                    // exit_group
		{x86("0x40000001", "1"), "KILL_PROCESS"}, // x32 write
		{x86("0xffffffff"), "KILL_PROCESS"},      // nr -1: above 0x40000000 unsigned
		{[]string{"emulate", "-audit-arch", "0x40000003", exampleRaw, "4", "1"}, "KILL_PROCESS"}, // i386
		{[]string{"emulate", "-audit-arch", "I386", exampleRaw, "4", "1"}, "KILL_PROCESS"},
		{[]string{"emulate", "-audit-arch", "audit_arch_x86_64", exampleRaw, "1", "1"}, "ALLOW"},
	} {
		want(t, "", tc.args, 0, tc.want+"\n")
	}
}

// The same commands by syscall name: these need the syscall tables.
func TestExampleCommandsByName(t *testing.T) {
	skipBigEndian(t)
	for _, tc := range []struct {
		flags, call []string
		want        string
	}{
		{[]string{"-arch", "x86_64"}, []string{"write", "1"}, "ALLOW"},
		{[]string{"-arch", "x86_64"}, []string{"write", "3"}, "ERRNO(1)"},
		{[]string{"-arch", "x86_64"}, []string{"openat"}, "ERRNO(38)"},
		{[]string{"-arch", "x86_64"}, []string{"exit_group"}, "ALLOW"},
		{[]string{"-arch", "x32"}, []string{"write", "1"}, "KILL_PROCESS"},
		{[]string{"-arch", "aarch64"}, []string{"write", "1"}, "KILL_PROCESS"},
		{[]string{"-audit-arch", "0xc000003e"}, []string{"write", "1"}, "ALLOW"}, // x86_64, not x32
	} {
		args := append(append(append([]string{"emulate"}, tc.flags...), exampleRaw), tc.call...)
		want(t, "", args, 0, tc.want+"\n")
	}
}

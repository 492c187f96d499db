package seccomp

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzDisasmRoundTrip checks that the text of any program assembles back to
// the program, for both byte orders, and that the text is stable.
func FuzzDisasmRoundTrip(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{6, 0, 0, 0, 0, 0, 0xff, 0x7f})
	// ld [4]; jeq #AUDIT_ARCH_X86_64, 0, 1; ret ALLOW; ret KILL_PROCESS
	f.Add([]byte{0x20, 0, 0, 0, 4, 0, 0, 0, 0x15, 0, 0, 1, 0x3e, 0, 0, 0xc0,
		6, 0, 0, 0, 0, 0, 0xff, 0x7f, 6, 0, 0, 0, 0, 0, 0, 0x80})
	// A jump past the end, a JA with a huge offset, an unknown opcode,
	// unused fields set.
	f.Add([]byte{0x15, 0, 9, 0, 1, 0, 0, 0, 5, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,
		0x34, 0x12, 3, 4, 0xef, 0xbe, 0xad, 0xde, 7, 0, 1, 0, 5, 0, 0, 0})
	for _, p := range textGoldenPrograms(f) {
		f.Add(p.AppendRaw(nil, binary.LittleEndian))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		// Longer programs add no coverage, only time: 512 instructions
		// are enough for jumps of any reach.
		raw = raw[:min(len(raw), 512*SizeofInstruction)]
		raw = raw[:len(raw)-len(raw)%SizeofInstruction]
		p, err := DecodeRaw(raw, binary.LittleEndian)
		if err != nil {
			t.Fatal(err)
		}
		textCheckRoundTrip(t, p)
	})
}

// FuzzAssembleText checks that AssembleText never panics, that its errors
// name a line of the input, and that what it assembles survives the round
// trip through the text form.
func FuzzAssembleText(f *testing.F) {
	seeds := []string{
		"",
		"ret ALLOW",
		"ld [arch]\njne #AUDIT_ARCH_X86_64, kill\nld [nr]\njge #X32_SYSCALL_BIT, kill\njeq #1, allow\nret ERRNO(1)\nallow: ret ALLOW\nkill: ret KILL_PROCESS\n",
		"0000: ld [0]\n0001: jeq #1, 0002, 0003\n0002: ret a\n0003: ret #0x10000000\n",
		"jeq #1, 3, 0004\nja 4\nld [x + 14]\nret ALLOW|0x5\nret KILL",
		".order big\nld [args[5].lo]\nldx 4*([14]&0xf)\nld #len\nld #proto\nret TRAP(65535)",
		".insn 0x15, 255, 0, 0xffffffff\n.insn 0x05, 0, 0, 7\nret a",
		"/* open\n",
		"a: b: 0007: ret a ; c\n// d\n# e",
		"ret ERRNO(70000)",
		"ld #-0x80000000\nst M[15]\nldx M[99]\nmod #0\nneg\ntax\ntxa\nret a",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	for _, name := range []string{"kernel_doc_sample.txt", "allowlist.txt", "multiarch.txt", "kernel_doc_sample.bpf_asm", "bpf_asm_all_instructions.txt"} {
		b, err := os.ReadFile(filepath.Join("testdata", "text", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, src string) {
		p, err := AssembleText(src)
		if err != nil {
			var ae *AssembleError
			if !errors.As(err, &ae) {
				t.Fatalf("error %v (%T) is not an *AssembleError", err, err)
			}
			if lines := strings.Count(src, "\n") + 1; ae.Line < 1 || ae.Line > lines {
				t.Fatalf("error %v names line %d of %d", err, ae.Line, lines)
			}
			return
		}
		textCheckRoundTrip(t, p)
	})
}

package seccomp

import (
	"encoding/binary"
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/bpf"

	"github.com/seccomp-go/seccomp/internal/opcode"
)

// textTestSyscalls are the system calls whose names the tests of the text
// form expect in comments, from the kernel's syscall tables
// (arch/x86/entry/syscalls/syscall_64.tbl and syscall_32.tbl).
var textTestSyscalls = map[string]map[int32]string{
	"x86_64": {
		0: "read", 1: "write", 5: "fstat", 9: "mmap", 13: "rt_sigaction",
		14: "rt_sigprocmask", 15: "rt_sigreturn", 16: "ioctl", 35: "nanosleep",
		60: "exit", 231: "exit_group",
	},
	"x32":  {X32SyscallBit + 0: "read", X32SyscallBit + 1: "write", X32SyscallBit + 60: "exit"},
	"i386": {1: "exit", 3: "read", 4: "write", 252: "exit_group"},
}

// TestTextSyscallTables checks that the generated tables name the system
// calls the other tests expect in the comments.
func TestTextSyscallTables(t *testing.T) {
	for arch, names := range textTestSyscalls {
		a, err := LookupArch(arch)
		if err != nil {
			t.Errorf("arch %s: %v", arch, err)
			continue
		}
		for nr, name := range names {
			if got, ok := a.SyscallName(nr); !ok || got != name {
				t.Errorf("arch %s: SyscallName(%#x) = %q, %v; want %q", arch, nr, got, ok, name)
			}
		}
	}
}

func textMustAssemble(t testing.TB, s *Source) Program {
	t.Helper()
	p, err := s.Assemble()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func textMustAssembleText(t *testing.T, src string) Program {
	t.Helper()
	p, err := AssembleText(src)
	if err != nil {
		t.Fatalf("AssembleText: %v\n%s", err, src)
	}
	return p
}

// textCheckRoundTrip checks that the text of p assembles back to p, for both
// byte orders, and that the text is stable.
func textCheckRoundTrip(t *testing.T, p Program) {
	t.Helper()
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		text := DisassembleIn(p, order)
		q, err := AssembleText(text)
		if err != nil {
			t.Fatalf("%v: AssembleText(DisassembleIn(p)): %v\nprogram: %v\ntext:\n%s", order, err, []bpf.RawInstruction(p), text)
		}
		if !slices.Equal(p, q) {
			t.Fatalf("%v: round trip changed the program\n got %v\nwant %v\ntext:\n%s", order, []bpf.RawInstruction(q), []bpf.RawInstruction(p), text)
		}
		if again := DisassembleIn(q, order); again != text {
			t.Fatalf("%v: text not stable:\n%s\nthen\n%s", order, text, again)
		}
	}
}

// textSplitLine splits a line of Disassemble into its instruction (without the
// index) and comment.
func textSplitLine(t *testing.T, line string) (code, comment string) {
	t.Helper()
	_, rest, ok := strings.Cut(line, ": ")
	if !ok {
		t.Fatalf("line %q has no index", line)
	}
	code, comment, _ = strings.Cut(rest, "; ")
	return strings.TrimRight(code, " "), comment
}

func TestDisassembleInstructions(t *testing.T) {
	ins := func(op uint16, jt, jf uint8, k uint32) bpf.RawInstruction {
		return bpf.RawInstruction{Op: op, Jt: jt, Jf: jf, K: k}
	}
	ret := ins(opcode.RetK, 0, 0, 0)
	tests := []struct {
		in            bpf.RawInstruction
		code, comment string
	}{
		// Loads.
		{ins(opcode.LdWAbs, 0, 0, 0), "ld   [0]", "nr"},
		{ins(opcode.LdWAbs, 0, 0, 4), "ld   [4]", "arch"},
		{ins(opcode.LdWAbs, 0, 0, 8), "ld   [8]", "instruction_pointer.lo"},
		{ins(opcode.LdWAbs, 0, 0, 12), "ld   [12]", "instruction_pointer.hi"},
		{ins(opcode.LdWAbs, 0, 0, 16), "ld   [16]", "args[0].lo"},
		{ins(opcode.LdWAbs, 0, 0, 20), "ld   [20]", "args[0].hi"},
		{ins(opcode.LdWAbs, 0, 0, 56), "ld   [56]", "args[5].lo"},
		{ins(opcode.LdWAbs, 0, 0, 60), "ld   [60]", "args[5].hi"},
		{ins(opcode.LdWAbs, 0, 0, 2), "ld   [2]", ""},
		{ins(opcode.LdWAbs, 0, 0, 64), "ld   [64]", ""},
		{ins(opcode.LdWAbs, 0, 0, 0x12345), "ld   [0x12345]", ""},
		{ins(opcode.LdWAbs, 0, 0, 0xfffff000), "ld   [0xfffff000]", "SKF_AD_PROTOCOL"},
		{ins(opcode.LdWAbs, 0, 0, 0xfffff038), "ld   [0xfffff038]", "SKF_AD_RANDOM"},
		{ins(opcode.LdWAbs, 0, 0, 0xfffff040), "ld   [0xfffff040]", ""},
		{ins(opcode.LdHAbs, 0, 0, 2), "ldh  [2]", ""},
		{ins(opcode.LdBAbs, 0, 0, 3), "ldb  [3]", ""},
		{ins(opcode.LdHAbs, 0, 0, 0), "ldh  [0]", ""},
		{ins(opcode.LdWInd, 0, 0, 14), "ld   [x + 14]", ""},
		{ins(opcode.LdHInd, 0, 0, 0), "ldh  [x + 0]", ""},
		{ins(opcode.LdBInd, 0, 0, 0x10000), "ldb  [x + 0x10000]", ""},
		{ins(opcode.LdLen, 0, 0, 0), "ld   #len", ""},
		{ins(opcode.LdxLen, 0, 0, 0), "ldx  #len", ""},
		{ins(opcode.LdImm, 0, 0, 42), "ld   #42", ""},
		{ins(opcode.LdImm, 0, 0, 0xffff), "ld   #65535", ""},
		{ins(opcode.LdImm, 0, 0, 0x10000), "ld   #0x10000", ""},
		{ins(opcode.LdxImm, 0, 0, 0xffffffff), "ldx  #0xffffffff", ""},
		{ins(opcode.LdMem, 0, 0, 3), "ld   M[3]", ""},
		{ins(opcode.LdxMem, 0, 0, 15), "ldx  M[15]", ""},
		{ins(opcode.LdxMem, 0, 0, 16), "ldx  M[16]", ""},
		{ins(opcode.LdxMsh, 0, 0, 14), "ldx  4*([14]&0xf)", ""},
		{ins(opcode.St, 0, 0, 0), "st   M[0]", ""},
		{ins(opcode.Stx, 0, 0, 1), "stx  M[1]", ""},
		{ins(opcode.Tax, 0, 0, 0), "tax", ""},
		{ins(opcode.Txa, 0, 0, 0), "txa", ""},
		// ALU.
		{ins(opcode.AddK, 0, 0, 1), "add  #1", ""},
		{ins(opcode.AddX, 0, 0, 0), "add  x", ""},
		{ins(opcode.SubK, 0, 0, 0x80000000), "sub  #0x80000000", ""},
		{ins(opcode.SubX, 0, 0, 0), "sub  x", ""},
		{ins(opcode.MulK, 0, 0, 3), "mul  #3", ""},
		{ins(opcode.MulX, 0, 0, 0), "mul  x", ""},
		{ins(opcode.DivK, 0, 0, 0), "div  #0", ""},
		{ins(opcode.DivX, 0, 0, 0), "div  x", ""},
		{ins(opcode.ModK, 0, 0, 7), "mod  #7", ""},
		{ins(opcode.ModX, 0, 0, 0), "mod  x", ""},
		{ins(opcode.AndK, 0, 0, 255), "and  #0xff", ""},
		{ins(opcode.AndX, 0, 0, 0), "and  x", ""},
		{ins(opcode.OrK, 0, 0, 0), "or   #0x0", ""},
		{ins(opcode.OrX, 0, 0, 0), "or   x", ""},
		{ins(opcode.XorK, 0, 0, 0xffffffff), "xor  #0xffffffff", ""},
		{ins(opcode.XorX, 0, 0, 0), "xor  x", ""},
		{ins(opcode.LshK, 0, 0, 3), "lsh  #3", ""},
		{ins(opcode.LshX, 0, 0, 0), "lsh  x", ""},
		{ins(opcode.RshK, 0, 0, 40), "rsh  #40", ""},
		{ins(opcode.RshX, 0, 0, 0), "rsh  x", ""},
		{ins(opcode.Neg, 0, 0, 0), "neg", ""},
		// Jumps (the program has 4 instructions: this one and 3 rets).
		{ins(opcode.Ja, 0, 0, 0), "ja   0001", ""},
		{ins(opcode.Ja, 0, 0, 2), "ja   0003", ""},
		{ins(opcode.JeqK, 0, 2, 7), "jeq  #7, 0001, 0003", ""},
		{ins(opcode.JeqX, 1, 0, 0), "jeq  x, 0002, 0001", ""},
		{ins(opcode.JgtK, 0, 0, 0x10000), "jgt  #0x10000, 0001, 0001", ""},
		{ins(opcode.JgtX, 0, 0, 0), "jgt  x, 0001, 0001", ""},
		{ins(opcode.JgeK, 2, 1, 0x40000000), "jge  #0x40000000, 0003, 0002", ""},
		{ins(opcode.JgeX, 0, 0, 0), "jge  x, 0001, 0001", ""},
		{ins(opcode.JsetK, 0, 1, 4), "jset #0x4, 0001, 0002", ""},
		{ins(opcode.JsetX, 0, 0, 0), "jset x, 0001, 0001", ""},
		// Returns.
		{ins(opcode.RetA, 0, 0, 0), "ret  a", ""},
		{ins(opcode.RetK, 0, 0, 0), "ret  KILL_THREAD", ""},
		{ins(opcode.RetK, 0, 0, 0x80000000), "ret  KILL_PROCESS", ""},
		{ins(opcode.RetK, 0, 0, 0x00030000), "ret  TRAP(0)", ""},
		{ins(opcode.RetK, 0, 0, 0x0003ffff), "ret  TRAP(65535)", ""},
		{ins(opcode.RetK, 0, 0, 0x00050001), "ret  ERRNO(1)", ""},
		{ins(opcode.RetK, 0, 0, 0x00050000|5000), "ret  ERRNO(5000)", "the kernel clamps the errno to 4095"},
		{ins(opcode.RetK, 0, 0, 0x7fc00000), "ret  USER_NOTIF", ""},
		{ins(opcode.RetK, 0, 0, 0x7ff00007), "ret  TRACE(7)", ""},
		{ins(opcode.RetK, 0, 0, 0x7ffc0000), "ret  LOG", ""},
		{ins(opcode.RetK, 0, 0, 0x7fff0000), "ret  ALLOW", ""},
		{ins(opcode.RetK, 0, 0, 0x7fff0005), "ret  ALLOW|0x5", ""},
		{ins(opcode.RetK, 0, 0, 0x80000001), "ret  KILL_PROCESS|0x1", ""},
		{ins(opcode.RetK, 0, 0, 0x0000ffff), "ret  KILL_THREAD|0xffff", ""},
		{ins(opcode.RetK, 0, 0, 0x7fc00010), "ret  USER_NOTIF|0x10", ""},
		{ins(opcode.RetK, 0, 0, 0x7ffc0001), "ret  LOG|0x1", ""},
		{ins(opcode.RetK, 0, 0, 0x10000000), "ret  #0x10000000", "unknown action: the kernel kills the process"},
		{ins(opcode.RetK, 0, 0, 0xaaaaaaaa), "ret  #0xaaaaaaaa", "unknown action: the kernel kills the process"},
		// What only the raw form can say.
		{ins(0x0e, 0, 0, 0), ".insn 0x0e, 0, 0, 0x0", "unknown opcode"},
		{ins(0x21, 0, 0, 4), ".insn 0x21, 0, 0, 0x4", "unknown opcode"},
		{ins(0x1234, 3, 4, 0xdeadbeef), ".insn 0x1234, 3, 4, 0xdeadbeef", "unknown opcode"},
		{ins(0x106, 0, 0, 0), ".insn 0x106, 0, 0, 0x0", "unknown opcode"},
		{ins(0xffff, 255, 255, 0xffffffff), ".insn 0xffff, 255, 255, 0xffffffff", "unknown opcode"},
		{ins(opcode.Tax, 0, 0, 5), ".insn 0x07, 0, 0, 0x5", "tax (unused k=0x5)"},
		{ins(opcode.RetA, 0, 0, 1), ".insn 0x16, 0, 0, 0x1", "ret  a (unused k=0x1)"},
		{ins(opcode.Neg, 1, 0, 0), ".insn 0x84, 1, 0, 0x0", "neg (unused jt=1 jf=0)"},
		{ins(opcode.LdLen, 0, 0, 64), ".insn 0x80, 0, 0, 0x40", "ld   #len (unused k=0x40)"},
		{ins(opcode.AddX, 0, 0, 9), ".insn 0x0c, 0, 0, 0x9", "add  x (unused k=0x9)"},
		{ins(opcode.JeqX, 0, 0, 9), ".insn 0x1d, 0, 0, 0x9", "jeq  x, 0001, 0001 (unused k=0x9)"},
		{ins(opcode.LdWAbs, 0, 2, 0), ".insn 0x20, 0, 2, 0x0", "ld   [0] (unused jt=0 jf=2)"},
		{ins(opcode.RetK, 1, 1, 0x7fff0000), ".insn 0x06, 1, 1, 0x7fff0000", "ret  ALLOW (unused jt=1 jf=1)"},
		{ins(opcode.Ja, 1, 0, 0), ".insn 0x05, 1, 0, 0x0", "ja   0001 (unused jt=1 jf=0)"},
		{ins(opcode.Ja, 0, 0, 3), ".insn 0x05, 0, 0, 0x3", "ja   0004 (target past the end)"},
		{ins(opcode.Ja, 0, 0, 0xffffffff), ".insn 0x05, 0, 0, 0xffffffff", "ja   4294967296 (target past the end)"},
		{ins(opcode.JeqK, 0, 3, 1), ".insn 0x15, 0, 3, 0x1", "jeq  #1, 0001, 0004 (target past the end)"},
		{ins(opcode.JsetK, 255, 0, 1), ".insn 0x45, 255, 0, 0x1", "jset #0x1, 0256, 0001 (target past the end)"},
	}
	for _, tt := range tests {
		p := Program{tt.in, ret, ret, ret}
		text := Disassemble(p)
		first, _, _ := strings.Cut(text, "\n")
		code, comment := textSplitLine(t, first)
		if code != tt.code || comment != tt.comment {
			t.Errorf("%#v:\n got %q ; %q\nwant %q ; %q", tt.in, code, comment, tt.code, tt.comment)
		}
		textCheckRoundTrip(t, p)
	}
}

// TestDisassembleEveryOpcode prints every 16-bit opcode: the opcodes of
// classic BPF in the readable form, the others raw, and all of them back.
func TestDisassembleEveryOpcode(t *testing.T) {
	ret := bpf.RawInstruction{Op: opcode.RetK}
	for op := 0; op <= 0xffff; op++ {
		p := Program{{Op: uint16(op)}, ret}
		text := Disassemble(p)
		raw := strings.HasPrefix(text, "0000: .insn ")
		if known := op < opcode.NumOpcode && opcode.GenericAllowed[op]; raw == known {
			t.Errorf("opcode %#x: known %v but printed as %q", op, known, text)
		}
		if op < 0x200 || op%97 == 0 {
			textCheckRoundTrip(t, p)
		} else if q, err := AssembleText(text); err != nil || !slices.Equal(p, q) {
			t.Fatalf("opcode %#x: %v: %v", op, err, q)
		}
	}
}

func TestDisassembleEmpty(t *testing.T) {
	if s := Disassemble(nil); s != "" {
		t.Errorf("Disassemble(nil) = %q", s)
	}
	if s := DisassembleIn(nil, binary.BigEndian); s != ".order big\n" {
		t.Errorf("DisassembleIn(nil, binary.BigEndian) = %q", s)
	}
	for _, src := range []string{"", "\n\n", "; nothing\n", ".order big\n"} {
		p, err := AssembleText(src)
		if err != nil || len(p) != 0 {
			t.Errorf("AssembleText(%q) = %v, %v", src, p, err)
		}
	}
}

func TestProgramString(t *testing.T) {
	p := Program{{Op: opcode.LdWAbs, K: 4}, {Op: opcode.RetK, K: uint32(ActAllow)}}
	want := "0000: ld   [4]                      ; arch\n0001: ret  ALLOW\n"
	if got := p.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// textGoldenPrograms are realistic filters written with Source, and the file
// with their expected text, written by hand.
func textGoldenPrograms(t testing.TB) map[string]Program {
	progs := make(map[string]Program)

	// The example of the kernel's Documentation/networking/filter.rst.
	var s Source
	s.Add(bpf.LoadAbsolute{Off: OffsetArch, Size: 4})
	s.JumpIf(bpf.JumpNotEqual, uint32(AuditArchX86_64), "bad", "")
	s.Add(bpf.LoadAbsolute{Off: OffsetNr, Size: 4})
	for _, nr := range []uint32{15, 231, 60, 0, 1, 5, 9, 14, 13, 35} {
		s.JumpIf(bpf.JumpEqual, nr, "good", "")
	}
	s.Label("bad")
	s.Add(bpf.RetConstant{Val: uint32(ActKillThread)})
	s.Label("good")
	s.Add(bpf.RetConstant{Val: uint32(ActAllow)})
	progs["kernel_doc_sample"] = textMustAssemble(t, &s)

	// Arch check, x32 guard, allowlist, an argument check (ioctl(fd,
	// TCGETS) only), errno default.
	s = Source{}
	s.Add(bpf.LoadAbsolute{Off: OffsetArch, Size: 4})
	s.JumpIf(bpf.JumpEqual, uint32(AuditArchX86_64), "", "kill")
	s.Add(bpf.LoadAbsolute{Off: OffsetNr, Size: 4})
	s.JumpIf(bpf.JumpGreaterOrEqual, X32SyscallBit, "enosys", "")
	for _, nr := range []uint32{0, 1, 60, 231} {
		s.JumpIf(bpf.JumpEqual, nr, "allow", "")
	}
	s.JumpIf(bpf.JumpNotEqual, 16, "eperm", "")
	low, high := OffsetArgHalves(1, ArchX86_64.ByteOrder())
	s.Add(bpf.LoadAbsolute{Off: high, Size: 4})
	s.JumpIf(bpf.JumpNotEqual, 0, "eperm", "")
	s.Add(bpf.LoadAbsolute{Off: low, Size: 4})
	s.JumpIf(bpf.JumpEqual, 0x5401, "allow", "eperm")
	s.Label("eperm")
	s.Add(bpf.RetConstant{Val: uint32(Errno(1))})
	s.Label("enosys")
	s.Add(bpf.RetConstant{Val: uint32(Errno(38))})
	s.Label("allow")
	s.Add(bpf.RetConstant{Val: uint32(ActAllow)})
	s.Label("kill")
	s.Add(bpf.RetConstant{Val: uint32(ActKillProcess)})
	progs["allowlist"] = textMustAssemble(t, &s)

	// Two arches, and x32 under x86_64; a common tail where either arch
	// is possible.
	s = Source{}
	s.Add(bpf.LoadAbsolute{Off: OffsetArch, Size: 4})
	s.JumpIf(bpf.JumpEqual, uint32(AuditArchX86_64), "x86_64", "")
	s.JumpIf(bpf.JumpEqual, uint32(AuditArchI386), "i386", "")
	s.Add(bpf.RetConstant{Val: uint32(ActKillProcess)})
	s.Label("x86_64")
	s.Add(bpf.LoadAbsolute{Off: OffsetNr, Size: 4})
	s.JumpIf(bpf.JumpGreaterOrEqual, X32SyscallBit, "x32", "")
	s.JumpIf(bpf.JumpEqual, 1, "allow", "")
	s.Jump("common")
	s.Label("x32")
	s.JumpIf(bpf.JumpEqual, X32SyscallBit|1, "allow", "")
	s.Jump("common")
	s.Label("i386")
	s.Add(bpf.LoadAbsolute{Off: OffsetNr, Size: 4})
	s.JumpIf(bpf.JumpEqual, 4, "allow", "")
	s.Label("common")
	s.Add(bpf.LoadAbsolute{Off: OffsetNr, Size: 4})
	s.JumpIf(bpf.JumpEqual, 231, "allow", "deny")
	s.Label("allow")
	s.Add(bpf.RetConstant{Val: uint32(ActAllow)})
	s.Label("deny")
	s.Add(bpf.RetConstant{Val: uint32(Errno(1))})
	progs["multiarch"] = textMustAssemble(t, &s)
	return progs
}

func TestDisassembleGolden(t *testing.T) {
	for name, p := range textGoldenPrograms(t) {
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", "text", name+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			if got := Disassemble(p); got != string(want) {
				t.Errorf("Disassemble differs from %s.txt:\n got:\n%s\nwant:\n%s", name, got, want)
			}
			// The hand-written text assembles to the program.
			if q := textMustAssembleText(t, string(want)); !slices.Equal(p, q) {
				t.Errorf("AssembleText(%s.txt) = %v, want %v", name, []bpf.RawInstruction(q), []bpf.RawInstruction(p))
			}
			textCheckRoundTrip(t, p)
			if err := Verify(p); err != nil {
				t.Errorf("golden program does not verify: %v", err)
			}
		})
	}
}

// TestGoldenVerdicts runs the golden programs, as written in their text
// files, on system calls.
func TestGoldenVerdicts(t *testing.T) {
	load := func(name string) *Emulator {
		src, err := os.ReadFile(filepath.Join("testdata", "text", name+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		return MustEmulator(textMustAssembleText(t, string(src)))
	}
	x86 := func(nr int32, args ...uint64) Data {
		d := Data{Nr: nr, Arch: AuditArchX86_64}
		copy(d.Args[:], args)
		return d
	}
	tests := []struct {
		file string
		d    Data
		want Action
	}{
		{"kernel_doc_sample", x86(1), ActAllow},
		{"kernel_doc_sample", x86(35), ActAllow},
		{"kernel_doc_sample", x86(2), ActKillThread},
		{"kernel_doc_sample", Data{Nr: 1, Arch: AuditArchI386}, ActKillThread},
		{"allowlist", x86(0), ActAllow},
		{"allowlist", x86(231), ActAllow},
		{"allowlist", x86(2), Errno(1)},
		{"allowlist", x86(X32SyscallBit | 1), Errno(38)},
		{"allowlist", x86(16, 1, 0x5401), ActAllow},
		{"allowlist", x86(16, 1, 0x5402), Errno(1)},
		{"allowlist", x86(16, 1, 1<<32|0x5401), Errno(1)},
		{"allowlist", Data{Nr: 0, Arch: AuditArchAArch64}, ActKillProcess},
		{"multiarch", x86(1), ActAllow},
		{"multiarch", x86(X32SyscallBit | 1), ActAllow},
		{"multiarch", x86(4), Errno(1)},
		{"multiarch", Data{Nr: 4, Arch: AuditArchI386}, ActAllow},
		{"multiarch", Data{Nr: 231, Arch: AuditArchI386}, ActAllow},
		{"multiarch", x86(231), ActAllow},
		{"multiarch", Data{Nr: 1, Arch: AuditArchI386}, Errno(1)},
		{"multiarch", Data{Nr: 1, Arch: AuditArchARM}, ActKillProcess},
	}
	for _, tt := range tests {
		if got := load(tt.file).Action(tt.d); got != tt.want {
			t.Errorf("%s: nr %#x arch %v args %v: got %v, want %v", tt.file, tt.d.Nr, tt.d.Arch, tt.d.Args[:2], got, tt.want)
		}
	}
}

// TestAssembleKernelDocSample assembles the kernel documentation's example
// as published, in bpf_asm syntax.
func TestAssembleKernelDocSample(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "text", "kernel_doc_sample.bpf_asm"))
	if err != nil {
		t.Fatal(err)
	}
	got := textMustAssembleText(t, string(src))
	if want := textGoldenPrograms(t)["kernel_doc_sample"]; !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", []bpf.RawInstruction(got), []bpf.RawInstruction(want))
	}
}

// TestAssembleBpfAsmInterop assembles x/net/bpf's bpf_asm test program and
// compares with the kernel bpf_asm tool's output for it.
func TestAssembleBpfAsmInterop(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "text", "bpf_asm_all_instructions.txt"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.ReadFile(filepath.Join("testdata", "text", "bpf_asm_all_instructions.bpf"))
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Split(strings.TrimSpace(string(out)), ",")
	n, err := strconv.Atoi(fields[0])
	if err != nil {
		t.Fatal(err)
	}
	var want Program
	for _, f := range fields[1:] {
		if f == "" {
			continue
		}
		var v [4]uint64
		for i, s := range strings.Fields(f) {
			if v[i], err = strconv.ParseUint(s, 10, 32); err != nil {
				t.Fatal(err)
			}
		}
		want = append(want, bpf.RawInstruction{Op: uint16(v[0]), Jt: uint8(v[1]), Jf: uint8(v[2]), K: uint32(v[3])})
	}
	if len(want) != n {
		t.Fatalf("bpf_asm output has %d instructions, says %d", len(want), n)
	}
	got := textMustAssembleText(t, string(src))
	if !slices.Equal(got, want) {
		for i := range max(len(got), len(want)) {
			var g, w bpf.RawInstruction
			if i < len(got) {
				g = got[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if g != w {
				t.Errorf("instruction %d: got %+v, want %+v", i, g, w)
			}
		}
	}
	textCheckRoundTrip(t, got)
}

func TestAssembleTextSyntax(t *testing.T) {
	ins := func(op uint16, jt, jf uint8, k uint32) bpf.RawInstruction {
		return bpf.RawInstruction{Op: op, Jt: jt, Jf: jf, K: k}
	}
	tests := []struct {
		name, src string
		want      Program
	}{
		{"labels and comments", `
			; a comment
			# a bpf_asm comment line
			// another
			start:              /* a label on its own line */
			  ld [arch]         ; arch
			  jne #AUDIT_ARCH_AARCH64, kill
			  ld [nr] /* a comment
			  spanning lines */ jeq #-1, kill
			allow: ok:  ret ALLOW
			kill:
			  ret KILL_PROCESS
			`,
			Program{
				ins(opcode.LdWAbs, 0, 0, 4),
				ins(opcode.JeqK, 0, 3, uint32(AuditArchAArch64)),
				ins(opcode.LdWAbs, 0, 0, 0),
				ins(opcode.JeqK, 1, 0, 0xffffffff),
				ins(opcode.RetK, 0, 0, uint32(ActAllow)),
				ins(opcode.RetK, 0, 0, uint32(ActKillProcess)),
			}},
		{"any case", `LD [NR]
			Jeq #audit_arch_x86_64, L, l
			L: RET Errno(0x10)
			l: ret kill`,
			Program{
				ins(opcode.LdWAbs, 0, 0, 0),
				ins(opcode.JeqK, 0, 1, uint32(AuditArchX86_64)),
				ins(opcode.RetK, 0, 0, uint32(Errno(16))),
				ins(opcode.RetK, 0, 0, 0),
			}},
		{"pseudo jumps", `
			jne #1, a
			jneq #2, a, b
			jlt x, a
			jle #3, b, a
			jnset #0x40, a
			a: b: ret a`,
			Program{
				ins(opcode.JeqK, 0, 4, 1),
				ins(opcode.JeqK, 3, 3, 2), // jneq with targets a, b: jeq jumps to b when equal
				ins(opcode.JgeX, 0, 2, 0),
				ins(opcode.JgtK, 1, 1, 3),
				ins(opcode.JsetK, 0, 0, 0x40),
				ins(opcode.RetA, 0, 0, 0),
			}},
		{"fields", `
			ld [instruction_pointer.lo]
			ld [instruction_pointer.hi]
			ld [args[0].lo]
			ld [args[5].hi]
			ld [ args [ 2 ] .lo ]
			.order big
			ld [instruction_pointer.lo]
			ld [args[0].lo]
			ld [args[5].hi]
			.order little
			ld [args[1].lo]
			ldh [nr]
			ret a`,
			Program{
				ins(opcode.LdWAbs, 0, 0, 8), ins(opcode.LdWAbs, 0, 0, 12),
				ins(opcode.LdWAbs, 0, 0, 16), ins(opcode.LdWAbs, 0, 0, 60),
				ins(opcode.LdWAbs, 0, 0, 32),
				ins(opcode.LdWAbs, 0, 0, 12), ins(opcode.LdWAbs, 0, 0, 20), ins(opcode.LdWAbs, 0, 0, 56),
				ins(opcode.LdWAbs, 0, 0, 24),
				ins(opcode.LdHAbs, 0, 0, 0),
				ins(opcode.RetA, 0, 0, 0),
			}},
		{"actions", `
			ret ERRNO
			ret ERRNO(65535)
			ret TRAP(0x12)
			ret TRACE ( 3 )
			ret ALLOW|5
			ret KILL_THREAD|0xffff
			ret KILL_PROCESS
			ret USER_NOTIF
			ret LOG|0x1
			ret #0x7fff0000
			ret #AUDIT_ARCH_ARM`,
			Program{
				ins(opcode.RetK, 0, 0, 0x50000), ins(opcode.RetK, 0, 0, 0x5ffff),
				ins(opcode.RetK, 0, 0, 0x30012), ins(opcode.RetK, 0, 0, 0x7ff00003),
				ins(opcode.RetK, 0, 0, 0x7fff0005), ins(opcode.RetK, 0, 0, 0xffff),
				ins(opcode.RetK, 0, 0, 0x80000000), ins(opcode.RetK, 0, 0, 0x7fc00000),
				ins(opcode.RetK, 0, 0, 0x7ffc0001), ins(opcode.RetK, 0, 0, 0x7fff0000),
				ins(opcode.RetK, 0, 0, uint32(AuditArchARM)),
			}},
		{"immediates", `
			ld #0
			ld #00012
			ld #0xFFFFFFFF
			ld #-1
			ld #-0x80000000
			ldx #X32_SYSCALL_BIT
			ldxb 4*([14]&15)
			ldx 4 * ( [ 0x10 ] & 0xf )
			ld [x]
			ld #mark
			jmp end
			end: ret #4294967295`,
			Program{
				ins(opcode.LdImm, 0, 0, 0), ins(opcode.LdImm, 0, 0, 12),
				ins(opcode.LdImm, 0, 0, 0xffffffff), ins(opcode.LdImm, 0, 0, 0xffffffff),
				ins(opcode.LdImm, 0, 0, 0x80000000), ins(opcode.LdxImm, 0, 0, 0x40000000),
				ins(opcode.LdxMsh, 0, 0, 14), ins(opcode.LdxMsh, 0, 0, 16),
				ins(opcode.LdWInd, 0, 0, 0), ins(opcode.LdWAbs, 0, 0, opcode.SkfAdOff+20),
				ins(opcode.Ja, 0, 0, 0), ins(opcode.RetK, 0, 0, 0xffffffff),
			}},
		{"numeric targets without numbers are positions", `
			ld [0]
			jeq #1, 3, 0004
			ja 4
			ret ALLOW
			ret KILL_PROCESS`,
			Program{
				ins(opcode.LdWAbs, 0, 0, 0), ins(opcode.JeqK, 1, 2, 1), ins(opcode.Ja, 0, 0, 1),
				ins(opcode.RetK, 0, 0, uint32(ActAllow)), ins(opcode.RetK, 0, 0, uint32(ActKillProcess)),
			}},
		{"numbered text keeps its targets when a line is inserted", `
			0000: ld   [0]
			0001: jeq  #1, 0003, 0002
			      add  #1                ; inserted
			0002: jeq  #2, 0003, 0004
			0003: ret  ALLOW
			0004: ret  KILL_PROCESS`,
			Program{
				ins(opcode.LdWAbs, 0, 0, 0), ins(opcode.JeqK, 2, 1, 1), ins(opcode.AddK, 0, 0, 1),
				ins(opcode.JeqK, 0, 1, 2),
				ins(opcode.RetK, 0, 0, uint32(ActAllow)), ins(opcode.RetK, 0, 0, uint32(ActKillProcess)),
			}},
		{"numbered text with a line removed, numbers out of order", `
			0000: ld   [0]
			0001: jeq  #1, 0007, 0005
			0007: ret  ALLOW
			5:    ret  KILL_PROCESS`,
			Program{
				ins(opcode.LdWAbs, 0, 0, 0), ins(opcode.JeqK, 0, 1, 1),
				ins(opcode.RetK, 0, 0, uint32(ActAllow)), ins(opcode.RetK, 0, 0, uint32(ActKillProcess)),
			}},
		{"insn", `
			.insn 0x15, 3, 4, 0xdeadbeef
			.insn 6, 0, 0, 0
			.insn 0xffff, 255, 255, 4294967295`,
			Program{ins(0x15, 3, 4, 0xdeadbeef), ins(6, 0, 0, 0), ins(0xffff, 255, 255, 0xffffffff)}},
		{"jump to the same target twice", `
			jset x, t, t
			t: ret a`,
			Program{ins(opcode.JsetX, 0, 0, 0), ins(opcode.RetA, 0, 0, 0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := textMustAssembleText(t, tt.src)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got  %v\nwant %v", []bpf.RawInstruction(got), []bpf.RawInstruction(tt.want))
			}
		})
	}
}

// TestAssembleTextLongJumps checks that long conditional jumps get the
// same trampolines as with Source, and that numeric targets and .insn
// count the instructions of the text.
func TestAssembleTextLongJumps(t *testing.T) {
	const fill = 300
	var b strings.Builder
	var s Source
	b.WriteString("ld [0]\njeq #1, far, 0003\n")
	s.Add(bpf.LoadAbsolute{Off: 0, Size: 4})
	s.JumpIf(bpf.JumpEqual, 1, "far", "i3")
	b.WriteString("ld #5\n")
	s.Add(bpf.LoadConstant{Dst: bpf.RegA, Val: 5})
	s.Label("i3")
	b.WriteString(".insn 0x15, 0, 1, 7\n") // index 3, a raw jump, not relocated
	s.Add(bpf.LoadConstant{Dst: bpf.RegA, Val: 99})
	for range fill {
		b.WriteString("ld #0\n")
		s.Add(bpf.LoadConstant{Dst: bpf.RegA, Val: 0})
	}
	b.WriteString("far: ret ALLOW\n")
	s.Label("far")
	s.Add(bpf.RetConstant{Val: uint32(ActAllow)})
	want := textMustAssemble(t, &s)
	// Source put a trampoline after the jeq: instruction 3 of the text is
	// instruction 4 of the program.
	if len(want) != 4+fill+2 || want[2].Op != opcode.Ja || want[4].K != 99 {
		t.Fatalf("unexpected layout from Source: %v", []bpf.RawInstruction(want[:5]))
	}
	want[4] = bpf.RawInstruction{Op: opcode.JeqK, Jf: 1, K: 7}
	got := textMustAssembleText(t, b.String())
	if !slices.Equal(got, want) {
		t.Errorf("got  %v\nwant %v", []bpf.RawInstruction(got[:6]), []bpf.RawInstruction(want[:6]))
	}
	textCheckRoundTrip(t, got)
}

func TestAssembleTextErrors(t *testing.T) {
	tests := []struct {
		src    string
		line   int
		insn   int
		reason string
	}{
		{"ret #0\nfoo", 2, 1, `unknown mnemonic "foo"`},
		{"\n\n.foo", 3, 0, `unknown directive ".foo"`},
		{"ld [x + ]", 1, 0, `expected a number, found "]"`},
		{"ld [x + 1", 1, 0, `expected "]", found end of line`},
		{"ld", 1, 0, "ld takes [k], [x + k], #k, #len or M[k], found end of line"},
		{"ldx [4]", 1, 0, `ldx takes #k, #len, M[k] or 4*([k]&0xf), found "["`},
		{"st [4]", 1, 0, `expected M[k], found "["`},
		{"ldh #1", 1, 0, "ldh takes [k] or [x + k]"},
		{"ld [args[6].lo]", 1, 0, "bad argument index"},
		{"ld [args[1]]", 1, 0, "needs .lo or .hi"},
		{"ld [pc]", 1, 0, `unknown field "pc"`},
		{"ld #AUDIT_ARCH_NOPE", 1, 0, `unknown constant "AUDIT_ARCH_NOPE"`},
		{"ld #0x100000000", 1, 0, "out of range"},
		{"ld #99999999999999999999999", 1, 0, "out of range"},
		{"ld #-0x80000001", 1, 0, "out of range"},
		{"ld #12ab", 1, 0, `bad number "12ab"`},
		{"ldx 4*([1]&0x7)", 1, 0, "mask must be 0xf"},
		{"ret FOO", 1, 0, `unknown action "FOO"`},
		{"ret ERRNO(65536)", 1, 0, "out of range"},
		{"ret ERRNO(-32769)", 1, 0, "out of range"},
		{"ret ALLOW|-0x8001", 1, 0, "out of range"},
		{"ret ALLOW(1)", 1, 0, `unexpected "(" after the operands`},
		{"ret ERRNO|1", 1, 0, `unexpected "|"`},
		{"ret x", 1, 0, `unknown action "x"`},
		{"ret #0 extra", 1, 0, `unexpected "extra" after the operands`},
		{"jeq #1", 1, 0, `expected ",", found end of line`},
		{"jeq 1, a", 1, 0, "expected #k or x"},
		{"jeq #1, 0x5\nret a", 1, 0, "must be decimal"},
		{"jeq #1, .x\nret a", 1, 0, "expected a jump target"},
		{"ret #0\n\tret\x00", 2, -1, "unexpected character '\\x00'"},
		{"ret é", 1, -1, "unexpected character 'é'"},
		{".insn 0x10000, 0, 0, 0", 1, 0, "out of range"},
		{".insn 6, 256, 0, 0", 1, 0, "out of range"},
		{".insn 6, 0, 0", 1, 0, `expected ","`},
		{".order middle", 1, 0, ".order takes little or big"},
		{"0x10: ret #0", 1, -1, "must be decimal"},
		{".x: ret #0", 1, -1, "bad label"},
		{"99999999999: ret #0", 1, -1, "too large"},
		{"ret #0\n/* open\n", 2, -1, "comment /* not closed"},
		// From Source, with the line.
		{"ja nowhere\nret #0", 1, 0, "not defined"},
		{"a: ret #0\na: ret #0", 2, -1, "defined twice"},
		{"ret #0\nfoo: ja foo\nret #0", 2, 1, "jump backward"},
		{"ja end\nret #0\nend:", 1, 0, "defined after the last instruction"},
		// Numeric targets.
		{"ja 0005\nret #0", 1, 0, "jump target 0005: no instruction 5 (the program has 2)"},
		{"0000: ja 0002\n0001: ret #0", 1, 0, "jump target 0002: no instruction is numbered 2"},
		{"0000: ld #0\n0000: ret #0", 2, -1, "defined twice"},
		{"ja 0000\nret #0", 1, 0, "jump backward"},
	}
	for _, tt := range tests {
		p, err := AssembleText(tt.src)
		var ae *AssembleError
		if !errors.As(err, &ae) {
			t.Errorf("%q: got %v, %v; want an *AssembleError", tt.src, p, err)
			continue
		}
		if ae.Line != tt.line || !strings.Contains(ae.Error(), tt.reason) {
			t.Errorf("%q: got line %d: %v\nwant line %d and %q", tt.src, ae.Line, err, tt.line, tt.reason)
		}
		if tt.insn >= 0 && ae.Insn != tt.insn {
			t.Errorf("%q: got instruction %d, want %d (%v)", tt.src, ae.Insn, tt.insn, err)
		}
		if !strings.Contains(err.Error(), "line "+strconv.Itoa(tt.line)) {
			t.Errorf("%q: error %q does not name line %d", tt.src, err, tt.line)
		}
	}
}

// TestAssembleNegativeNumbers: a negative number is the two's complement
// of its field, whether the field is an immediate (32 bits) or an action's
// data (16 bits): one rule.
func TestAssembleNegativeNumbers(t *testing.T) {
	for _, c := range [][2]string{
		{"ret ERRNO(-1)", "ret ERRNO(65535)"},
		{"ret ERRNO(-32768)", "ret ERRNO(0x8000)"},
		{"ret TRAP(-2)", "ret TRAP(0xfffe)"},
		{"ret TRACE(-0x10)", "ret TRACE(65520)"},
		{"ret ALLOW|-1", "ret ALLOW|0xffff"},
		{"ret #-1", "ret #0xffffffff"},
		{"ld [0]\njeq #-1, 2, 3\nret ALLOW\nret KILL", "ld [0]\njeq #0xffffffff, 2, 3\nret ALLOW\nret KILL"},
		{"ld #-0x80000000\nret a", "ld #0x80000000\nret a"},
	} {
		got, err := AssembleText(c[0])
		if err != nil {
			t.Errorf("%q: %v", c[0], err)
			continue
		}
		want, err := AssembleText(c[1])
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%q assembles to %v, %q to %v", c[0], got, c[1], want)
		}
	}
	// The data as the kernel reads it: ERRNO(-1) is errno 65535, which the
	// kernel clamps to MaxErrno.
	p, _ := AssembleText("ret ERRNO(-1)")
	if a := Action(p[0].K); a.Kind() != ActErrno || a.Data() != 0xffff {
		t.Errorf("ERRNO(-1) is %v", a)
	}
}

// TestDisassembleDataFlow checks when arch and syscall names are shown.
func TestDisassembleDataFlow(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // lines as printed, comments included, without the index
	}{
		{"arch names need a load of arch", `
			ld [0]
			jeq #AUDIT_ARCH_X86_64, 2, 2
			ld [4]
			tax
			st M[0]
			jeq #AUDIT_ARCH_X86_64, 6, 6
			add #0
			jeq #AUDIT_ARCH_X86_64, 8, 8
			ret a`,
			[]string{
				"ld   [0]                      ; nr",
				"jeq  #0xc000003e, 0002, 0002",
				"ld   [4]                      ; arch",
				"tax",
				"st   M[0]",
				"jeq  #AUDIT_ARCH_X86_64, 0006, 0006",
				"add  #0",
				"jeq  #0xc000003e, 0008, 0008",
				"ret  a",
			}},
		{"names need one arch", `
			ld [0]
			jeq #1, 2, 2
			ld [4]
			jeq #AUDIT_ARCH_I386, 4, 6
			ld [0]
			jeq #1, 6, 6
			ld [0]
			jeq #1, 8, 8
			ret a`,
			[]string{
				"ld   [0]                      ; nr",
				"jeq  #1, 0002, 0002",
				"ld   [4]                      ; arch",
				"jeq  #AUDIT_ARCH_I386, 0004, 0006",
				"ld   [0]                      ; nr",
				"jeq  #1, 0006, 0006           ; exit (i386)",
				"ld   [0]                      ; nr",
				"jeq  #1, 0008, 0008",
				"ret  a",
			}},
		{"the false side of an arch test", `
			ld [4]
			jeq #AUDIT_ARCH_X86_64, 3, 2
			jeq #AUDIT_ARCH_I386, 3, 12
			jeq #AUDIT_ARCH_X86_64, 12, 4
			jset #AUDIT_ARCH_I386, 5, 5
			jgt #AUDIT_ARCH_ARM, 6, 6
			ld [0]
			jge #0x40000000, 8, 8
			jeq #4, 9, 9
			jeq #0x40000000, 10, 10
			jgt #4, 11, 11
			jset #4, 12, 12
			ret a`,
			[]string{
				"ld   [4]                      ; arch",
				"jeq  #AUDIT_ARCH_X86_64, 0003, 0002",
				"jeq  #AUDIT_ARCH_I386, 0003, 0012",
				"jeq  #AUDIT_ARCH_X86_64, 0012, 0004",
				"jset #0x40000003, 0005, 0005",
				"jgt  #AUDIT_ARCH_ARM, 0006, 0006",
				"ld   [0]                      ; nr",
				"jge  #0x40000000, 0008, 0008",
				"jeq  #4, 0009, 0009           ; write (i386)",
				"jeq  #0x40000000, 0010, 0010",
				"jgt  #4, 0011, 0011",
				"jset #0x4, 0012, 0012",
				"ret  a",
			}},
		{"x32 numbers, and X32_SYSCALL_BIT only where x86_64 may be", `
			ld [4]
			jeq #AUDIT_ARCH_X86_64, 2, 5
			ld [0]
			jeq #0x40000000, 4, 4
			jge #0x40000000, 5, 5
			ld [4]
			jeq #AUDIT_ARCH_ARM, 7, 9
			ld [0]
			jge #0x40000000, 9, 9
			ret a`,
			[]string{
				"ld   [4]                      ; arch",
				"jeq  #AUDIT_ARCH_X86_64, 0002, 0005",
				"ld   [0]                      ; nr",
				"jeq  #0x40000000, 0004, 0004  ; read (x32)",
				"jge  #X32_SYSCALL_BIT, 0005, 0005",
				"ld   [4]                      ; arch",
				"jeq  #AUDIT_ARCH_ARM, 0007, 0009",
				"ld   [0]                      ; nr",
				"jge  #0x40000000, 0009, 0009",
				"ret  a",
			}},
		{"unreachable code has no names", `
			ld [4]
			jeq #AUDIT_ARCH_I386, 2, 2
			ret a
			ld [0]
			jeq #4, 5, 5
			ret a`,
			[]string{
				"ld   [4]                      ; arch",
				"jeq  #AUDIT_ARCH_I386, 0002, 0002",
				"ret  a",
				"ld   [0]                      ; nr",
				"jeq  #4, 0005, 0005",
				"ret  a",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := textMustAssembleText(t, tt.src)
			lines := strings.Split(strings.TrimSuffix(Disassemble(p), "\n"), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(tt.want), Disassemble(p))
			}
			for i, line := range lines {
				if got := line[6:]; got != tt.want[i] {
					t.Errorf("line %d:\n got %q\nwant %q", i, got, tt.want[i])
				}
			}
			textCheckRoundTrip(t, p)
		})
	}
}

// TestDisassembleBigEndian checks the names of loads for a big-endian
// target.
func TestDisassembleBigEndian(t *testing.T) {
	p := Program{
		{Op: opcode.LdWAbs, K: 8}, {Op: opcode.LdWAbs, K: 12}, {Op: opcode.LdWAbs, K: 16},
		{Op: opcode.LdWAbs, K: 20}, {Op: opcode.LdWAbs, K: 4}, {Op: opcode.RetA},
	}
	want := `.order big
0000: ld   [8]                      ; instruction_pointer.hi
0001: ld   [12]                     ; instruction_pointer.lo
0002: ld   [16]                     ; args[0].hi
0003: ld   [20]                     ; args[0].lo
0004: ld   [4]                      ; arch
0005: ret  a
`
	if got := DisassembleIn(p, binary.BigEndian); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	textCheckRoundTrip(t, p)
	// The comments used as operands mean the same.
	src := ".order big\nld [instruction_pointer.hi]\nld [instruction_pointer.lo]\nld [args[0].hi]\nld [args[0].lo]\nld [arch]\nret a"
	if q := textMustAssembleText(t, src); !slices.Equal(p, q) {
		t.Errorf("got %v, want %v", q, p)
	}
}

// textRandomProgram returns a program of n instructions: opcodes from the whole
// 16-bit space, or from the classic BPF ones, with fields that are mostly
// plausible (in-range jumps, zero unused fields, seccomp constants) and
// sometimes anything.
func textRandomProgram(r *rand.Rand, n int) Program {
	var known []uint16
	for op := range uint16(opcode.NumOpcode) {
		if opcode.GenericAllowed[op] {
			known = append(known, op)
		}
	}
	ks := []uint32{0, 1, 4, 16, 20, 60, 64, X32SyscallBit, X32SyscallBit | 1,
		uint32(AuditArchX86_64), uint32(AuditArchI386), uint32(AuditArchAArch64),
		uint32(ActAllow), uint32(Errno(1)), uint32(ActKillProcess), 0x7fff0005, 0x10000000,
		opcode.SkfAdOff, opcode.SkfAdOff + 4, 0xffff, 0x10000, 0xffffffff}
	p := make(Program, n)
	for i := range p {
		var in bpf.RawInstruction
		switch r.Intn(10) {
		case 0:
			in.Op = uint16(r.Intn(0x10000))
		case 1:
			in.Op = uint16(r.Intn(0x100))
		case 2:
			in.Op = []uint16{opcode.LdWAbs, opcode.JeqK, opcode.RetK}[r.Intn(3)]
		default:
			in.Op = known[r.Intn(len(known))]
		}
		switch r.Intn(4) {
		case 0:
			in.K = r.Uint32()
		case 1:
			in.K = uint32(r.Intn(n + 2))
		default:
			in.K = ks[r.Intn(len(ks))]
		}
		if opcode.IsCondJump(in.Op) || r.Intn(8) == 0 {
			in.Jt, in.Jf = uint8(r.Intn(min(n-i+1, 256))), uint8(r.Intn(min(n-i+1, 256)))
			if r.Intn(8) == 0 {
				in.Jt, in.Jf = uint8(r.Intn(256)), uint8(r.Intn(256))
			}
		}
		if r.Intn(3) > 0 && (in.Op == opcode.RetK || in.Op == opcode.RetA) {
			in.Jt, in.Jf = 0, 0
		}
		p[i] = in
	}
	return p
}

func TestRoundTripRandom(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	iters := 5000
	if testing.Short() {
		iters = 500
	}
	for range iters {
		n := 1 + r.Intn(40)
		if r.Intn(50) == 0 {
			n = 250 + r.Intn(300)
		}
		textCheckRoundTrip(t, textRandomProgram(r, n))
	}
}

// TestRoundTripSeccompShaped round-trips programs built from the pieces
// filters use, where the data flow has something to track.
func TestRoundTripSeccompShaped(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for range 2000 {
		n := 2 + r.Intn(30)
		p := make(Program, n)
		for i := range p {
			left := n - i - 1
			switch r.Intn(6) {
			case 0:
				p[i] = bpf.RawInstruction{Op: opcode.LdWAbs, K: uint32(4 * r.Intn(3))}
			case 1, 2:
				if left == 0 {
					p[i] = bpf.RawInstruction{Op: opcode.RetK, K: uint32(ActAllow)}
					continue
				}
				ks := []uint32{uint32(AuditArchX86_64), uint32(AuditArchI386), X32SyscallBit, 0, 1, 4, X32SyscallBit | 1}
				op := []uint16{opcode.JeqK, opcode.JeqK, opcode.JgeK, opcode.JsetK}[r.Intn(4)]
				p[i] = bpf.RawInstruction{Op: op, Jt: uint8(r.Intn(left)), Jf: uint8(r.Intn(left)), K: ks[r.Intn(len(ks))]}
			case 3:
				if left > 0 {
					p[i] = bpf.RawInstruction{Op: opcode.Ja, K: uint32(r.Intn(left))}
				}
			case 4:
				p[i] = bpf.RawInstruction{Op: opcode.Tax}
			default:
				p[i] = bpf.RawInstruction{Op: opcode.RetK, K: uint32(Errno(uint16(r.Intn(40))))}
			}
		}
		textCheckRoundTrip(t, p)
	}
}

// TestRoundTripRawBytes decodes random bytes as the fuzz target does.
func TestRoundTripRawBytes(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for range 2000 {
		b := make([]byte, 8*r.Intn(20))
		r.Read(b)
		p, err := DecodeRaw(b, binary.LittleEndian)
		if err != nil {
			t.Fatal(err)
		}
		textCheckRoundTrip(t, p)
	}
}

// TestDisassembleBoundariesNameNoCall: a jge or jgt on the system call
// number splits the numbers at a boundary, and its comment names no system
// call (getitimer is 36 on x86_64, and jge #36 is not about it); a jeq
// names the call it tests.
func TestDisassembleBoundariesNameNoCall(t *testing.T) {
	p, err := AssembleText(`
		ld [arch]
		jne #AUDIT_ARCH_X86_64, kill
		ld [nr]
		jge #36, high
		jeq #1, allow
		ret ERRNO(1)
	high:	jgt #39, kill
		ret ALLOW
	allow:	ret ALLOW
	kill:	ret KILL_PROCESS`)
	if err != nil {
		t.Fatal(err)
	}
	text := Disassemble(p)
	for _, line := range strings.Split(text, "\n") {
		if (strings.Contains(line, "jge") || strings.Contains(line, "jgt")) && strings.Contains(line, ";") {
			t.Errorf("a boundary with a comment: %q", line)
		}
	}
	if !strings.Contains(text, "jeq  #1, 0008, 0005           ; write (x86_64)") {
		t.Errorf("jeq #1 does not name write:\n%s", text)
	}
}

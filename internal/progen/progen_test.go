package progen

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"golang.org/x/net/bpf"
)

// validByConstruction checks what Valid promises, with the kernel's rules
// written out independently of the generator's own bookkeeping.
func validByConstruction(p []bpf.RawInstruction) string {
	n := len(p)
	if n == 0 || n > MaxInsns {
		return "length"
	}
	seccomp := map[uint16]bool{}
	for _, op := range SeccompOpcodes {
		seccomp[op] = true
	}
	for pc, in := range p {
		switch {
		case !seccomp[in.Op]:
			return "opcode"
		case in.Op == OpLdWAbs && (in.K >= SizeData || in.K%4 != 0):
			return "load offset"
		case in.Op == OpDivK && in.K == 0:
			return "div 0"
		case (in.Op == OpLshK || in.Op == OpRshK) && in.K >= 32:
			return "shift"
		case in.Op == OpJa && uint64(in.K) >= uint64(n-pc-1):
			return "ja range"
		case IsCondJump(in.Op) && (pc+int(in.Jt)+1 >= n || pc+int(in.Jf)+1 >= n):
			return "jcond range"
		}
	}
	if last := p[n-1].Op; last != OpRetK && last != OpRetA {
		return "no return"
	}
	valid, ok := ScratchValid(p)
	if !ok {
		return "scratch index"
	}
	for pc, in := range p {
		if (in.Op == OpLdMem || in.Op == OpLdxMem) && valid[pc]&(1<<in.K) == 0 {
			return "scratch read"
		}
	}
	return ""
}

func TestValidIsValid(t *testing.T) {
	for i := range 3000 {
		g := New(1, uint64(i))
		p := g.Valid(Config{Len: g.Length(), Junk: 0.1, Quirks: i%2 == 0})
		if why := validByConstruction(p); why != "" {
			t.Fatalf("case %d: %s\n%s", i, why, Format(p))
		}
	}
}

func TestEmuCase(t *testing.T) {
	cfg := EmuConfig{Arch: 0xc000003e, IP: 0x4a1b2c, Nr: NrUnimplementedX86_64, MaxLen: 4088, Inputs: 5}
	for i := range 3000 {
		p, in := New(2, uint64(i)).EmuCase(cfg)
		if why := validByConstruction(p); why != "" {
			t.Fatalf("case %d: %s\n%s", i, why, Format(p))
		}
		if len(p) > cfg.MaxLen || len(in) != cfg.Inputs {
			t.Fatalf("case %d: %d instructions, %d inputs", i, len(p), len(in))
		}
		for _, d := range in {
			if d.Arch != cfg.Arch || d.IP != cfg.IP {
				t.Fatalf("case %d: input %v", i, d)
			}
		}
	}
}

func TestNrUnimplemented(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for range 100000 {
		nr := uint32(NrUnimplementedX86_64(r))
		if nr < 1000 || nr == 0xffffffff || (nr >= 0x40000000 && nr < 0x40000000+1000) {
			t.Fatalf("nr %#x", nr)
		}
	}
}

func TestDeterministic(t *testing.T) {
	for i := range 200 {
		p1, k1 := New(7, uint64(i)).Case()
		p2, k2 := New(7, uint64(i)).Case()
		if k1 != k2 || !reflect.DeepEqual(p1, p2) {
			t.Fatalf("case %d differs", i)
		}
	}
}

// TestCoverage checks that the corpus reaches every kind and every opcode
// byte, and that the kinds meant valid are valid.
func TestCoverage(t *testing.T) {
	var kinds [NumKinds]int
	var ops [256]bool
	for i := range 20000 {
		p, k := New(9, uint64(i)).Case()
		kinds[k]++
		for _, in := range p {
			if in.Op < 256 {
				ops[in.Op] = true
			}
		}
		if k == Valid || k == ValidQuirk || k == ValidEdge {
			if why := validByConstruction(p); why != "" {
				t.Errorf("case %d (%v): %s\n%s", i, k, why, Format(p))
			}
		}
	}
	for k, n := range kinds {
		if n == 0 {
			t.Errorf("kind %v never generated", Kind(k))
		}
	}
	for op, seen := range ops {
		if !seen {
			t.Errorf("opcode %#x never generated", op)
		}
	}
}

func TestFormat(t *testing.T) {
	p := []bpf.RawInstruction{{Op: OpLdWAbs, K: 4}, {Op: OpJeqK, Jt: 0, Jf: 1, K: 0xc000003e}, {Op: OpRetK, K: RetAllow}, {Op: 0x1234}}
	want := "struct sock_filter prog[4] = {\n" +
		"\t/*    0 */ { 0x20,   0,   0, 0x00000004 }, // ld [4]\n" +
		"\t/*    1 */ { 0x15,   0,   1, 0xc000003e }, // jeq #0xc000003e, +0, +1\n" +
		"\t/*    2 */ { 0x06,   0,   0, 0x7fff0000 }, // ret #0x7fff0000\n" +
		"\t/*    3 */ { 0x1234,   0,   0, 0x00000000 }, // (opcode 0x1234)\n" +
		"};"
	if got := Format(p); got != want {
		t.Errorf("Format:\n%s\nwant\n%s", got, want)
	}
}

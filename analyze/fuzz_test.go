package analyze

import (
	"encoding/binary"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/seccomp-go/seccomp"
)

// fuzzSeeds adds the raw programs of testdata and a few written here.
func fuzzSeeds(f *testing.F) {
	for _, path := range []string{
		"../testdata/cmd/allowlist.bpf",
		"../testdata/analyze/libseccomp_allow.bpf",
		"../testdata/analyze/libseccomp_deny.bpf",
	} {
		if b, err := os.ReadFile(path); err == nil {
			f.Add(b)
		}
	}
	for _, src := range []string{
		"ld [nr]\njeq #1, a\nret ERRNO(1)\na: ret ALLOW",
		"ld [args[0].lo]\nadd #4\ntax\nld [args[1].hi]\ndiv x\njgt #7, a\nret ALLOW\na: ld M[0]\nret a",
		"ld [arch]\njset #0x40000000, a\nld [instruction_pointer.hi]\nst M[1]\nldx M[1]\ntxa\nret a\na: ld [args[5].lo]\nand #0xff\njeq #3, b\nret KILL\nb: ret TRAP(4)",
	} {
		p, err := seccomp.AssembleText(src)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(p.AppendRaw(nil, binary.LittleEndian))
	}
}

// Any raw program: the analysis never panics and ends; for a valid program
// its decisions agree with the emulator, a program does not differ from
// itself, and the audit and the graph are made.
func FuzzAnalyze(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, _ := seccomp.DecodeRaw(data[:len(data)/8*8], binary.LittleEndian)
		_ = Dot(p)
		opts := &Options{Arches: []*seccomp.Arch{seccomp.ArchX86_64}, MaxPaths: 64, MaxWork: 1 << 20}
		r, err := Analyze(p, opts)
		if seccomp.Verify(p) != nil {
			if err == nil {
				t.Fatal("Analyze accepted a program the kernel refuses")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		h := fnv.New64a()
		h.Write(data)
		rng := rand.New(rand.NewPCG(h.Sum64(), 1))
		inputs := edgeInputs(p)
		rng.Shuffle(len(inputs), func(i, j int) { inputs[i], inputs[j] = inputs[j], inputs[i] })
		inputs = inputs[:min(len(inputs), 48)]
		for i := range inputs {
			switch rng.IntN(4) {
			case 0:
				inputs[i].Nr = int32(rng.IntN(400))
			case 1:
				inputs[i].Nr = int32(p[rng.IntN(len(p))].K)
			case 2:
				inputs[i].Arch = seccomp.AuditArch(p[rng.IntN(len(p))].K)
				inputs[i].Nr = int32(p[rng.IntN(len(p))].K)
			}
		}
		checkAgainstEmulator(t, p, r, inputs)
		_ = r.Audit()
		// A program never differs from itself: where the solver gives up
		// the diff may say TooComplex, never list a change.
		checkNoSelfChange(t, p, DiffReports(r, r, opts))
	})
}

// checkNoSelfChange fails if the diff of a program with itself lists a
// change.
func checkNoSelfChange(t *testing.T, p seccomp.Program, d *DiffReport) {
	t.Helper()
	var ranges []*RangeDiff
	for _, a := range d.Arches {
		for _, s := range a.Syscalls {
			if len(s.Changes) > 0 {
				t.Fatalf("a program differs from itself on %s: %v\n%s", s.Name, s.Changes, seccomp.Disassemble(p))
			}
		}
		ranges = append(ranges, a.Other...)
	}
	for _, g := range append(ranges, d.BadArch...) {
		if len(g.Changes) > 0 {
			t.Fatalf("a program differs from itself on %#x-%#x: %v\n%s", g.Lo, g.Hi, g.Changes, seccomp.Disassemble(p))
		}
	}
}

// Any raw program can be drawn.
func FuzzDot(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, _ := seccomp.DecodeRaw(data[:len(data)/8*8], binary.LittleEndian)
		if s := Dot(p); len(s) == 0 {
			t.Fatal("empty graph")
		}
	})
}

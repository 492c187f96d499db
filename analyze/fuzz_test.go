package analyze

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp"
	"golang.org/x/net/bpf"
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

// Any raw program can be drawn, and the drawing is the program: every
// instruction in exactly one block, in order; for a program the kernel
// accepts, the edges out of each block are the ways out of its last
// instruction (decoded by x/net/bpf, not by Dot) and the blocks no path
// reaches are the dashed ones.
func FuzzDot(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, _ := seccomp.DecodeRaw(data[:len(data)/8*8], binary.LittleEndian)
		checkDot(t, p, Dot(p))
	})
}

var (
	dotNode = regexp.MustCompile(`^\tb(\d+) \[label="((?:[^"\\]|\\.)*)"(.*)\];$`)
	dotEdge = regexp.MustCompile(`^\tb(\d+) -> (b\d+|past_end)(?: \[label="(true|false|always)"(?:, style=dashed)?\])?;$`)
)

func checkDot(t *testing.T, p seccomp.Program, g string) {
	t.Helper()
	const head = "digraph seccomp {\n\tnode [shape=box, fontname=\"monospace\", fontsize=10];\n\tedge [fontname=\"monospace\", fontsize=9];\n"
	if !strings.HasPrefix(g, head) || !strings.HasSuffix(g, "\n}\n") {
		t.Fatalf("not a dot graph:\n%s", g)
	}
	lines := strings.Split(strings.TrimSuffix(strings.TrimPrefix(g, head), "}\n"), "\n")
	lines = lines[:len(lines)-1] // the empty string after the last newline
	var starts []int             // block starts, in order
	dashed := map[int]bool{}
	edges := map[int][]string{}
	var labels strings.Builder
	pastEnd := false
	for _, l := range lines {
		if m := dotNode.FindStringSubmatch(l); m != nil {
			b, _ := strconv.Atoi(m[1])
			starts = append(starts, b)
			dashed[b] = strings.Contains(m[3], "dashed")
			labels.WriteString(strings.ReplaceAll(strings.ReplaceAll(m[2], `\l`, "\n"), `\"`, `"`))
			continue
		}
		if m := dotEdge.FindStringSubmatch(l); m != nil {
			b, _ := strconv.Atoi(m[1])
			edges[b] = append(edges[b], m[2])
			continue
		}
		if l == "\tpast_end [label=\"past the last instruction\", shape=octagon, color=red];" {
			pastEnd = true
			continue
		}
		t.Fatalf("line %q is neither a node nor an edge:\n%s", l, g)
	}
	// Every instruction once, in order (Disassemble's lines, escaping undone).
	if want := seccomp.Disassemble(p); strings.ReplaceAll(labels.String(), `\\`, `\`) != want {
		t.Fatalf("the blocks' labels are not the program:\n%s\nwant:\n%s", labels.String(), want)
	}
	blockOf := make([]int, len(p))
	for i, s := range starts {
		end := len(p)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		if s >= end || (i == 0 && s != 0) {
			t.Fatalf("block b%d is empty or the blocks skip instructions:\n%s", s, g)
		}
		for pc := s; pc < end; pc++ {
			blockOf[pc] = s
		}
	}
	usesPastEnd := false
	for _, es := range edges {
		for _, e := range es {
			if e == "past_end" {
				usesPastEnd = true
			} else if b, _ := strconv.Atoi(e[1:]); b >= len(p) || blockOf[b] != b {
				t.Fatalf("edge to %s, which starts no block:\n%s", e, g)
			}
		}
	}
	if usesPastEnd != pastEnd {
		t.Fatalf("edges to past_end %t, node past_end %t:\n%s", usesPastEnd, pastEnd, g)
	}
	if seccomp.Verify(p) != nil {
		return
	}
	// A valid program: the ways out of each block's last instruction, and
	// reachability, from an independent decoder.
	succ := func(pc int) []int {
		switch in := p[pc].Disassemble().(type) {
		case bpf.RetConstant, bpf.RetA:
			return nil
		case bpf.Jump:
			return []int{pc + 1 + int(in.Skip)}
		case bpf.JumpIf:
			return []int{pc + 1 + int(in.SkipTrue), pc + 1 + int(in.SkipFalse)}
		case bpf.JumpIfX:
			return []int{pc + 1 + int(in.SkipTrue), pc + 1 + int(in.SkipFalse)}
		}
		return []int{pc + 1}
	}
	reach := make([]bool, len(p))
	reach[0] = true
	for pc := range p {
		if reach[pc] {
			for _, s := range succ(pc) {
				reach[s] = true
			}
		}
	}
	for i, s := range starts {
		end := len(p) - 1
		if i+1 < len(starts) {
			end = starts[i+1] - 1
		}
		var want []string
		for _, n := range succ(end) {
			want = append(want, fmt.Sprintf("b%d", n))
		}
		// x/net/bpf may turn jeq into jne with the ways swapped: compare
		// the sets of ways out.
		slices.Sort(want)
		want = slices.Compact(want)
		got := slices.Sorted(slices.Values(edges[s]))
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("edges out of b%d: %v, want %v:\n%s", s, edges[s], want, g)
		}
		for pc := s; pc < end; pc++ {
			if succ(pc) == nil || len(succ(pc)) > 1 || succ(pc)[0] != pc+1 {
				t.Fatalf("b%d goes on past %04d, which does not fall through:\n%s", s, pc, g)
			}
		}
		if dashed[s] != !reach[s] {
			t.Fatalf("b%d: dashed %t, reachable %t:\n%s", s, dashed[s], reach[s], g)
		}
	}
}

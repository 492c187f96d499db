package analyze

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp"
)

func changeLines(cs []Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.String())
	}
	return out
}

// The allowlist against its modified copy: open is allowed, and write to
// fd 2 gets ERRNO(1); nothing else changes.
func TestDiffAllowlist(t *testing.T) {
	a := readRaw(t, "../testdata/cmd/allowlist.bpf")
	src, err := os.ReadFile("../testdata/analyze/allowlist_v2.txt")
	if err != nil {
		t.Fatal(err)
	}
	b := asm(t, string(src))
	d, err := Diff(a, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.Empty() || len(d.BadArch) != 0 {
		t.Fatalf("empty %t, bad arch %v", d.Empty(), d.BadArch)
	}
	var got []string
	for _, ad := range d.Arches {
		for _, sd := range ad.Syscalls {
			got = append(got, ad.Arch.Name+" "+sd.Name+": "+strings.Join(changeLines(sd.Changes), "; "))
		}
		if len(ad.Other) != 0 {
			t.Errorf("%s: numbers outside the table differ: %v", ad.Arch.Name, ad.Other)
		}
	}
	want := []string{
		"x86_64 write: ALLOW -> ERRNO(1) when arg0 == 2",
		"x86_64 open: ERRNO(38) -> ALLOW",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diff:\n got  %q\n want %q", got, want)
	}
	// Diff of a program with itself is empty.
	if d, err := Diff(a, a, nil); err != nil || !d.Empty() {
		t.Errorf("Diff(a, a): %v, empty %t", err, d.Empty())
	}
}

// Actions the kernel carries out alike do not differ.
func TestDiffEffect(t *testing.T) {
	a := asm(t, "ld [arch]\njne #AUDIT_ARCH_AARCH64, kill\nld [nr]\njeq #1, w\nret ALLOW\nw: ret ERRNO(5000)\nkill: ret #0x10000000")
	b := asm(t, "ld [arch]\njne #AUDIT_ARCH_AARCH64, kill\nld [nr]\njeq #1, w\nret ALLOW|0x5\nw: ret ERRNO(4095)\nkill: ret KILL_PROCESS")
	d, err := Diff(a, b, nil)
	if err != nil || !d.Empty() {
		t.Errorf("Diff: %v, empty %t", err, d.Empty())
	}
}

// For random pairs of filters and random inputs, the programs decide
// differently exactly when one of the changes holds, and then the change
// names both actions.
func TestDiffMatchesEmulator(t *testing.T) {
	n := 150
	if testing.Short() {
		n = 30
	}
	differing := 0
	for seed := range n {
		g := &filterGen{rng: rand.New(rand.NewPCG(uint64(seed), 9))}
		var fa, fb *seccomp.Filter
		var pa, pb seccomp.Program
		for {
			g.values = nil
			fa = g.filter()
			var err error
			if pa, err = fa.Compile(); err != nil {
				continue
			}
			// b: a's rules, one changed or added, sharing a's values.
			fb = seccomp.NewFilter(fa.DefaultAction(), fa.Arches()...)
			fb.SetBadArchAction(fa.BadArchAction())
			rules := fa.Rules()
			if len(rules) > 0 && g.rng.IntN(2) == 0 {
				rules[g.rng.IntN(len(rules))].Action = g.action()
			} else {
				extra := g.filter().Rules()
				if len(extra) > 0 {
					rules = append(rules, extra[0])
				}
			}
			fb.Add(rules...)
			if pb, err = fb.Compile(); err == nil {
				break
			}
		}
		d, err := Diff(pa, pb, nil)
		if err != nil {
			t.Fatal(err)
		}
		ea, eb := seccomp.MustEmulator(pa), seccomp.MustEmulator(pb)
		arches := append(fa.Arches(), fb.Arches()...)
		for range 300 {
			in := g.input(arches)
			x, y := ea.Run(in).Action, eb.Run(in).Action
			cs, complex := d.changesFor(&in)
			if complex {
				continue
			}
			var hit []Change
			for _, c := range cs {
				if c.holds(&in) {
					hit = append(hit, c)
				}
			}
			if effect(x) == effect(y) {
				if len(hit) != 0 {
					t.Fatalf("seed %d, input %+v: both return %v, but changes hold: %v", seed, in, x, hit)
				}
				continue
			}
			differing++
			if len(hit) != 1 || hit[0].From.Action != x || hit[0].To.Action != y {
				t.Fatalf("seed %d, input %+v: %v -> %v, changes holding: %v\na:\n%s\nb:\n%s", seed, in, x, y, hit,
					seccomp.Disassemble(pa), seccomp.Disassemble(pb))
			}
		}
	}
	if differing < n {
		t.Errorf("only %d inputs were decided differently", differing)
	}
}

// changesFor returns the changes that cover d's call, and whether it was
// too complex to compare.
func (d *DiffReport) changesFor(in *seccomp.Data) ([]Change, bool) {
	nr := uint32(in.Nr)
	for _, ad := range d.Arches {
		if ad.Arch.AuditArch != in.Arch {
			continue
		}
		if lo, hi := space(ad.Arch); nr < lo || nr > hi {
			continue
		}
		for _, sd := range ad.Syscalls {
			if uint32(sd.Nr) == nr {
				return sd.Changes, sd.TooComplex
			}
		}
		for _, rd := range ad.Other {
			if rd.Lo <= nr && nr <= rd.Hi {
				return rd.Changes, rd.TooComplex
			}
		}
		return nil, false // a call of the table without changes
	}
	for _, rd := range d.BadArch {
		if rd.LittleEndian == in.Arch.LittleEndian() {
			return rd.Changes, rd.TooComplex
		}
	}
	return nil, false
}

func (c Change) holds(d *seccomp.Data) bool {
	if c.When == nil {
		return true
	}
	for _, w := range c.When {
		if All(w, d) {
			return true
		}
	}
	return false
}

// When the solver runs out of work, the diff says the call may differ
// (TooComplex) and lists no change it could not prove: a program never
// differs from itself, however small the budget.
func TestDiffOutOfWorkIsUnknown(t *testing.T) {
	p := readRaw(t, "../testdata/cmd/allowlist.bpf")
	r, err := Analyze(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, work := range []int{1, 2, 16, 1 << 8} {
		d := DiffReports(r, r, &Options{MaxWork: work})
		checkNoSelfChange(t, p, d)
		if work == 1 && d.Empty() {
			t.Errorf("MaxWork 1: the diff claims the programs are the same, which it cannot have proved")
		}
	}
	// With the default budget the same diff is proved empty.
	if d := DiffReports(r, r, nil); !d.Empty() {
		t.Errorf("default budget: not empty")
	}
}

package analyze

import (
	"slices"
	"strings"

	"github.com/seccomp-go/seccomp"
)

// Change is a set of inputs on which two programs decide differently.
type Change struct {
	From, To Decision // what the first and the second program return (When unset)
	// When lists alternatives, as Decision.When does; nil means every
	// input of the call (or range).
	When [][]Cond
}

// String prints "ALLOW -> ERRNO(1) when arg0 == 2".
func (c Change) String() string {
	s := c.From.ActionString() + " -> " + c.To.ActionString()
	if c.When != nil {
		d := Decision{When: c.When}
		w := d.String()
		s += w[len(d.ActionString()):]
	}
	return s
}

// SyscallDiff is a system call two programs decide differently.
type SyscallDiff struct {
	Name    string
	Nr      int32
	Changes []Change
	// TooComplex reports that the call may differ in ways not listed in
	// Changes: one of the programs was too complex to analyze for it, or
	// the solver ran out of work deciding whether two of their paths
	// meet. Every listed Change is real.
	TooComplex bool
}

// RangeDiff is a range of numbers two programs decide differently.
type RangeDiff struct {
	Lo, Hi       uint32
	LittleEndian bool // see Range.LittleEndian
	Changes      []Change
	TooComplex   bool
}

// ArchDiff is what changes for one arch.
type ArchDiff struct {
	Arch     *seccomp.Arch
	Syscalls []*SyscallDiff // the calls that differ, by number
	Other    []*RangeDiff   // the numbers outside the table that differ
}

// DiffReport is where two programs decide differently.
type DiffReport struct {
	// Arches lists every arch analyzed, those without differences
	// included (with no Syscalls nor Other).
	Arches []*ArchDiff
	// BadArch lists the differences for calls from the arches neither
	// program was analyzed for: ranges of every number, as Report.BadArch.
	BadArch []*RangeDiff
}

// Empty reports whether the programs decide the same for every input.
func (d *DiffReport) Empty() bool {
	for _, a := range d.Arches {
		if len(a.Syscalls) > 0 || len(a.Other) > 0 {
			return false
		}
	}
	return len(d.BadArch) == 0
}

// Diff analyzes both programs on the same arches (those opts gives, or
// the union of those DetectArches finds in each) and returns where their
// decisions differ. Decisions count as equal when the kernel carries them
// out alike: ALLOW and ALLOW|0x5, ERRNO(4095) and ERRNO(5000), an unknown
// action and KILL_PROCESS.
func Diff(a, b seccomp.Program, opts *Options) (*DiffReport, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Arches == nil {
		o.Arches = withSiblings(append(DetectArches(a), DetectArches(b)...))
		if len(o.Arches) == 0 {
			n, err := seccomp.NativeArch()
			if err != nil {
				n = seccomp.ArchX86_64
			}
			o.Arches = []*seccomp.Arch{n}
		}
	}
	ra, err := Analyze(a, &o)
	if err != nil {
		return nil, err
	}
	rb, err := Analyze(b, &o)
	if err != nil {
		return nil, err
	}
	return DiffReports(ra, rb, &o), nil
}

// DiffReports compares two reports made with the same arches.
func DiffReports(ra, rb *Report, opts *Options) *DiffReport {
	budget := 1 << 26
	if opts != nil && opts.MaxWork > 0 {
		budget = opts.MaxWork
	}
	e := &engine{sol: &solver{budget: budget}, intern: interner{}, memo: map[string][]Decision{}}
	out := &DiffReport{}
	for _, aa := range ra.Arches {
		ab := rb.Arch(aa.Arch.Name)
		if ab == nil {
			continue
		}
		ad := &ArchDiff{Arch: aa.Arch}
		for i, sa := range aa.Syscalls {
			if i >= len(ab.Syscalls) || ab.Syscalls[i].Nr != sa.Nr {
				continue
			}
			sb := ab.Syscalls[i]
			ch, complex := e.changes(sa.paths, sb.paths, nil, sa.TooComplex || sb.TooComplex)
			if len(ch) > 0 || complex {
				ad.Syscalls = append(ad.Syscalls, &SyscallDiff{Name: sa.Name, Nr: sa.Nr, Changes: ch, TooComplex: complex})
			}
		}
		for i, ga := range aa.Other {
			if i >= len(ab.Other) || ab.Other[i].Lo != ga.Lo || ab.Other[i].Hi != ga.Hi {
				continue
			}
			gb := ab.Other[i]
			ch, complex := e.changes(ga.paths, gb.paths, ga.given, ga.TooComplex || gb.TooComplex)
			if len(ch) > 0 || complex {
				ad.Other = append(ad.Other, &RangeDiff{Lo: ga.Lo, Hi: ga.Hi, LittleEndian: ga.LittleEndian, Changes: ch, TooComplex: complex})
			}
		}
		out.Arches = append(out.Arches, ad)
	}
	for i, ga := range ra.BadArch {
		if i >= len(rb.BadArch) {
			break
		}
		gb := rb.BadArch[i]
		ch, complex := e.changes(ga.paths, gb.paths, ga.given, ga.TooComplex || gb.TooComplex)
		if len(ch) > 0 || complex {
			out.BadArch = append(out.BadArch, &RangeDiff{Lo: ga.Lo, Hi: ga.Hi, LittleEndian: ga.LittleEndian, Changes: ch, TooComplex: complex})
		}
	}
	return out
}

// effect returns the action as the kernel carries it out, data it ignores
// dropped and errno clamped.
func effect(a seccomp.Action) seccomp.Action {
	a = a.Effective()
	switch a.Kind() {
	case seccomp.ActKillProcess, seccomp.ActKillThread, seccomp.ActUserNotif, seccomp.ActLog, seccomp.ActAllow:
		return a.Kind()
	case seccomp.ActErrno:
		if a.Data() > seccomp.MaxErrno {
			return seccomp.Errno(seccomp.MaxErrno)
		}
	}
	return a
}

func sameEffect(p, q *path) bool {
	if p.retA != nil || q.retA != nil {
		if p.retA == nil || q.retA == nil {
			return false
		}
		tp, tq := p.retA.text(), q.retA.text()
		return tp == tq && !strings.Contains(tp, "…")
	}
	return effect(p.action) == effect(q.action)
}

// changes returns where two sets of paths over the same inputs differ.
func (e *engine) changes(pa, pb []path, given []atom, complex bool) ([]Change, bool) {
	var joined []path
	for i := range pa {
		for j := range pb {
			p, q := &pa[i], &pb[j]
			if sameEffect(p, q) {
				continue
			}
			if contradict(p.comps, q.comps) {
				continue
			}
			as := append(append(append([]atom(nil), given...), p.atoms...), q.atoms...)
			switch e.limited(func() answer { return e.sol.satAll(as) }) {
			case unsat:
				continue
			case unknown:
				// The solver ran out of work: the pair may or may not
				// meet. Say so (complex), never report it as a change.
				complex = true
				continue
			}
			joined = append(joined, path{
				atoms: append(slices.Clone(p.atoms), q.atoms...),
				comps: append(slices.Clone(p.comps), q.comps...),
				from:  p, to: q, noCache: "diff",
			})
		}
	}
	s := &simplifier{e: e, given: given}
	ds, reps := s.compute(joined, false)
	out := make([]Change, len(ds))
	for i, d := range ds {
		out[i] = Change{From: decisionOf(reps[i].from), To: decisionOf(reps[i].to), When: d.When}
	}
	return out, complex
}

// contradict reports whether a computed condition of a is the negation of
// one of b.
func contradict(a, b []catom) bool {
	for _, x := range a {
		for _, y := range b {
			budget := 1 << 12
			if x.neg != y.neg && x.jop == y.jop && x.a.equal(y.a, &budget) && x.b.equal(y.b, &budget) {
				return true
			}
		}
	}
	return false
}

func decisionOf(p *path) Decision {
	d := Decision{Action: p.action, ret: p.retA}
	if p.retA != nil {
		d.Action = 0
		d.Computed = p.retA.text()
		if strings.Contains(d.Computed, "…") {
			d.Computed = "(computed)"
		}
	}
	return d
}

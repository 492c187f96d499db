package analyze

import (
	"slices"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/uapi"
)

// Options tune an analysis. The zero value (or nil) is the default.
type Options struct {
	// Arches are the arches to analyze. Nil means those DetectArches
	// finds. x86_64 and x32 share an audit arch token, so either brings the
	// other.
	Arches []*seccomp.Arch
	// MaxPaths bounds the paths through the program explored for one
	// system call (or one range of numbers); beyond it the call's decision
	// is reported as too complex. Zero means 1024.
	MaxPaths int
	// Kernel, when set, is the kernel release the program is meant for:
	// Audit then says which allowed calls it lacks (CheckKernel), by the
	// release that added each call (seccomp.Arch.SyscallSince).
	Kernel seccomp.Release
	// MaxWork bounds the whole analysis, in steps (an instruction executed
	// or a node of the constraint solver); when it runs out, what is left
	// is reported as too complex. Zero means 1<<28, some seconds.
	MaxWork int
}

// Report is what a program decides, recovered from the program itself.
type Report struct {
	// Arches are the arches analyzed, in the order of seccomp.Arches.
	Arches []*ArchReport
	// BadArch is what calls get whose audit arch token is none of the
	// analyzed arches': two ranges of every number, for the tokens with the
	// little-endian bit and for those without (the byte order of
	// seccomp_data follows the token, as in seccomp.Emulator). Their
	// decisions may have conditions on arch and nr.
	BadArch []*Range
	// Detected reports that the arches were found in the program (see
	// DetectArches) rather than given; when the program compares arch with
	// no known token, the native arch (or x86_64) is analyzed.
	Detected bool
	// Unreachable lists the instructions no input reaches (see
	// Unreachable), when Complete.
	Unreachable []Unreachable
	// Complete reports that every part of the analysis finished: no call
	// was too complex.
	Complete bool

	prog   seccomp.Program
	kernel seccomp.Release // Options.Kernel
}

// ArchReport is what a program decides for the calls of one arch.
type ArchReport struct {
	Arch *seccomp.Arch
	// Syscalls lists the arch's system calls, by number.
	Syscalls []*Syscall
	// Other lists the numbers the arch's table does not have, in ranges
	// (for x86_64 the numbers without the x32 bit, for x32 those with it,
	// up to 0xffffffff, which is -1).
	Other []*Range
	// Default is the decision most of the arch's system calls get, nil if
	// they differ too much to say (no decision is shared by two calls).
	Default []Decision
}

// Syscall is what a program decides for one system call of an arch.
type Syscall struct {
	Name string
	Nr   int32 // as seccomp_data.nr has it (with X32SyscallBit for x32)
	// Decisions partition the inputs: for each call exactly one is taken.
	Decisions []Decision
	// TooComplex reports that the program has too many paths for the call
	// (Options.MaxPaths) or that the analysis ran out of work; Decisions
	// is then incomplete.
	TooComplex bool
	// Cacheable reports that the kernel's action cache serves the call:
	// the program returns exactly ALLOW for it whatever its arguments, on a
	// path that loads only nr and arch and uses only the instructions the
	// cache's emulator follows (Linux 5.11 and later; never for x32).
	Cacheable bool
	// NoCache says why a call the program always allows is not Cacheable
	// ("instruction 12 loads arg0.hi"), and is empty otherwise.
	NoCache string
	// ArchUnchecked reports that some input reaches an action that lets
	// the call run (ALLOW or LOG) without the program loading arch.
	ArchUnchecked bool

	paths []path
}

// Range is what a program decides for a range of system call numbers.
type Range struct {
	Lo, Hi     uint32 // the numbers, as unsigned seccomp_data.nr
	Decisions  []Decision
	TooComplex bool
	// ArchUnchecked: see Syscall.
	ArchUnchecked bool
	// LittleEndian is the byte order of seccomp_data for the calls of the
	// range (it tells the two ranges of Report.BadArch apart).
	LittleEndian bool

	given []atom
	paths []path
}

// Unreachable is an instruction no input reaches.
type Unreachable struct {
	PC int
	// Structural reports that no jump leads there at all; otherwise the
	// jumps that lead there are never taken for any input.
	Structural bool
}

// DetectArches returns the arches whose audit arch token the program
// compares with a constant (in the order of seccomp.Arches), with x32
// whenever x86_64 is found.
func DetectArches(p seccomp.Program) []*seccomp.Arch {
	mayHoldArch := archInA(p)
	tokens := map[seccomp.AuditArch]bool{}
	for i, in := range p {
		if in.Op&clsMask == clsJMP && in.Op&srcX == 0 && in.Op != opJa && mayHoldArch[i] {
			tokens[seccomp.AuditArch(in.K)] = true
		}
	}
	var out []*seccomp.Arch
	for _, a := range seccomp.Arches() {
		if tokens[a.AuditArch] {
			out = append(out, a)
		}
	}
	return out
}

// archInA returns, for each instruction, whether A may hold
// seccomp_data.arch on entry to it, by a forward pass (jumps go only
// forward): a comparison of A with a constant is one with an arch token
// only there, not one with a system call number (m68k's token is 4, the
// number of write on several ABIs).
func archInA(p seccomp.Program) []bool {
	reached := make([]bool, len(p)+1)
	arch := make([]bool, len(p)+1)
	flow := func(to int, a bool) {
		if to >= 0 && to < len(p) {
			reached[to] = true
			arch[to] = arch[to] || a
		}
	}
	if len(p) > 0 {
		reached[0] = true
	}
	for i, in := range p {
		if !reached[i] {
			continue
		}
		a := arch[i]
		switch {
		case in.Op == opRetK || in.Op == opRetA:
			continue
		case in.Op == opJa:
			flow(i+1+int(in.K), a)
			continue
		case in.Op&clsMask == clsJMP:
			flow(i+1+int(in.Jt), a)
			flow(i+1+int(in.Jf), a)
			continue
		case in.Op == opLdWAbs:
			a = in.K == seccomp.OffsetArch
		case in.Op&clsMask == clsLD || in.Op&clsMask == clsALU || in.Op == opTxa:
			a = false
		}
		flow(i+1, a)
	}
	return arch[:len(p)]
}

// withSiblings adds to arches the other arches of their tokens, in the
// order of seccomp.Arches, without duplicates.
func withSiblings(arches []*seccomp.Arch) []*seccomp.Arch {
	var out []*seccomp.Arch
	for _, a := range seccomp.Arches() {
		for _, b := range arches {
			if b != nil && b.AuditArch == a.AuditArch {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

// space returns the numbers an arch owns under its token.
func space(a *seccomp.Arch) (lo, hi uint32) {
	switch a {
	case seccomp.ArchX86_64:
		return 0, seccomp.X32SyscallBit - 1
	case seccomp.ArchX32:
		return seccomp.X32SyscallBit, 0xffffffff
	}
	return 0, 0xffffffff
}

// Analyze recovers what the program p decides, for every system call of
// every arch it covers, by symbolic execution: for each arch and each
// number, the program runs with nr and arch known and the arguments and
// instruction pointer unknown; a jump on a value derived from an argument
// follows both ways, each with its condition, and each return records an
// action and the conditions that lead there. Numbers the arch's table does
// not have, and arch tokens the program does not accept, run with nr (and
// arch) unknown too. The program must pass seccomp.Verify.
func Analyze(p seccomp.Program, opts *Options) (*Report, error) {
	if err := seccomp.Verify(p); err != nil {
		return nil, err
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.MaxPaths <= 0 {
		o.MaxPaths = 1024
	}
	if o.MaxWork <= 0 {
		o.MaxWork = 1 << 28
	}
	r := &Report{prog: slices.Clone(p), Complete: true, kernel: o.Kernel}
	arches := o.Arches
	if arches == nil {
		r.Detected = true
		arches = DetectArches(p)
		if len(arches) == 0 {
			a, err := seccomp.NativeArch()
			if err != nil {
				a = seccomp.ArchX86_64
			}
			arches = []*seccomp.Arch{a}
		}
	}
	arches = withSiblings(arches)
	e := &engine{prog: r.prog, maxPaths: o.MaxPaths, sol: &solver{budget: o.MaxWork}, visited: make([]bool, len(p)),
		intern: interner{}, memo: map[string][]Decision{}}

	var tokens []seccomp.AuditArch
	for _, a := range arches {
		if !slices.Contains(tokens, a.AuditArch) {
			tokens = append(tokens, a.AuditArch)
		}
		r.Arches = append(r.Arches, e.arch(a, r))
	}
	// Calls from other arches: nr and arch unknown, arch none of tokens.
	for _, le := range []bool{true, false} {
		var given []atom
		for _, t := range tokens {
			given = append(given, atom{w: 1, m: 0xffffffff, op: opEq, k: uint32(t), neg: true})
		}
		given = append(given, atom{w: 1, m: 0x40000000, op: opSet, neg: !le})
		spec := &runSpec{le: le, given: given}
		rg := &Range{Lo: 0, Hi: 0xffffffff, LittleEndian: le, given: given}
		e.region(rg, spec, r)
		r.BadArch = append(r.BadArch, rg)
	}
	r.Unreachable = unreachable(r.prog, e.visited, r.Complete)
	return r, nil
}

// arch analyzes one arch.
func (e *engine) arch(a *seccomp.Arch, r *Report) *ArchReport {
	ar := &ArchReport{Arch: a}
	le := uapi.LittleEndian(a.ByteOrder())
	lo, hi := space(a)
	var nrs []uint32
	for _, name := range a.Syscalls() {
		nr, _ := a.Syscall(name)
		if uint32(nr) < lo || uint32(nr) > hi {
			continue
		}
		if n := len(ar.Syscalls); n > 0 && ar.Syscalls[n-1].Nr == nr {
			continue // an alias
		}
		spec := &runSpec{le: le}
		spec.known[0], spec.vals[0] = true, uint32(nr)
		spec.known[1], spec.vals[1] = true, uint32(a.AuditArch)
		paths, complete := e.run(spec)
		sc := &Syscall{Name: name, Nr: nr, TooComplex: !complete, paths: paths}
		if !complete {
			r.Complete = false
		}
		s := &simplifier{e: e}
		sc.Decisions = s.decisions(paths)
		sc.ArchUnchecked = archUnchecked(paths)
		if len(sc.Decisions) == 1 && complete && sc.Decisions[0].When == nil && sc.Decisions[0].ret == nil &&
			sc.Decisions[0].Action.Kind() == seccomp.ActAllow {
			if a == seccomp.ArchX32 {
				sc.Decisions[0].Cacheable = false
				sc.NoCache = "x32 calls are never cached"
			} else if sc.Decisions[0].Cacheable {
				sc.Cacheable = true
			} else {
				for _, p := range paths {
					if p.noCache != "" {
						sc.NoCache = p.noCache
						break
					}
				}
			}
		} else if len(sc.Decisions) > 0 {
			sc.Decisions[0].Cacheable = false
		}
		ar.Syscalls = append(ar.Syscalls, sc)
		nrs = append(nrs, uint32(nr))
	}
	// The numbers in between, and above.
	slices.Sort(nrs)
	next := uint64(lo)
	gap := func(from, to uint64) {
		if from > to {
			return
		}
		given := []atom{}
		if from > 0 {
			given = append(given, atom{w: 0, m: 0xffffffff, op: opGt, k: uint32(from - 1)})
		}
		if to < 0xffffffff {
			given = append(given, atom{w: 0, m: 0xffffffff, op: opGt, k: uint32(to), neg: true})
		}
		spec := &runSpec{le: le, given: given}
		spec.known[1], spec.vals[1] = true, uint32(a.AuditArch)
		rg := &Range{Lo: uint32(from), Hi: uint32(to), LittleEndian: le, given: given}
		e.region(rg, spec, r)
		ar.Other = append(ar.Other, rg)
	}
	for _, n := range nrs {
		if n > 0 {
			gap(next, uint64(n)-1)
		}
		next = uint64(n) + 1
	}
	gap(next, uint64(hi))
	ar.Default = defaultOf(ar.Syscalls)
	if len(ar.Default) == 1 && ar.Default[0].When == nil {
		// Print the default's action as "otherwise" where it is one of
		// several decisions.
		for _, sc := range ar.Syscalls {
			preferOtherwise(sc.Decisions, ar.Default[0])
		}
		for _, rg := range ar.Other {
			preferOtherwise(rg.Decisions, ar.Default[0])
		}
	}
	return ar
}

// region analyzes a range of numbers with nr unknown.
func (e *engine) region(rg *Range, spec *runSpec, r *Report) {
	paths, complete := e.run(spec)
	rg.paths = paths
	rg.TooComplex = !complete
	if !complete {
		r.Complete = false
	}
	s := &simplifier{e: e, given: spec.given}
	rg.Decisions = s.decisions(paths)
	rg.ArchUnchecked = archUnchecked(paths)
}

// preferOtherwise moves the decision with def's action last.
func preferOtherwise(ds []Decision, def Decision) {
	if len(ds) < 2 {
		return
	}
	for i := range ds {
		if ds[i].ret == nil && def.ret == nil && ds[i].Action == def.Action {
			d := ds[i]
			copy(ds[i:], ds[i+1:])
			ds[len(ds)-1] = d
			for j := range ds {
				ds[j].Otherwise = j == len(ds)-1
			}
			return
		}
	}
}

func archUnchecked(paths []path) bool {
	for _, p := range paths {
		if !p.archLd && p.retA == nil && lets(p.action) {
			return true
		}
	}
	return false
}

// lets reports whether the action lets the call run: ALLOW or LOG.
func lets(a seccomp.Action) bool {
	k := a.Effective().Kind()
	return k == seccomp.ActAllow || k == seccomp.ActLog
}

// defaultOf returns the decisions most system calls share.
func defaultOf(calls []*Syscall) []Decision {
	count := map[string]int{}
	first := map[string][]Decision{}
	var order []string
	for _, c := range calls {
		if c.TooComplex {
			continue
		}
		k := decisionsKey(c.Decisions)
		if count[k] == 0 {
			order = append(order, k)
			first[k] = c.Decisions
		}
		count[k]++
	}
	best := ""
	for _, k := range order {
		if count[k] > count[best] {
			best = k
		}
	}
	if count[best] < 2 {
		return nil
	}
	return first[best]
}

// decisionsKey is the printed form of decisions, to compare them.
func decisionsKey(ds []Decision) string {
	s := ""
	for _, d := range ds {
		s += d.String() + "\n"
	}
	return s
}

// Decide returns what the analysis says the program returns for d, and
// false when the part of the analysis that covers d is too complex.
func (r *Report) Decide(d seccomp.Data) (seccomp.Action, bool) {
	ds, ok := r.decisionsFor(&d)
	if !ok {
		return 0, false
	}
	for i := range ds {
		if ds[i].Holds(&d) {
			return ds[i].Value(&d), true
		}
	}
	return 0, false
}

func (r *Report) decisionsFor(d *seccomp.Data) ([]Decision, bool) {
	nr := uint32(d.Nr)
	for _, ar := range r.Arches {
		if ar.Arch.AuditArch != d.Arch {
			continue
		}
		if lo, hi := space(ar.Arch); nr < lo || nr > hi {
			continue
		}
		if i, ok := slices.BinarySearchFunc(ar.Syscalls, nr, func(s *Syscall, n uint32) int { return cmpU64(uint64(uint32(s.Nr)), uint64(n)) }); ok {
			s := ar.Syscalls[i]
			return s.Decisions, !s.TooComplex
		}
		for _, rg := range ar.Other {
			if rg.Lo <= nr && nr <= rg.Hi {
				return rg.Decisions, !rg.TooComplex
			}
		}
		return nil, false
	}
	for _, rg := range r.BadArch {
		if rg.LittleEndian == d.Arch.LittleEndian() {
			return rg.Decisions, !rg.TooComplex
		}
	}
	return nil, false
}

// Program returns the program analyzed.
func (r *Report) Program() seccomp.Program { return slices.Clone(r.prog) }

// Arch returns the report of the named arch, or nil.
func (r *Report) Arch(name string) *ArchReport {
	for _, a := range r.Arches {
		if a.Arch.Name == name {
			return a
		}
	}
	return nil
}

// Syscall returns the named system call's report, or nil.
func (a *ArchReport) Syscall(name string) *Syscall {
	for _, s := range a.Syscalls {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// unreachable lists the instructions no input reaches: those no jump leads
// to, and, when the analysis is complete, those it never executed.
func unreachable(p seccomp.Program, visited []bool, complete bool) []Unreachable {
	reach := structural(p)
	var out []Unreachable
	for pc := range p {
		switch {
		case !reach[pc]:
			out = append(out, Unreachable{PC: pc, Structural: true})
		case complete && !visited[pc]:
			out = append(out, Unreachable{PC: pc})
		}
	}
	return out
}

// structural returns which instructions some chain of jumps from the first
// one reaches.
func structural(p seccomp.Program) []bool {
	reach := make([]bool, len(p))
	if len(p) == 0 {
		return reach
	}
	reach[0] = true
	for pc, in := range p {
		if !reach[pc] {
			continue
		}
		mark := func(t int) {
			if t >= 0 && t < len(p) {
				reach[t] = true
			}
		}
		switch {
		case in.Op == opRetK || in.Op == opRetA:
		case in.Op == opJa:
			mark(pc + 1 + int(in.K))
		case in.Op&clsMask == clsJMP:
			mark(pc + 1 + int(in.Jt))
			mark(pc + 1 + int(in.Jf))
		default:
			mark(pc + 1)
		}
	}
	return reach
}

package seccomp

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/seccomp-go/seccomp/internal/compiler"
	"github.com/seccomp-go/seccomp/internal/cond"
)

// Planning: a Filter resolved for each arch it covers (names to numbers,
// conditions normalized for the arch, rules in the order they are tried),
// as package compiler takes it, and the problems found on the way.

// archPlan is what the filter decides on one arch: its rules by number,
// as the compiler takes them, and the arch they are for.
type archPlan struct {
	arch *Arch
	*compiler.Arch
	// derived are the rules made for a multiplexer from a rule on a call
	// it makes (SetMultiplexing): {number, rule index}.
	derived map[[2]int32]bool
}

func ruleName(r Rule) string {
	if r.Syscall != "" {
		return r.Syscall
	}
	return fmt.Sprintf("#%d", r.Number)
}

// impossibleNumber returns why no call of arch a reaches a rule for number
// nr, or "". Under AUDIT_ARCH_X86_64 the x32 bit tells the two ABIs apart
// (see Filter): an x32 number without it is an x86_64 call, and an x86_64
// number with it (-1 included) is an x32 call.
func impossibleNumber(nr int32, a *Arch) string {
	if a.AuditArch != AuditArchX86_64 {
		return ""
	}
	u := uint32(nr)
	switch {
	case a == ArchX32 && u < X32SyscallBit:
		return fmt.Sprintf("number %d (%#x) lacks X32SyscallBit (%#x), which every x32 call carries: the rule can never match (x32's number is %#x)",
			nr, u, X32SyscallBit, u|X32SyscallBit)
	case a != ArchX32 && nr == -1:
		return fmt.Sprintf("number -1 (%#x) has X32SyscallBit (%#x): under AUDIT_ARCH_X86_64 it is an x32 number, which x86_64's rules never see, so the rule can never match (SetNrMinusOneDefault gives -1, what a tracer writes to skip a call, the default action; a rule for -1 on x32 decides it when the filter covers x32)",
			u, X32SyscallBit)
	case a != ArchX32 && u >= X32SyscallBit:
		return fmt.Sprintf("number %d (%#x) has X32SyscallBit (%#x), which marks x32 calls: x86_64's rules never see it, so the rule can never match (x86_64's number is %d, or put the rule on x32)",
			nr, u, X32SyscallBit, u&^X32SyscallBit)
	}
	return ""
}

// checkAction returns why an action cannot be carried by the kernel, or "".
func checkAction(a Action) string {
	if !a.Known() {
		return fmt.Sprintf("action %#x is not one the kernel knows", uint32(a))
	}
	switch a.Kind() {
	case ActErrno:
		if a.Data() > MaxErrno {
			return fmt.Sprintf("errno %d is above %d, the largest the kernel returns", a.Data(), MaxErrno)
		}
	case ActKillProcess, ActKillThread, ActUserNotif, ActLog, ActAllow:
		if a.Data() != 0 {
			return fmt.Sprintf("action %s carries no data, but has %#x", a, a.Data())
		}
	}
	return ""
}

// plan resolves the filter for every arch, for the compiler, and returns
// every problem found.
func (f *Filter) plan() (*compiler.Filter, []*archPlan, []*Problem) {
	var probs []*Problem
	add := func(rule int, sys, arch string, sev Severity, format string, args ...any) {
		probs = append(probs, &Problem{Rule: rule, Syscall: sys, Arch: arch, Severity: sev, Reason: fmt.Sprintf(format, args...)})
	}
	if len(f.arches) == 0 {
		add(-1, "", "", SeverityError, "covers no arch (and there is no native arch to default to)")
	}
	seen := map[*Arch]bool{}
	for _, a := range f.arches {
		switch {
		case a == nil || a.table == nil:
			add(-1, "", "", SeverityError, "nil or unknown arch")
		case seen[a]:
			add(-1, "", a.Name, SeverityError, "arch listed twice")
		}
		seen[a] = true
	}
	if s := checkAction(f.defaultAction); s != "" {
		add(-1, "", "", SeverityError, "default action: %s", s)
	}
	if s := checkAction(f.badArch); s != "" {
		add(-1, "", "", SeverityError, "bad-arch action: %s", s)
	}
	for _, name := range slices.Sorted(maps.Keys(f.hot)) {
		if v := f.hot[name]; !(v > 0) || math.IsInf(v, 0) {
			add(-1, name, "", SeverityError, "hot system call %q: frequency %v: want a finite number above zero", name, v)
		}
		known := false
		for _, a := range f.arches {
			if a != nil && a.table != nil {
				if _, ok := a.Syscall(name); ok {
					known = true
				}
			}
		}
		if !known {
			add(-1, name, "", SeverityWarning, "hot system call %q: unknown on every arch the filter covers", name)
		}
	}
	plans := make([]*archPlan, 0, len(f.arches))
	for _, a := range f.arches {
		if a != nil && a.table != nil {
			n := 0 // the rules this arch may get, at most one per system call
			for _, r := range f.rules {
				if r.Arch == nil || r.Arch == a {
					n++
				}
			}
			plans = append(plans, &archPlan{arch: a, Arch: &compiler.Arch{
				Token: uint32(a.AuditArch),
				X32:   a == ArchX32,
				Order: a.ByteOrder(),
				Max:   uint32(a.MaxSyscall()),
				Newer: newer(a, f.enosysAfter),
				Calls: make(map[int32][]compiler.Rule, min(n, a.table.Len())),
			}})
		}
	}
	// One backing array for the rules of all calls (most have one): a
	// call's first rule is a slice of it, with room for no more.
	nRules, nConds := 0, 0
	for _, r := range f.rules {
		n := len(plans)
		if r.Arch != nil {
			n = 1
		}
		nRules += n
		nConds += n * len(r.Conds)
	}
	arena := make([]compiler.Rule, 0, nRules)
	condArena := make([]cond.Cond, 0, nConds)
	// Rules no call can match on an arch, and the rules that can match on
	// some arch.
	type noMatch struct {
		rule      int
		sys, arch string
		why       string
	}
	var unmatched []noMatch
	matches := make([]bool, len(f.rules))
	// The multiplexed calls, in the stricter resolution: one rule each on
	// the multiplexer, added after the others.
	type muxKey struct {
		p   *archPlan
		mux int32
		sub uint64
	}
	subs := map[muxKey]*muxSub{}
	for i, r := range f.rules {
		name := ruleName(r)
		if s := checkAction(r.Action); s != "" {
			add(i, name, "", SeverityError, "%s", s)
		}
		bad := false
		for _, c := range r.Conds {
			switch {
			case c.Arg < 0 || c.Arg > 5:
				add(i, name, "", SeverityError, "condition %s: argument index must be 0 to 5", c)
				bad = true
			case c.Op < OpEq || c.Op > OpMaskedNe:
				add(i, name, "", SeverityError, "condition on arg%d: unknown operator %d", c.Arg, int(c.Op))
				bad = true
			}
		}
		if r.Arch != nil && !seen[r.Arch] {
			add(i, name, r.Arch.Name, SeverityError, "arch %s is not one the filter covers", r.Arch.Name)
			continue
		}
		if r.Syscall == "" && r.Arch == nil {
			add(i, name, "", SeverityError, "a rule by number needs an arch")
			continue
		}
		if r.Syscall == "" {
			if why := impossibleNumber(r.Number, r.Arch); why != "" {
				add(i, name, r.Arch.Name, SeverityError, "%s", why)
				continue
			}
		}
		found := false
		for _, p := range plans {
			if r.Arch != nil && r.Arch != p.arch {
				continue
			}
			libseccomp := f.resolution == ResolveLibseccomp
			// A socket or IPC call its multiplexer makes (SetMultiplexing),
			// even where the arch has no direct call (ppc64's semop).
			var mux int32
			var sel cond.Cond
			muxed := false
			if f.multiplex {
				mux, sel, muxed = multiplexed(p, r.Number, r.Syscall, libseccomp)
			}
			nr := r.Number
			direct := true
			if r.Syscall != "" {
				var ok bool
				if nr, ok = p.arch.Syscall(r.Syscall); !ok {
					if !muxed {
						continue
					}
					direct = false
				}
			}
			sys := r.Syscall
			if direct {
				sys = p.callName(nr)
			}
			found = true
			if bad {
				continue
			}
			// The conditions as they are evaluated on the arch; those that
			// decide the same for every argument there are left out, and a
			// rule no call can match is left out (an error unless it can
			// match on another arch). In libseccomp's resolution, what
			// libseccomp makes of them: cut to 32 bits on a 32-bit ABI, and
			// every rule kept, as it merges them all (resolveLibseccomp).
			abi32 := !p.arch.AuditArch.Is64Bit()
			start := len(condArena)
			never := ""
			for _, c := range r.Conds {
				if libseccomp {
					condArena = append(condArena, c.internal().Normalize(abi32))
					continue
				}
				rc, truth := c.internal().Resolve(abi32)
				switch truth {
				case cond.Always:
					add(i, sys, p.arch.Name, SeverityWarning,
						"%s always holds on %s, whose arguments are 32 bits (zero-extended): left out there", c, p.arch.Name)
					continue
				case cond.Never:
					if never == "" {
						never = fmt.Sprintf("%s is never true on %s, whose arguments are 32 bits (zero-extended)", c, p.arch.Name)
					}
					continue
				}
				condArena = append(condArena, rc)
			}
			conds := condArena[start:len(condArena):len(condArena)]
			why := never
			if why == "" && !libseccomp && len(conds) > 0 {
				why = cond.Unsatisfiable(conds)
			}
			if why != "" {
				condArena = condArena[:start]
				unmatched = append(unmatched, noMatch{rule: i, sys: sys, arch: p.arch.Name, why: why})
				continue
			}
			matches[i] = true
			rv := compiler.Rule{Index: i, Action: uint32(r.Action), Conds: conds}
			if muxed {
				// Through the multiplexer too (see SetMultiplexing):
				// libseccomp adds that rule before the direct one.
				if libseccomp {
					p.addMuxRule(mux, compiler.Rule{Index: i, Action: uint32(r.Action), Conds: libseccompMux(sel, conds, abi32)})
				} else {
					k := muxKey{p, mux, sel.Value}
					s := subs[k]
					if s == nil {
						s = &muxSub{p: p, mux: mux, sel: sel, index: i, action: r.Action, order: len(subs)}
						subs[k] = s
					} else if ranks(r.Action, s.action) < 0 {
						s.action = r.Action
					}
					s.uncond = s.uncond || len(conds) == 0
				}
			}
			if !direct {
				continue
			}
			if rs, ok := p.Calls[nr]; ok {
				p.Calls[nr] = append(rs, rv)
			} else {
				arena = append(arena, rv)
				p.Calls[nr] = arena[len(arena)-1 : len(arena) : len(arena)]
			}
		}
		if !found {
			where := "any arch the filter covers"
			if r.Arch != nil {
				where = r.Arch.Name
			}
			add(i, name, "", SeverityError, "unknown system call on %s", where)
		}
	}
	for _, s := range slices.SortedFunc(maps.Values(subs), func(a, b *muxSub) int { return a.order - b.order }) {
		a := s.action
		if !s.uncond && ranks(f.defaultAction, a) < 0 {
			a = f.defaultAction // the arguments the rules test are out of reach
		}
		s.p.addMuxRule(s.mux, compiler.Rule{Index: s.index, Action: uint32(a), Conds: []cond.Cond{s.sel}})
	}
	// A rule no call can match on any arch is an error; one that can on
	// some arch only (a 64-bit value on a 32-bit ABI) is a warning there.
	for _, u := range unmatched {
		if matches[u.rule] {
			add(u.rule, u.sys, u.arch, SeverityWarning, "the rule never matches on %s: %s", u.arch, u.why)
		} else {
			add(u.rule, u.sys, u.arch, SeverityError, "no call can match: %s", u.why)
		}
	}
	hot := f.hotNames()
	for _, p := range plans {
		p.Keys = make([]int32, 0, len(p.Calls))
		for nr, rs := range p.Calls {
			p.Keys = append(p.Keys, nr)
			if f.resolution != ResolveLibseccomp {
				// In the order rules are tried: by precedence of their
				// actions, then by the order they were added.
				slices.SortStableFunc(rs, func(a, b compiler.Rule) int { return ranks(Action(a.Action), Action(b.Action)) })
			}
		}
		slices.Sort(p.Keys)
		if neg, _ := slices.BinarySearch(p.Keys, 0); neg > 0 { // negative numbers last
			p.Keys = slices.Concat(p.Keys[neg:], p.Keys[:neg])
		}
		p.Hot = hot.on(p.arch)
		if f.resolution == ResolveLibseccomp {
			probs = append(probs, p.resolveLibseccomp()...)
		} else {
			probs = append(probs, p.check()...)
		}
	}
	slices.SortStableFunc(probs, func(a, b *Problem) int { return a.Rule - b.Rule })
	cf := &compiler.Filter{
		Default:  uint32(f.defaultAction),
		BadArch:  uint32(f.badArch),
		ENOSYS:   f.enosys,
		MinusOne: f.minusOne,
		Arches:   make([]*compiler.Arch, len(plans)),
	}
	for i, p := range plans {
		cf.Arches[i] = p.Arch
	}
	return cf, plans, probs
}

// newer returns the numbers of a's calls newer than r, or nil for the zero
// Release.
func newer(a *Arch, r Release) []int32 {
	if r == (Release{}) {
		return nil
	}
	return a.newerThan(r)
}

// hotNames are the hot system calls in the order of their names, with
// their frequencies divided by the largest (so at most 1 each: sums of
// huge frequencies stay finite).
type hotNames struct {
	names   []string
	weights []float64
}

func (f *Filter) hotNames() hotNames {
	hot := f.hot
	if hot == nil {
		hot = DefaultHotSyscalls()
	}
	most := 0.0
	for _, v := range hot {
		most = max(most, v)
	}
	h := hotNames{names: slices.Sorted(maps.Keys(hot))} // a fixed order: the same sums
	for _, n := range h.names {
		h.weights = append(h.weights, hot[n]/most)
	}
	return h
}

// on returns the hot system calls of a (none for x32).
func (h hotNames) on(a *Arch) []compiler.Hot {
	if a == ArchX32 {
		return nil
	}
	var out []compiler.Hot
	for i, name := range h.names {
		if nr, ok := a.Syscall(name); ok {
			out = append(out, compiler.Hot{Nr: nr, Weight: h.weights[i]})
		}
	}
	return out
}

// ranks orders actions by the filter's precedence: lower first.
func ranks(a, b Action) int {
	if a.Precedes(b) {
		return -1
	}
	if b.Precedes(a) {
		return 1
	}
	// Same action part: the lowest full value wins.
	switch {
	case int32(a) < int32(b):
		return -1
	case int32(a) > int32(b):
		return 1
	}
	return 0
}

// w32 reports whether the arch's arguments are 32 bits.
func (p *archPlan) w32() bool { return !p.arch.AuditArch.Is64Bit() }

// callName names system call nr of the arch: its name, or "#nr".
func (p *archPlan) callName(nr int32) string {
	if n, ok := p.arch.SyscallName(nr); ok {
		return n
	}
	return fmt.Sprintf("#%d", nr)
}

// coverBudget bounds the solver's work (nodes) check spends on one arch
// to find rules covered by the union of the rules tried before them, and
// ruleCoverBudget on one rule.
// A call with more than maxCoverCall rules gets only the check of subsets.
const (
	coverBudget     = 1 << 16
	ruleCoverBudget = 1 << 12
	maxCoverCall    = 4 * cond.MaxCover
)

// check reports, for one arch, rules that can never decide, and the same
// conditions given two actions (rules no call can match are found and left
// out by plan). A rule never decides when every call it matches is matched
// by rules tried before it (by precedence): one of them with a subset of
// its conditions (shadowed, or a duplicate), or several together (found
// by internal/cond's Covered for calls with up to cond.MaxCover rules,
// within coverBudget). Such rules are warnings, and are left out of the
// plan: the compiler emits no code for them, code no input would reach.
func (p *archPlan) check() []*Problem {
	var probs []*Problem
	budget := coverBudget
	var dead []bool
	for nr, rs := range p.Calls { // in any order: the problems are sorted by rule, and one rule is on one number
		if len(rs) < 2 {
			continue // one rule decides whenever it matches
		}
		dead = append(dead[:0], make([]bool, len(rs))...)
		// The first rule with each set of conditions, to find the first
		// rule before r whose conditions are a subset of r's among the
		// sets of r's conditions, not among every rule before it.
		first := map[string]int{}
		for i, r := range rs {
			j := firstSubset(rs[:i], r.Conds, first)
			if key, ok := condSetKey(r.Conds); ok {
				if _, seen := first[key]; !seen {
					first[key] = i
				}
			}
			if j >= 0 {
				q := rs[j]
				if p.isDerived(nr, q) || p.isDerived(nr, r) {
					// A rule made for the multiplexer (SetMultiplexing)
					// and a rule on the multiplexer: the one tried first
					// decides, as meant; nothing to report.
					dead[i] = true
					continue
				}
				sev, what := SeverityWarning, "is shadowed by"
				if cond.Same(q.Conds, r.Conds) {
					if q.Action == r.Action {
						what = "duplicates"
					} else {
						sev, what = SeverityError, fmt.Sprintf("gives %s where it has the same conditions as", Action(r.Action))
					}
				}
				dead[i] = sev == SeverityWarning
				probs = append(probs, &Problem{Rule: r.Index, Syscall: p.callName(nr), Arch: p.arch.Name, Severity: sev,
					Reason: fmt.Sprintf("%s rule %d (%s), which wins whenever this rule matches", what, q.Index, Action(q.Action))})
			}
			if dead[i] || i == 0 || len(r.Conds) == 0 || budget <= 0 || len(rs) > maxCoverCall {
				continue
			}
			if p.isDerived(nr, r) {
				continue
			}
			var before []int // the live rules tried before r that may match calls it matches
			for j := range i {
				if !dead[j] && !cond.Disjoint(rs[j].Conds, r.Conds) {
					before = append(before, j)
				}
			}
			if len(before) == 0 {
				continue
			}
			ruleBudget := min(budget, ruleCoverBudget)
			covers := func(js []int) bool {
				cs := make([][]cond.Cond, len(js))
				for k, j := range js {
					cs[k] = rs[j].Conds
				}
				left := ruleBudget
				covered, ok := cond.Covered(r.Conds, cs, &left)
				budget -= ruleBudget - left
				ruleBudget = left
				return ok && covered
			}
			if !covers(before) {
				continue
			}
			dead[i] = true
			// Name the rules it takes: leave out each that is not needed.
			for k := len(before) - 1; k >= 0 && len(before) > 1; k-- {
				without := append(append([]int(nil), before[:k]...), before[k+1:]...)
				if covers(without) {
					before = without
				}
			}
			names := make([]string, len(before))
			for k, j := range before {
				names[k] = fmt.Sprintf("%d (%s)", rs[j].Index, Action(rs[j].Action))
			}
			what := "rule " + names[0] + ", tried before it, matches"
			if len(names) > 1 {
				what = "rules " + strings.Join(names, ", ") + ", tried before it, together match"
			}
			probs = append(probs, &Problem{Rule: r.Index, Syscall: p.callName(nr), Arch: p.arch.Name, Severity: SeverityWarning,
				Reason: fmt.Sprintf("can never decide: %s every call it matches", what)})
		}
		live := rs[:0:0]
		for i, r := range rs {
			if !dead[i] {
				live = append(live, r)
			}
		}
		if len(live) < len(rs) {
			p.Calls[nr] = live
		}
	}
	return probs
}

// problemsError joins the problems of the given severity, or returns nil.
func problemsError(probs []*Problem, sev Severity) error {
	var errs []error
	for _, p := range probs {
		if p.Severity == sev {
			errs = append(errs, p)
		}
	}
	return errors.Join(errs...)
}

// maxSubsetConds is the most distinct conditions of a rule whose subsets
// firstSubset enumerates (2^n of them); a rule with more is compared with
// the rules before it one by one.
const maxSubsetConds = 8

// firstSubset returns the index in before of the first rule whose
// conditions are a subset of conds (cond.Subset), or -1. first holds the
// index of the first rule of before with each set of conditions
// (condSetKey), so a rule with few conditions is looked up by the sets of
// its conditions, whatever the number of rules before it.
func firstSubset(before []compiler.Rule, conds []cond.Cond, first map[string]int) int {
	set := cond.Distinct(conds)
	if len(set) > maxSubsetConds {
		for j, q := range before {
			if cond.Subset(q.Conds, conds) {
				return j
			}
		}
		return -1
	}
	best := -1
	sub := make([]cond.Cond, 0, len(set))
	for m := 0; m < 1<<len(set); m++ {
		sub = sub[:0]
		for k, c := range set {
			if m&(1<<k) != 0 {
				sub = append(sub, c)
			}
		}
		key, _ := condSetKey(sub)
		if j, ok := first[key]; ok && (best < 0 || j < best) {
			best = j
		}
	}
	return best
}

// condSetKey returns cond.Key of conds, and false when they have too
// many distinct conditions to enumerate the subsets of.
func condSetKey(conds []cond.Cond) (string, bool) {
	if len(cond.Distinct(conds)) > maxSubsetConds {
		return "", false
	}
	return cond.Key(conds), true
}

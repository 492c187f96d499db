//go:build linux && amd64

package bench

import (
	"fmt"
	"slices"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/profile"
	"golang.org/x/net/bpf"
	gseccomp "gvisor.dev/gvisor/pkg/seccomp"
)

// gvisorAvailable reports whether gvisorProgram works here. gVisor's
// pkg/seccomp builds a program for the arch it is compiled for only (its
// arch check is a constant), so the x86_64 row needs an amd64 build.
const gvisorAvailable = true

// gvisorProgram translates the x86_64 rules of a resolved profile into
// gVisor's pkg/seccomp and builds them the way gVisor's sentry builds its
// own filter: seccomp.Program.Build with optimizations on (rule optimizer
// and BPF optimizer), hot gives ProgramOptions.HotSyscalls. The program
// covers x86_64 only: it sends every other audit arch to the filter's
// bad-arch action, and as gVisor has no x32 guard, x32 numbers (with
// X32SyscallBit) match no rule and get the default action.
//
// Meaning: for one system call gVisor returns the action of the first rule
// set that matches, in the order of Program.RuleSets; the filter returns
// the matching action the kernel ranks first. So the rule sets are one per
// action, in the kernel's order (seccomp.Action.Precedes, then the lowest
// data), and the first match is the filter's answer. A condition or action
// gVisor cannot express is an error that names it.
func gvisorProgram(res *profile.Result, hot []int32) (seccomp.Program, error) {
	x86 := seccomp.ArchX86_64
	if gseccomp.LINUX_AUDIT_ARCH != uint32(x86.AuditArch) {
		return nil, fmt.Errorf("gVisor's pkg/seccomp is built for audit arch %#x, not x86_64", gseccomp.LINUX_AUDIT_ARCH)
	}
	if len(res.Highest) != 0 {
		return nil, fmt.Errorf("the profile's ENOSYS stub (Options.ENOSYSAboveHighest) is not translated")
	}
	f := res.Filter
	if !slices.Contains(f.Arches(), x86) {
		return nil, fmt.Errorf("the filter does not cover x86_64")
	}
	def, err := gvisorAction(f.DefaultAction())
	if err != nil {
		return nil, fmt.Errorf("default action: %w", err)
	}
	badArch, err := gvisorAction(f.BadArchAction())
	if err != nil {
		return nil, fmt.Errorf("bad-arch action: %w", err)
	}
	sets := map[seccomp.Action]gseccomp.SyscallRules{}
	for i, r := range f.Rules() {
		nr, ok := ruleNumber(r, x86)
		if !ok {
			continue // another arch's, or a name x86_64 lacks: skipped, as the filter does
		}
		rule, err := gvisorRule(r.Conds)
		if err != nil {
			return nil, fmt.Errorf("rule %d (%s %v): %w", i, r.Syscall, r.Action, err)
		}
		if _, ok := sets[r.Action]; !ok {
			sets[r.Action] = gseccomp.NewSyscallRules()
		}
		sets[r.Action].Add(uintptr(uint32(nr)), rule) // several rules of one call: Or
	}
	acts := make([]seccomp.Action, 0, len(sets))
	for a := range sets {
		acts = append(acts, a)
	}
	slices.SortFunc(acts, func(a, b seccomp.Action) int {
		switch {
		case a.Precedes(b):
			return -1
		case b.Precedes(a):
			return 1
		}
		return int(a.Data()) - int(b.Data())
	})
	prog := gseccomp.Program{Options: gseccomp.ProgramOptions{DefaultAction: def, BadArchAction: badArch}}
	for _, nr := range hot {
		prog.Options.HotSyscalls = append(prog.Options.HotSyscalls, uintptr(nr))
	}
	for _, a := range acts {
		ga, err := gvisorAction(a)
		if err != nil {
			return nil, err
		}
		prog.RuleSets = append(prog.RuleSets, gseccomp.RuleSet{Rules: sets[a], Action: ga})
	}
	insns, _, err := prog.Build()
	if err != nil {
		return nil, err
	}
	p := make(seccomp.Program, len(insns))
	for i, in := range insns {
		p[i] = bpf.RawInstruction{Op: in.OpCode, Jt: in.JumpIfTrue, Jf: in.JumpIfFalse, K: in.K}
	}
	return p, nil
}

// gvisorAction maps an action to gVisor's. gVisor has no SECCOMP_RET_LOG.
func gvisorAction(a seccomp.Action) (gseccomp.Action, error) {
	var g gseccomp.Action
	switch a.Kind() {
	case seccomp.ActKillProcess:
		g = gseccomp.KillProcess
	case seccomp.ActKillThread:
		g = gseccomp.KillThread
	case seccomp.ActTrap:
		g = gseccomp.Trap
	case seccomp.ActErrno:
		g = gseccomp.ReturnError
	case seccomp.ActUserNotif:
		g = gseccomp.UserNotify
	case seccomp.ActTrace:
		g = gseccomp.Trace
	case seccomp.ActAllow:
		g = gseccomp.Allow
	default:
		return "", fmt.Errorf("gVisor's pkg/seccomp cannot express action %v", a)
	}
	if d := a.Data(); d != 0 {
		g = g.Code(d)
	}
	return g, nil
}

// gvisorRule maps the conditions of one rule (all must hold) to a gVisor
// rule: MatchAll without conditions, else one PerArg, or an And of PerArgs
// when an argument has several conditions.
func gvisorRule(conds []seccomp.Cond) (gseccomp.SyscallRule, error) {
	if len(conds) == 0 {
		return gseccomp.MatchAll{}, nil
	}
	var and gseccomp.And
	for _, c := range conds {
		m, err := gvisorMatcher(c)
		if err != nil {
			return nil, err
		}
		placed := false
		for i := range and {
			if pa := and[i].(gseccomp.PerArg); pa[c.Arg] == nil {
				pa[c.Arg] = m
				and[i], placed = pa, true
				break
			}
		}
		if !placed {
			var pa gseccomp.PerArg
			pa[c.Arg] = m
			and = append(and, pa)
		}
	}
	if len(and) == 1 {
		return and[0], nil
	}
	return and, nil
}

// gvisorMatcher maps one 64-bit condition to gVisor's matchers. gVisor has
// no masked not-equal and no 32-bit comparisons (x86_64's conditions are
// 64-bit).
func gvisorMatcher(c seccomp.Cond) (gseccomp.ValueMatcher, error) {
	if c.Arg < 0 || c.Arg > 5 {
		return nil, fmt.Errorf("argument %d", c.Arg)
	}
	if c.Width32 {
		return nil, fmt.Errorf("gVisor's pkg/seccomp cannot express 32-bit condition %v", c)
	}
	v := uintptr(c.Value)
	switch c.Op {
	case seccomp.OpEq:
		return gseccomp.EqualTo(v), nil
	case seccomp.OpNe:
		return gseccomp.NotEqual(v), nil
	case seccomp.OpLt:
		return gseccomp.LessThan(v), nil
	case seccomp.OpLe:
		return gseccomp.LessThanOrEqual(v), nil
	case seccomp.OpGt:
		return gseccomp.GreaterThan(v), nil
	case seccomp.OpGe:
		return gseccomp.GreaterThanOrEqual(v), nil
	case seccomp.OpMaskedEq:
		return gseccomp.MaskedEqual(uintptr(c.Mask), v), nil
	}
	return nil, fmt.Errorf("gVisor's pkg/seccomp cannot express condition %v", c)
}

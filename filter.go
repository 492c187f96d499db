package seccomp

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/seccomp-go/seccomp/internal/compiler"
	"github.com/seccomp-go/seccomp/internal/cond"
)

// Op is the comparison of a condition on a system call argument.
type Op int

// The comparisons. All compare unsigned values.
const (
	OpEq       Op = iota + 1 // arg == Value
	OpNe                     // arg != Value
	OpLt                     // arg < Value
	OpLe                     // arg <= Value
	OpGt                     // arg > Value
	OpGe                     // arg >= Value
	OpMaskedEq               // arg & Mask == Value
	OpMaskedNe               // arg & Mask != Value
)

// String returns the operator as ==, !=, <, <=, >, >=, &== or &!=.
func (o Op) String() string { return cond.Op(o).String() }

// Cond is a condition on one system call argument.
//
// By default it looks at the full 64-bit register, so a value that differs
// from Value only in its high 32 bits does not match an OpEq. With Width32
// set, only the low 32 bits of the argument are compared, with Value and
// Mask truncated to 32 bits: use it for arguments the kernel reads as int
// or unsigned int, whose high half the caller may fill with anything.
//
// On the 32-bit ABIs (i386, arm, mips o32, ppc, s390, parisc, m68k, sh: the
// arches whose AuditArch lacks the 64-bit bit) an argument is 32 bits,
// which the kernel zero-extends: a condition compares that value with the full 64-bit
// Value, so a Value of 2^32 or more decides it for every call there
// (arg < 1<<32 and arg != 1<<32 always hold, arg == 1<<32, arg > 1<<32
// and arg >= 1<<32 never do; arg & mask == value never holds and
// arg & mask != value always does). Lint says where that happens, and a
// rule that can then never match on any of its arches is an error. In
// libseccomp's resolution the Value is cut to 32 bits instead, as
// libseccomp does (see Resolution). x32 and mips n32 are 64-bit ABIs
// to seccomp: their system calls pass the full 64-bit registers, which
// seccomp_data holds, so conditions there compare 64 bits as on x86_64
// (libseccomp compares only their low halves: package profile writes their
// conditions with Width32 to mean what a profile means to runc).
type Cond struct {
	Arg     int    // argument index, 0 to 5
	Op      Op     // comparison
	Value   uint64 // operand
	Mask    uint64 // for OpMaskedEq and OpMaskedNe
	Width32 bool   // compare only the low 32 bits
}

// ArgRef names an argument, to build conditions on it: Arg(0).Eq(1).
type ArgRef struct {
	index   int
	width32 bool
}

// Arg refers to the full 64-bit argument i (0 to 5).
func Arg(i int) ArgRef { return ArgRef{index: i} }

// Arg32 refers to the low 32 bits of argument i (0 to 5): for arguments of
// type int or unsigned int, whose high half the kernel ignores.
func Arg32(i int) ArgRef { return ArgRef{index: i, width32: true} }

func (a ArgRef) cond(op Op, v, m uint64) Cond {
	return Cond{Arg: a.index, Op: op, Value: v, Mask: m, Width32: a.width32}
}

// Eq is the condition arg == v.
func (a ArgRef) Eq(v uint64) Cond { return a.cond(OpEq, v, 0) }

// Ne is the condition arg != v.
func (a ArgRef) Ne(v uint64) Cond { return a.cond(OpNe, v, 0) }

// Lt is the condition arg < v (unsigned).
func (a ArgRef) Lt(v uint64) Cond { return a.cond(OpLt, v, 0) }

// Le is the condition arg <= v (unsigned).
func (a ArgRef) Le(v uint64) Cond { return a.cond(OpLe, v, 0) }

// Gt is the condition arg > v (unsigned).
func (a ArgRef) Gt(v uint64) Cond { return a.cond(OpGt, v, 0) }

// Ge is the condition arg >= v (unsigned).
func (a ArgRef) Ge(v uint64) Cond { return a.cond(OpGe, v, 0) }

// MaskedEq is the condition arg & mask == v.
func (a ArgRef) MaskedEq(mask, v uint64) Cond { return a.cond(OpMaskedEq, v, mask) }

// MaskedNe is the condition arg & mask != v.
func (a ArgRef) MaskedNe(mask, v uint64) Cond { return a.cond(OpMaskedNe, v, mask) }

// String prints the condition, e.g. "arg0 == 0x1", "arg1 & 0x3 == 0x1",
// "arg2.lo32 < 0x10".
func (c Cond) String() string { return c.internal().String() }

// internal returns c as package cond has it.
func (c Cond) internal() cond.Cond {
	return cond.Cond{Arg: c.Arg, Op: cond.Op(c.Op), Value: c.Value, Mask: c.Mask, Width32: c.Width32}
}

// Rule says what happens to a system call, optionally only when conditions
// on its arguments hold. Several conditions in one rule must all hold (AND);
// several rules for one system call are alternatives (OR), and when more
// than one matches, the action with the kernel's precedence wins, or the
// one libseccomp's order gives (see Filter and Resolution).
type Rule struct {
	// Syscall is the system call's name, resolved on each arch the filter
	// covers (on Arch only, when Arch is set). A name that some of the
	// filter's arches lack is skipped for them; unknown on all of them is an
	// error.
	Syscall string
	// Number is used when Syscall is empty: a system call number on Arch
	// (with X32SyscallBit for x32). A number no call of Arch can have is an
	// error: on x32 one without X32SyscallBit, on x86_64 one with it,
	// -1 (0xffffffff) included, since the bit is what tells the two ABIs
	// apart under AUDIT_ARCH_X86_64.
	Number int32
	// Arch restricts the rule to one of the filter's arches. It is required
	// with Number.
	Arch *Arch
	// Action is what the kernel does when the rule decides.
	Action Action
	// Conds must all hold for the rule to match.
	Conds []Cond
}

// Filter is a seccomp policy: a default action, the arches it covers and
// rules for system calls. Build it with NewFilter and Add, then Compile it
// into a Program, or Evaluate it directly.
//
// What a Filter decides for a call (its meaning, which the compiled
// program reproduces exactly):
//  1. A call from an arch the filter does not cover gets the bad-arch
//     action (KILL_PROCESS unless set with SetBadArchAction). On x86_64,
//     calls whose number is X32SyscallBit or more (unsigned) are x32
//     calls: they reach only x32 rules, and get the bad-arch action when x32 is not covered;
//     likewise numbers without the bit when only x32 is covered. With
//     SetNrMinusOneDefault, number -1 under AUDIT_ARCH_X86_64 gets the
//     default action instead when x32 is not covered.
//  2. Among the rules for the call's system call on that arch whose
//     conditions all hold, by default (ResolveStricter) the action that
//     the kernel would rank first between stacked filters wins: the lowest
//     action part as a signed 32-bit number (KILL_PROCESS, KILL_THREAD,
//     TRAP, ERRNO, USER_NOTIF, TRACE, LOG, ALLOW). Between equal action
//     parts (ERRNO(1) and ERRNO(13)) the lowest full value wins. So the
//     result never depends on the order rules were added. With
//     SetResolution(ResolveLibseccomp) the rules mean instead what
//     libseccomp makes of them, added in order: it merges a syscall's
//     rules into one comparison tree whose first matching branch decides,
//     in an order defined by the comparisons (see Resolution).
//  3. When no rule matches: the default action, or ERRNO(ENOSYS) for a
//     number above the highest one the arch's table knows when
//     SetUnknownSyscallENOSYS is on (glibc and the Go runtime fall back to
//     older calls only on ENOSYS), and for a call newer than the release
//     given to SetENOSYSAfter; ENOSYS in the arch's errno numbers (see
//     ENOSYS).
//
// On 32-bit ABIs (i386, arm, mips o32, ...) conditions compare the
// zero-extended 32-bit arguments the kernel passes (see Cond); x32 and mips
// n32 compare 64-bit registers. On big-endian ABIs (s390x, ppc64, mips,
// ...) the program loads the halves of a 64-bit argument in their byte
// order (Arch.ByteOrder); the conditions mean the same.
type Filter struct {
	defaultAction Action
	badArch       Action
	arches        []*Arch
	enosys        bool
	enosysAfter   Release            // SetENOSYSAfter; zero: none
	minusOne      bool               // SetNrMinusOneDefault
	hot           map[string]float64 // SetHotSyscalls; nil: DefaultHotSyscalls
	resolution    Resolution         // SetResolution
	multiplex     bool               // SetMultiplexing
	rules         []Rule

	// planned caches what plan returns; nil after a change.
	planned atomic.Pointer[plan]
}

// plan is what Filter.plan returns, without the per-arch plans.
type plan struct {
	cf    *compiler.Filter
	probs []*Problem
}

// changed drops what was derived from the filter.
func (f *Filter) changed() { f.planned.Store(nil) }

// cachedPlan returns the filter's plan, planned once until the filter
// changes: Validate, Lint, Evaluate and Compile share it (a filter of a
// hundred thousand rules is planned once, not each time).
func (f *Filter) cachedPlan() (*compiler.Filter, []*Problem) {
	p := f.planned.Load()
	if p == nil {
		cf, _, probs := f.plan()
		p = &plan{cf: cf, probs: probs}
		f.planned.Store(p)
	}
	// The problems are the caller's: copies.
	probs := make([]*Problem, len(p.probs))
	for i, q := range p.probs {
		c := *q
		probs[i] = &c
	}
	return p.cf, probs
}

// ENOSYS is the errno a call gets from a kernel that does not know it, on
// every arch but mips and parisc, whose errno numbers are their own (89 and
// 251). The ENOSYS answers of a Filter (SetUnknownSyscallENOSYS,
// SetENOSYSAfter) and of GoRuntime are in each arch's numbers; a rule
// written as Errno(ENOSYS) is 38 on every arch, Arch.ENOSYS is the arch's.
const ENOSYS = 38

// NewFilter returns a filter with the given default action, covering the
// given arches (the native arch when none is given; NativeArch reports if
// there is none).
func NewFilter(defaultAction Action, arches ...*Arch) *Filter {
	if len(arches) == 0 {
		if a, err := NativeArch(); err == nil {
			arches = []*Arch{a}
		}
	}
	return &Filter{defaultAction: defaultAction, badArch: ActKillProcess, arches: slices.Clone(arches)}
}

// SetBadArchAction sets what calls from arches the filter does not cover
// get. The default is ActKillProcess.
func (f *Filter) SetBadArchAction(a Action) *Filter { f.badArch = a; f.changed(); return f }

// SetUnknownSyscallENOSYS makes calls whose number is above the highest the
// arch's syscall table knows get ERRNO(ENOSYS) instead of the default
// action, so that programs newer than the tables fall back gracefully.
// The errno is the arch's ENOSYS (89 on mips, 251 on parisc; see ENOSYS).
// Turning it off turns SetENOSYSAfter off too.
func (f *Filter) SetUnknownSyscallENOSYS(on bool) *Filter {
	f.enosys = on
	if !on {
		f.enosysAfter = Release{}
	}
	f.changed()
	return f
}

// SetENOSYSAfter makes every system call that Linux added after release r
// on its arch (Arch.SyscallSince) get ERRNO(ENOSYS) instead of the default
// action when no rule decides it, and so every number above the highest
// the arch's table knows (it turns SetUnknownSyscallENOSYS on): what a
// kernel r would answer for a call it does not have. A filter for
// programs that may run on kernel r then lets them fall back from newer
// calls (clone3 to clone, statx to fstatat, openat2 to openat) even where
// the default action would deny them otherwise; calls the rules allow or
// deny explicitly keep their rules' actions. The zero Release turns the
// release part off again.
//
// The dates are as good as the tables' (see Arch.SyscallSince): a call
// dated too late gets ENOSYS on a kernel that has it, unless a rule decides
// it; name the calls a program relies on.
func (f *Filter) SetENOSYSAfter(r Release) *Filter {
	f.enosysAfter = r
	if r != (Release{}) {
		f.enosys = true
	}
	f.changed()
	return f
}

// Add appends rules.
func (f *Filter) Add(rules ...Rule) *Filter {
	for _, r := range rules {
		r.Conds = slices.Clone(r.Conds)
		f.rules = append(f.rules, r)
	}
	f.changed()
	return f
}

// SetNrMinusOneDefault makes a call with number -1 (0xffffffff) under
// AUDIT_ARCH_X86_64 get the default action when the filter covers x86_64
// but not x32, instead of the bad-arch action that other numbers with
// X32SyscallBit get. It changes nothing else (not even with
// SetUnknownSyscallENOSYS: -1 gets the default action, never ENOSYS).
//
// Number -1 is what a tracer writes to skip a call, and since Linux 4.8
// the kernel runs the filter again after the tracer: libseccomp's programs
// let -1 through to the default action for that reason, and this setting
// reproduces them (package profile turns it on, to mean what runc and crun
// mean). It is off by default.
func (f *Filter) SetNrMinusOneDefault(on bool) *Filter { f.minusOne = on; f.changed(); return f }

// SetHotSyscalls tells the compiler how often a process makes each named
// system call, relative to the others: the program decides the frequent
// ones in fewer comparisons. It changes no decision, and it does not
// lengthen the longest path: the search over system call numbers keeps
// every call within the least longest path any search could have (as the
// compiler counts each argument block's path), and among such searches
// favours the hot calls.
//
// Names are looked up on each arch the filter covers (a name an arch does
// not know is ignored there, so "mmap" and "mmap2" can both be given);
// x32's numbers are never treated as hot. A frequency must be a finite
// number above zero. A nil map restores the default, DefaultHotSyscalls;
// an empty map asks for no preference.
func (f *Filter) SetHotSyscalls(freq map[string]float64) *Filter {
	if freq == nil {
		f.hot = nil
	} else {
		f.hot = maps.Clone(freq)
	}
	f.changed()
	return f
}

// HotSyscalls returns the frequencies the compiler lays the program out
// for: those given to SetHotSyscalls, or DefaultHotSyscalls.
func (f *Filter) HotSyscalls() map[string]float64 {
	if f.hot == nil {
		return DefaultHotSyscalls()
	}
	return maps.Clone(f.hot)
}

// DefaultHotSyscalls returns the system calls a filter is laid out for
// when SetHotSyscalls has not been called, all with frequency 1: read,
// write, futex, epoll_pwait, mmap, munmap, openat, close, fstat,
// newfstatat, clock_gettime, getpid, sched_yield, nanosleep, recvfrom,
// sendto and brk (frequent calls of servers and runtimes: I/O, polling,
// futexes, memory, time), and the same calls under other arches' names
// (mmap2, fstat64, fstatat64, clock_gettime64, futex_time64). A program
// whose hot calls differ (ioctl, readv, poll, ...) should name its own.
func DefaultHotSyscalls() map[string]float64 {
	m := make(map[string]float64, len(defaultHot))
	for _, n := range defaultHot {
		m[n] = 1
	}
	return m
}

var defaultHot = []string{
	"read", "write", "futex", "epoll_pwait", "mmap", "munmap", "openat",
	"close", "fstat", "newfstatat", "clock_gettime", "getpid",
	"sched_yield", "nanosleep", "recvfrom", "sendto", "brk",
	// The same calls under other arches' names.
	"mmap2", "fstat64", "fstatat64", "clock_gettime64", "futex_time64",
}

// AddSyscalls adds one unconditional rule with action a for each named
// system call.
func (f *Filter) AddSyscalls(a Action, names ...string) *Filter {
	for _, n := range names {
		f.rules = append(f.rules, Rule{Syscall: n, Action: a})
	}
	f.changed()
	return f
}

// DefaultAction returns the filter's default action.
func (f *Filter) DefaultAction() Action { return f.defaultAction }

// BadArchAction returns the action for calls from arches the filter does
// not cover.
func (f *Filter) BadArchAction() Action { return f.badArch }

// Arches returns the arches the filter covers.
func (f *Filter) Arches() []*Arch { return slices.Clone(f.arches) }

// Rules returns a copy of the filter's rules.
func (f *Filter) Rules() []Rule {
	out := make([]Rule, len(f.rules))
	for i, r := range f.rules {
		r.Conds = slices.Clone(r.Conds)
		out[i] = r
	}
	return out
}

// Problem is one thing wrong with a filter, naming the rule and system
// call it concerns.
type Problem struct {
	Rule     int    // index of the rule in the order added, -1 for the filter as a whole
	Syscall  string // the system call concerned, if any (name, or number as text)
	Arch     string // the arch concerned, if any
	Severity Severity
	Reason   string
}

// Severity says whether a Problem stops compilation.
type Severity int

const (
	// SeverityError stops Compile.
	SeverityError Severity = iota + 1
	// SeverityWarning does not: a rule that can never decide anything, a
	// duplicate. Lint reports them.
	SeverityWarning
)

func (s Severity) String() string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

func (p *Problem) Error() string {
	var b strings.Builder
	b.WriteString("seccomp filter: ")
	if p.Rule >= 0 {
		fmt.Fprintf(&b, "rule %d", p.Rule)
		if p.Syscall != "" {
			fmt.Fprintf(&b, " (%s)", p.Syscall)
		}
		if p.Arch != "" {
			fmt.Fprintf(&b, " on %s", p.Arch)
		}
		b.WriteString(": ")
	}
	b.WriteString(p.Reason)
	return b.String()
}

// Validate returns every error in the filter at once (errors.Join of
// *Problem), or nil. Compile fails with the same errors.
func (f *Filter) Validate() error {
	_, probs := f.cachedPlan()
	return problemsError(probs, SeverityError)
}

// Lint returns the warnings about the filter: rules that can never decide
// because the rules tried before them (by precedence) match every call
// they match, one of them (shadowed, or a duplicate) or several together,
// and conditions whose value a 32-bit ABI's arguments cannot reach (they
// always or never hold there; see Cond). Rules that can never decide are
// left out of the compiled program. Several rules together are looked for
// in system calls with up to 256 rules, within a bound on the work.
func (f *Filter) Lint() []*Problem {
	_, probs := f.cachedPlan()
	var out []*Problem
	for _, p := range probs {
		if p.Severity == SeverityWarning {
			out = append(out, p)
		}
	}
	return out
}

// Evaluate returns what the filter decides for d, by its definition (see
// Filter), without BPF: the reference the compiled program agrees with. It
// assumes a valid filter: rules with errors are ignored.
func (f *Filter) Evaluate(d Data) Action {
	cf, _ := f.cachedPlan()
	return Action(cf.Evaluate(d.Nr, uint32(d.Arch), &d.Args))
}

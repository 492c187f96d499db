package profile

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/net/bpf"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/cond"
	"github.com/seccomp-go/seccomp/internal/uapi"
)

// Options say what a profile is resolved and compiled for.
type Options struct {
	// Arch is the target: the arch of the container's processes, which
	// the filter always covers (as libseccomp's native arch). Nil means
	// the arch this program runs on.
	Arch *seccomp.Arch
	// Caps is the capability set Docker's includes and excludes look at
	// (see NormalizeCaps for the accepted spellings). Nil means
	// DefaultCaps; an empty non-nil slice means no capabilities.
	Caps []string
	// Kernel is the kernel version Docker's minKernel looks at. Nil means
	// the running kernel (RunningKernel), read only when an entry has a
	// minKernel.
	Kernel *KernelVersion
	// BadArchAction is what calls from arches the filter does not cover
	// get. Nil means KILL_THREAD, libseccomp's default, which neither runc
	// nor crun changes.
	BadArchAction *seccomp.Action
	// ENOSYSAboveHighest adds what runc (and only runc) prepends to
	// libseccomp's program: calls whose number is above the highest number
	// of any system call the profile names, on their arch, get
	// ERRNO(ENOSYS), so that programs fall back from system calls newer
	// than the profile. It applies only when the default action is not
	// permissive (not ALLOW, LOG or TRACE). Off by default, as in crun and
	// libseccomp.
	ENOSYSAboveHighest bool
	// ENOSYSAfterKernel makes the system calls that the kernel the profile
	// is resolved for does not have yet get ERRNO(ENOSYS), unless an entry
	// decides them: the calls Linux added after Kernel (the release
	// Docker's minKernel looks at: Options.Kernel, or the running kernel's)
	// on their arch, by the tables' dates (seccomp.Filter.SetENOSYSAfter),
	// and the numbers above the tables. A program then falls back from
	// calls the kernel lacks (clone3 to clone) even where the default
	// action would deny them with another errno. Off by default: runc and
	// crun do not do it (runc's stub is ENOSYSAboveHighest).
	ENOSYSAfterKernel bool
	// StricterWins resolves conditional rules of one system call that
	// overlap with different actions by the stricter action
	// (seccomp.ResolveStricter: KILL_PROCESS, KILL_THREAD, TRAP, ERRNO,
	// USER_NOTIF, TRACE, LOG, ALLOW; the lowest errno between two
	// ERRNOs), whatever the order of the entries, instead of libseccomp's
	// order (seccomp.ResolveLibseccomp), which is what the profile means to
	// runc and crun. See the package documentation.
	StricterWins bool
}

func (o Options) target() (*seccomp.Arch, error) {
	if o.Arch != nil {
		return o.Arch, nil
	}
	a, err := seccomp.NativeArch()
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	return a, nil
}

func (o Options) kernel() (KernelVersion, error) {
	if o.Kernel != nil {
		return *o.Kernel, nil
	}
	return RunningKernel()
}

// Result is a profile resolved into a filter.
type Result struct {
	// Profile is the OCI profile the filter was built from (for a Docker
	// profile, the one resolved for the options).
	Profile *Seccomp
	// Filter has the profile's meaning, apart from the ENOSYS stub of
	// Options.ENOSYSAboveHighest, which Compile and Evaluate add.
	Filter *seccomp.Filter
	// Flags are the profile's flags, with NEW_LISTENER when an entry uses
	// SCMP_ACT_NOTIFY (as runc sets it).
	Flags seccomp.FilterFlag
	// Warnings lists what was skipped or has no effect.
	Warnings []Warning
	// Highest is the highest number of a system call the profile names, on
	// each arch, when the ENOSYS stub is on (see Options.ENOSYSAboveHighest).
	Highest map[*seccomp.Arch]int32
}

// archByName returns the arch an SCMP_ARCH_* name (exactly as the OCI
// runtime-spec spells it) denotes: every arch of seccomp.Arches has one.
func archByName(n Arch) (*seccomp.Arch, bool) {
	for _, a := range seccomp.Arches() {
		if a.SCMPArch() == string(n) {
			return a, true
		}
	}
	return nil, false
}

// otherArches are the SCMP_ARCH_* names libseccomp knows that have no
// syscall table here: riscv32, which the kernel's tables have but no
// runtime targets yet.
var otherArches = map[Arch]bool{"SCMP_ARCH_RISCV32": true}

// ArchName returns the SCMP_ARCH_* name of a (a.SCMPArch()).
func ArchName(a *seccomp.Arch) Arch { return Arch(a.SCMPArch()) }

func unknownArch(a Arch) string {
	return fmt.Sprintf("unknown architecture %s (SCMP_ARCH_X86_64, SCMP_ARCH_AARCH64 and the like)", quote(string(a)))
}

var flagNames = map[Flag]seccomp.FilterFlag{
	FlagTSync:            seccomp.FlagTSync,
	FlagLog:              seccomp.FlagLog,
	FlagSpecAllow:        seccomp.FlagSpecAllow,
	FlagWaitKillableRecv: seccomp.FlagWaitKillableRecv,
}

var opNames = map[Operator]seccomp.Op{
	OpNotEqual: seccomp.OpNe, OpLessThan: seccomp.OpLt, OpLessEqual: seccomp.OpLe, OpEqualTo: seccomp.OpEq,
	OpGreaterEqual: seccomp.OpGe, OpGreaterThan: seccomp.OpGt, OpMaskedEqual: seccomp.OpMaskedEq,
}

const eperm = 1

// action maps an SCMP_ACT_* name and its errnoRet to the action, or
// returns why it cannot (reason, and the field concerned: "" for the
// action, "errnoRet" for the errno).
func action(a Action, errnoRet *uint) (seccomp.Action, string, string) {
	withData := func(base seccomp.Action, max uint) (seccomp.Action, string, string) {
		n := uint(eperm)
		if errnoRet != nil {
			n = *errnoRet
		}
		if n > max {
			return 0, "errnoRet", fmt.Sprintf("%d is out of range for %s (0 to %d)", n, a, max)
		}
		return base | seccomp.Action(n), "", ""
	}
	var act seccomp.Action
	switch a {
	case ActKill, ActKillThread:
		act = seccomp.ActKillThread
	case ActKillProcess:
		act = seccomp.ActKillProcess
	case ActTrap:
		act = seccomp.ActTrap
	case ActErrno:
		// libseccomp refuses ERRNO(4095), the kernel's MAX_ERRNO: one
		// less is the largest errno a profile can give.
		return withData(seccomp.ActErrno, seccomp.MaxErrno-1)
	case ActTrace:
		return withData(seccomp.ActTrace, 0xffff)
	case ActAllow:
		act = seccomp.ActAllow
	case ActLog:
		act = seccomp.ActLog
	case ActNotify:
		act = seccomp.ActUserNotif
	case "":
		return 0, "", "missing: every entry needs an action (SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, ...)"
	default:
		return 0, "", fmt.Sprintf("unknown action %s", quote(string(a)))
	}
	if errnoRet != nil {
		return 0, "errnoRet", fmt.Sprintf("%s takes no errno (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)", a)
	}
	return act, "", ""
}

// entryRules is an entry turned into libseccomp rules: its action and its
// condition sets (one per rule; several when an argument index repeats).
type entryRules struct {
	action seccomp.Action
	sets   [][]seccomp.Cond
	args   [][]int // the index in the entry's args of each condition of sets
}

// rule is one libseccomp rule made from an entry: a name, an action and
// conditions that must all hold.
type rule struct {
	entry  int
	name   string
	action seccomp.Action
	conds  []seccomp.Cond
}

// Build checks the OCI profile and resolves it into a filter for o.Arch,
// with the meaning runc and crun give it through libseccomp (see the
// package doc). Every error is returned at once (*Error, joined), and
// nothing is built from a profile with an error.
func (s *Seccomp) Build(o Options) (*Result, error) {
	r, err := s.build(o, false)
	if r != nil {
		r.Warnings = locateWarnings(s.where, r.Warnings)
	}
	return r, locate(s.where, err)
}

// build is Build; with checkOnly, it stops after checking the header and
// the entries one by one, and returns their errors only.
func (s *Seccomp) build(o Options, checkOnly bool) (*Result, error) {
	target, err := o.target()
	if err != nil {
		return nil, err
	}
	var errs []error
	var warns []Warning
	// entry is an index in s.Syscalls, or -1; the messages name the
	// entry's index in the file (s.entryIndex), and field is its path
	// there.
	fail := func(entry int, field, sys, format string, a ...any) {
		if entry >= 0 {
			entry = s.entryIndex(entry)
		}
		errs = append(errs, &Error{Entry: entry, Field: field, Syscall: sys, Reason: fmt.Sprintf(format, a...)})
	}
	warn := func(kind WarningKind, entry int, field, sys, arch, format string, a ...any) {
		if entry >= 0 {
			entry = s.entryIndex(entry)
		}
		warns = append(warns, Warning{Kind: kind, Entry: entry, Field: field, Syscall: sys, Arch: arch, Reason: fmt.Sprintf(format, a...)})
	}

	def, field, why := action(s.DefaultAction, s.DefaultErrnoRet)
	switch {
	case why != "" && field == "errnoRet" && s.from != nil && s.from.defaultErrno:
		fail(-1, "defaultErrno", "", "%s", why) // Podman's, which gave defaultErrnoRet
	case why != "" && field == "errnoRet":
		fail(-1, "defaultErrnoRet", "", "%s", why)
	case why != "":
		fail(-1, "defaultAction", "", "%s", why)
	case def == seccomp.ActUserNotif:
		fail(-1, "defaultAction", "", "SCMP_ACT_NOTIFY cannot be the default action: the runtime itself would block on the calls it makes to set up notification (runc refuses it too)")
	}

	arches := []*seccomp.Arch{target}
	for i, a := range s.Architectures {
		m, ok := archByName(a)
		switch {
		case ok && m.ByteOrder() != target.ByteOrder():
			warn(WarnArchSkipped, -1, fmt.Sprintf("architectures[%d]", i), "", string(a),
				"%s skipped: its byte order is not the one of %s, the target, and libseccomp cannot mix byte orders in one filter (runc fails on such a profile, EDOM), so the filter does not cover it (its calls get the bad-arch action)", a, target.Name)
		case ok:
			if !slices.Contains(arches, m) {
				arches = append(arches, m)
			}
		case otherArches[a]:
			warn(WarnArchSkipped, -1, fmt.Sprintf("architectures[%d]", i), "", string(a),
				"%s skipped: there is no syscall table for it here, so the filter does not cover it (its calls get the bad-arch action)", a)
		default:
			fail(-1, fmt.Sprintf("architectures[%d]", i), "", "%s", unknownArch(a))
		}
	}

	var flags seccomp.FilterFlag
	for i, f := range s.Flags {
		ff, ok := flagNames[f]
		if !ok {
			fail(-1, fmt.Sprintf("flags[%d]", i), "", "unknown flag %s (SECCOMP_FILTER_FLAG_TSYNC, _LOG, _SPEC_ALLOW or _WAIT_KILLABLE_RECV)", quote(string(f)))
		}
		flags |= ff
	}

	// Check every entry and turn it into condition sets.
	entries := make([]*entryRules, len(s.Syscalls))
	notify := false
	for i, e := range s.Syscalls {
		where := s.entryField(i)
		sys := ""
		if len(e.Names) > 0 {
			sys = e.Names[0]
		}
		act, field, why := action(e.Action, e.ErrnoRet)
		if why != "" {
			switch field {
			case "":
				field = "action"
			case "errnoRet":
				field = s.errnoField(i)
			}
			fail(i, join(where, field), sys, "%s", why)
		}
		if act == seccomp.ActUserNotif && why == "" {
			notify = true
			if k := slices.Index(e.Names, "write"); k >= 0 {
				fail(i, s.nameField(i, k), sys, "SCMP_ACT_NOTIFY cannot be used for write: the runtime writes the notification descriptor to its parent with it (runc refuses it too)")
			}
		}
		for j, n := range e.Names {
			if n == "" {
				fail(i, s.nameField(i, j), sys, "empty system call name")
			}
		}
		if len(e.Names) == 0 {
			warn(WarnIgnored, i, where, "", "", "no names: the entry does nothing")
		}
		var conds []seccomp.Cond
		var argIdx []int
		count := [6]int{}
		bad := false
		for j, a := range e.Args {
			aw := fmt.Sprintf("%s.args[%d]", where, j)
			op, ok := opNames[a.Op]
			if !ok {
				bad = true
				if a.Op == "" {
					fail(i, aw+".op", sys, "missing operator (SCMP_CMP_EQ, SCMP_CMP_MASKED_EQ, ...)")
				} else {
					fail(i, aw+".op", sys, "unknown operator %s", quote(string(a.Op)))
				}
			}
			if a.Index > 5 {
				bad = true
				fail(i, aw+".index", sys, "argument index %d: system calls have arguments 0 to 5", a.Index)
				continue
			}
			count[a.Index]++
			c := seccomp.Cond{Arg: int(a.Index), Op: op, Value: a.Value}
			if op == seccomp.OpMaskedEq {
				// libseccomp compares (arg & mask) == (datum & mask).
				c.Mask, c.Value = a.Value, a.ValueTwo&a.Value
			} else if a.ValueTwo != 0 && ok {
				warn(WarnIgnored, i, aw+".valueTwo", sys, "", "valueTwo is used only by SCMP_CMP_MASKED_EQ: ignored for %s", a.Op)
			}
			conds = append(conds, c)
			argIdx = append(argIdx, j)
		}
		if bad || why != "" {
			continue
		}
		er := &entryRules{action: act}
		switch {
		case len(conds) == 0:
			er.sets, er.args = [][]seccomp.Cond{nil}, [][]int{nil}
		case slices.ContainsFunc(count[:], func(n int) bool { return n > 1 }):
			// An argument index repeats: runc and crun add each condition
			// as a rule of its own (libseccomp takes one per argument).
			for k, c := range conds {
				er.sets = append(er.sets, []seccomp.Cond{c})
				er.args = append(er.args, []int{argIdx[k]})
			}
		default:
			er.sets, er.args = [][]seccomp.Cond{conds}, [][]int{argIdx}
		}
		entries[i] = er
	}
	if len(errs) > 0 || checkOnly {
		return nil, errors.Join(errs...)
	}
	if notify {
		flags |= seccomp.FlagNewListener
		if s.ListenerPath == "" {
			warn(WarnIgnored, -1, "listenerPath", "", "", "an entry uses SCMP_ACT_NOTIFY but listenerPath is empty: nobody will receive the notifications")
		}
	}

	// Names in the order the profile first gives them.
	var order []string
	seen := map[string]bool{}
	for i, e := range s.Syscalls {
		if entries[i].action == def {
			continue
		}
		for _, n := range e.Names {
			if !seen[n] {
				seen[n] = true
				order = append(order, n)
			}
		}
	}

	// Rules on socket and IPC calls decide socketcall and ipc too, as
	// libseccomp makes them (seccomp.Filter.SetMultiplexing).
	f := seccomp.NewFilter(def, arches...).SetNrMinusOneDefault(true).SetMultiplexing(true)
	if o.StricterWins {
		f.SetResolution(seccomp.ResolveStricter)
	} else {
		f.SetResolution(seccomp.ResolveLibseccomp)
	}
	var ruleEntry []int // the entry of each rule added to f
	bad := seccomp.ActKillThread
	if o.BadArchAction != nil {
		bad = *o.BadArchAction
	}
	f.SetBadArchAction(bad)
	archList := func(as []*seccomp.Arch) string {
		names := make([]string, len(as))
		for i, a := range as {
			names[i] = a.Name
		}
		return strings.Join(names, ", ")
	}
	overridden := map[[2]int]bool{} // {entry, overriding entry} warned about
	// Names that are one call on an arch (arm's arm_sync_file_range and
	// sync_file_range2) make one set of rules there, from the entries that
	// name either, as libseccomp resolves names to numbers first.
	done := map[*seccomp.Arch]map[int32]bool{}
	namesOf := map[*seccomp.Arch]map[int32][]string{} // the names of each number, in order
	for _, a := range arches {
		done[a] = map[int32]bool{}
		namesOf[a] = map[int32][]string{}
		for _, n := range order {
			if nr, ok := a.Syscall(n); ok {
				namesOf[a][nr] = append(namesOf[a][nr], n)
			}
		}
	}
	// The entries of each name, and the first one, once for all names: a
	// profile may name a million calls.
	byName := map[string][]int{}
	for i, e := range s.Syscalls {
		for _, n := range e.Names {
			if l := byName[n]; len(l) == 0 || l[len(l)-1] != i {
				byName[n] = append(l, i)
			}
		}
	}
	// nameIndex returns the index of n among the names of entry i: a scan,
	// or a map made once for an entry of many names (a profile may name a
	// million calls in one entry).
	posOf := map[int]map[string]int{}
	nameIndex := func(i int, n string) int {
		names := s.Syscalls[i].Names
		if len(names) <= 16 {
			return slices.Index(names, n)
		}
		m := posOf[i]
		if m == nil {
			m = make(map[string]int, len(names))
			for k := len(names) - 1; k >= 0; k-- {
				m[names[k]] = k // the first one wins
			}
			posOf[i] = m
		}
		return m[n]
	}
	// firstEntry returns the first entry that names n and is not the
	// default action (the entries order comes from), and the path of the
	// name there.
	firstEntry := func(n string) (int, string) {
		for _, i := range byName[n] {
			if entries[i].action != def {
				return i, s.nameField(i, nameIndex(i, n))
			}
		}
		return -1, ""
	}
	for _, n := range order {
		var missing, present []*seccomp.Arch
		for _, a := range arches {
			_, ok := a.Syscall(n)
			if _, _, mux := a.MultiplexedBy(n); ok || mux {
				present = append(present, a) // directly, or through socketcall or ipc
			} else {
				missing = append(missing, a)
			}
		}
		if len(present) == 0 {
			i, field := firstEntry(n)
			warn(WarnUnknownSyscall, i, field, n, archList(arches), "unknown system call %s on %s: skipped", quote(n), archList(arches))
			continue
		}
		if len(missing) > 0 {
			i, field := firstEntry(n)
			warn(WarnSyscallNotOnArch, i, field, n, archList(missing), "system call %s does not exist on %s: skipped there", quote(n), archList(missing))
		}
		for _, a := range present {
			nr, direct := a.Syscall(n)
			if direct && done[a][nr] {
				continue
			}
			if direct {
				done[a][nr] = true
			}
			names := []string{n} // a name its multiplexer makes alone has no other
			if direct {
				names = namesOf[a][nr] // n first: the first name of nr in order
			}
			var idx []int
			for _, m := range names {
				idx = append(idx, byName[m]...)
			}
			if len(names) > 1 {
				slices.Sort(idx)
				idx = slices.Compact(idx)
			}
			rs, errs2 := archRules(s, entries, def, idx, n, a, !o.StricterWins, overridden, warn)
			errs = append(errs, errs2...)
			for _, r := range rs {
				f.Add(seccomp.Rule{Syscall: n, Arch: a, Action: r.action, Conds: r.conds})
				ruleEntry = append(ruleEntry, r.entry)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := f.Validate(); err != nil {
		if errs := refused(s, err, ruleEntry); errs != nil {
			return nil, errs
		}
		return nil, fmt.Errorf("profile: internal error: the filter built from the profile is not valid: %w", err)
	}
	if o.ENOSYSAfterKernel {
		k, err := o.kernel()
		if err != nil {
			return nil, fmt.Errorf("profile: ENOSYSAfterKernel: %w", err)
		}
		f.SetENOSYSAfter(k.Release())
	}
	res := &Result{Profile: s, Filter: f, Flags: flags, Warnings: warns}
	if o.ENOSYSAboveHighest && !permissive(def) {
		res.Highest = highest(s, arches)
	}
	return res, nil
}

// refused returns the rules libseccomp refuses among the errors of
// Validate (its resolution merges a call's rules as libseccomp does, and
// refuses what libseccomp refuses, EEXIST), as errors naming the entries,
// or nil if any error is of another kind.
func refused(s *Seccomp, err error, ruleEntry []int) error {
	var errs []error
	for _, e := range unjoin(err) {
		var p *seccomp.Problem
		if !errors.As(e, &p) || p.Rule < 0 || p.Rule >= len(ruleEntry) || !strings.Contains(p.Reason, "libseccomp refuses") {
			return nil
		}
		i := ruleEntry[p.Rule]
		errs = append(errs, &Error{Entry: s.entryIndex(i), Field: s.entryField(i), Syscall: p.Syscall,
			Reason: fmt.Sprintf("%s on %s: %s, with the entries before it: libseccomp refuses such a profile", p.Syscall, p.Arch, p.Reason)})
	}
	return errors.Join(errs...)
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// archRules returns the rules of a system call on arch a (names are its
// names there, the first the one the rules carry), as libseccomp
// keeps them when runc adds the entries in order: entries equal to the
// default action are gone; conditions that always hold on a are dropped
// (SCMP_CMP_MASKED_EQ with a mask that is zero on the bits a compares), so
// a rule may become unconditional on some arches only; the first
// unconditional rule decides, and replaces the conditional rules before
// it and after it; on 32-bit arches and x32 the conditions compare the low
// 32 bits; rules no call can match are skipped with a warning (kept, with
// the warning, when keepNever: libseccomp merges them too).
func archRules(s *Seccomp, entries []*entryRules, def seccomp.Action, idx []int, n string, a *seccomp.Arch, keepNever bool, overridden map[[2]int]bool,
	warn func(kind WarningKind, entry int, field, sys, arch, format string, a ...any)) ([]rule, []error) {
	w32 := width32(a)
	var rs []rule
	// The conditional rules libseccomp puts in its tree, by their set of
	// conditions: the first, and the first with another action than it.
	type added struct {
		first, other *rule
	}
	inserted := map[string]*added{}
	var errs []error
	uncond := -1
	for _, i := range idx {
		er := entries[i]
		if er.action == def {
			continue
		}
		for si, set := range er.sets {
			var conds []seccomp.Cond
			var args []int // the index in the entry's args of each of conds
			for ci, c := range set {
				if w32 && c.Value > 0xffffffff {
					// libseccomp compares the low halves only there: so
					// does the filter (Width32), and the value's high
					// half is lost.
					warn(WarnValueWidth, i, fmt.Sprintf("%s.args[%d]", s.entryField(i), er.args[si][ci]), n, a.Name,
						"%s on %s: %v: the value does not fit in 32 bits, and on %s libseccomp (so runc, and this filter) compares only the low 32 bits of arguments and values: this is %v there",
						n, a.Name, c, a.Name, seccomp.Cond{Arg: c.Arg, Op: c.Op, Value: c.Value & 0xffffffff, Mask: c.Mask & 0xffffffff, Width32: true})
				}
				c.Width32 = w32
				if c.Op == seccomp.OpMaskedEq && toCond(c).Normalize(w32).Mask == 0 {
					continue // always holds: libseccomp drops it
				}
				conds = append(conds, c)
				args = append(args, er.args[si][ci])
			}
			r := rule{entry: i, name: n, action: er.action, conds: conds}
			if uncond >= 0 {
				if r.action != rs[0].action && !overridden[[2]int{i, uncond}] {
					overridden[[2]int{i, uncond}] = true
					warn(WarnIgnored, i, s.entryField(i), n, a.Name,
						"%s: %s decides it unconditionally before this entry, which changes nothing for it (as in libseccomp, the first unconditional rule wins)", n, s.entryRef(uncond))
				}
				continue
			}
			if len(conds) == 0 {
				for _, q := range rs {
					if q.action != r.action && !overridden[[2]int{q.entry, i}] {
						overridden[[2]int{q.entry, i}] = true
						warn(WarnIgnored, q.entry, s.entryField(q.entry), n, a.Name,
							"%s: %s decides it unconditionally, which overrides this entry's conditional rule (as in libseccomp)", n, s.entryRef(i))
					}
				}
				uncond = i
				rs = []rule{r}
				continue
			}
			// Same conditions as a rule before, another action: libseccomp
			// refuses it (EEXIST) as it adds it, even if an unconditional
			// entry comes later.
			key := cond.Key(normalize(r.conds, w32))
			in := inserted[key]
			var q *rule // the first rule before with the same conditions and another action
			switch {
			case in == nil:
				inserted[key] = &added{first: &r}
			case in.first.action != r.action:
				q = in.first
			case in.other != nil:
				q = in.other
			}
			if in != nil && in.other == nil && in.first.action != r.action {
				in.other = &r
			}
			if q != nil {
				errs = append(errs, &Error{Entry: s.entryIndex(i), Field: s.entryField(i), Syscall: n,
					Reason: fmt.Sprintf("%s on %s: the same conditions (%s) as %s, with another action (%v, not %v): libseccomp refuses such a profile",
						n, a.Name, listConds(r.conds), s.entryRef(q.entry), r.action, q.action)})
			}
			if why := cond.Unsatisfiable(normalize(conds, w32)); why != "" {
				field := s.entryField(i) + ".args"
				if len(args) == 1 {
					field = fmt.Sprintf("%s[%d]", field, args[0]) // the one condition left
				}
				warn(WarnIgnored, i, field, n, a.Name,
					"%s on %s: no call can match (%s): the rule never applies", n, a.Name, why)
				if !keepNever {
					continue
				}
				// libseccomp keeps it in its tree, where it can change how
				// the rules after it merge.
			}
			rs = append(rs, r)
		}
	}
	return rs, errs
}

// permissive is runc's isAllowAction: no ENOSYS stub for these defaults.
func permissive(a seccomp.Action) bool {
	switch a.Kind() {
	case seccomp.ActAllow, seccomp.ActLog, seccomp.ActTrace:
		return true
	}
	return false
}

// highest returns, per arch, the highest number of a name of any entry
// (whatever its action, as runc counts them), for the arches where the
// profile names at least one known system call other than number 0.
func highest(s *Seccomp, arches []*seccomp.Arch) map[*seccomp.Arch]int32 {
	out := map[*seccomp.Arch]int32{}
	for _, a := range arches {
		var max int32
		found := false
		for _, e := range s.Syscalls {
			for _, n := range e.Names {
				if nr, ok := a.Syscall(n); ok && (!found || uint32(nr) > uint32(max)) {
					max, found = nr, true
				}
			}
		}
		// runc skips an arch whose largest number is 0 (only read named
		// on x86_64, say): it takes 0 for "none".
		if found && max != 0 && max != seccomp.X32SyscallBit { // x32's 0 is the bit alone
			out[a] = max
		}
	}
	return out
}

// width32 reports whether libseccomp compares only the low 32 bits of
// arguments on a: on the ABIs whose word is 32 bits, x32 and mips n32
// included, which it takes for 32-bit ABIs although their calls pass
// 64-bit registers.
func width32(a *seccomp.Arch) bool { return a.WordSize() == 32 }

// toCond returns c as package cond has it.
func toCond(c seccomp.Cond) cond.Cond {
	return cond.Cond{Arg: c.Arg, Op: cond.Op(c.Op), Value: c.Value, Mask: c.Mask, Width32: c.Width32}
}

// listConds prints conditions joined with " && ".
func listConds(cs []seccomp.Cond) string {
	out := make([]cond.Cond, len(cs))
	for i, c := range cs {
		out[i] = toCond(c)
	}
	return cond.List(out)
}

// normalize returns the conditions as they are evaluated on an arch (whose
// conditions are all 32-bit ones when w32): the meaning package cond
// gives them, which the Filter's checks and compiler use.
func normalize(cs []seccomp.Cond, w32 bool) []cond.Cond {
	out := make([]cond.Cond, len(cs))
	for i, c := range cs {
		out[i] = toCond(c).Normalize(w32)
	}
	return out
}

// Evaluate returns what the profile's filter decides for d, with the
// ENOSYS stub when it is on: the reference the compiled program agrees
// with.
func (r *Result) Evaluate(d seccomp.Data) seccomp.Action {
	if r.stubENOSYS(d) {
		return seccomp.Errno(uapi.ENOSYSOf(uint32(d.Arch)))
	}
	return r.Filter.Evaluate(d)
}

// stubENOSYS reports whether runc's stub answers ENOSYS for d. On
// AUDIT_ARCH_X86_64 it tells x32 calls by the x32 bit alone (as runc's
// JSET does).
func (r *Result) stubENOSYS(d seccomp.Data) bool {
	if len(r.Highest) == 0 {
		return false
	}
	x32 := uint32(d.Nr)&seccomp.X32SyscallBit != 0
	for a, max := range r.Highest {
		if a.AuditArch != d.Arch {
			continue
		}
		if d.Arch == seccomp.AuditArchX86_64 && x32 != (a == seccomp.ArchX32) {
			continue
		}
		return uint32(d.Nr) > uint32(max)
	}
	return false
}

// Compile compiles the filter, with the ENOSYS stub in front when it is on.
func (r *Result) Compile() (seccomp.Program, error) {
	p, err := r.Filter.Compile()
	if err != nil || len(r.Highest) == 0 {
		return p, err
	}
	var src seccomp.Source
	src.Add(bpf.LoadAbsolute{Off: seccomp.OffsetArch, Size: 4})
	// One section per audit arch token, in the filter's arch order.
	type section struct {
		token    seccomp.AuditArch
		native   *int32
		x32      *int32
		labelSec string
		enosys   string // the label of its ERRNO(ENOSYS), in its arch's errno numbers
	}
	var secs []*section
	for _, a := range r.Filter.Arches() {
		max, ok := r.Highest[a]
		if !ok {
			continue
		}
		var sec *section
		for _, s := range secs {
			if s.token == a.AuditArch {
				sec = s
			}
		}
		if sec == nil {
			sec = &section{token: a.AuditArch, labelSec: fmt.Sprintf("sec%d", len(secs)), enosys: "enosys"}
			if uapi.ENOSYSOf(uint32(a.AuditArch)) != uapi.ENOSYS {
				sec.enosys = sec.labelSec + "enosys"
			}
			secs = append(secs, sec)
		}
		if a == seccomp.ArchX32 {
			sec.x32 = &max
		} else {
			sec.native = &max
		}
	}
	for _, s := range secs {
		src.JumpIf(bpf.JumpEqual, uint32(s.token), s.labelSec, "")
	}
	src.Jump("filter")
	for _, s := range secs {
		src.Label(s.labelSec)
		src.Add(bpf.LoadAbsolute{Off: seccomp.OffsetNr, Size: 4})
		switch {
		case s.token != seccomp.AuditArchX86_64:
			src.JumpIf(bpf.JumpGreaterThan, uint32(*s.native), s.enosys, "filter")
		case s.x32 == nil:
			src.JumpIf(bpf.JumpBitsSet, seccomp.X32SyscallBit, "filter", "")
			src.JumpIf(bpf.JumpGreaterThan, uint32(*s.native), s.enosys, "filter")
		case s.native == nil:
			src.JumpIf(bpf.JumpBitsSet, seccomp.X32SyscallBit, "", "filter")
			src.JumpIf(bpf.JumpGreaterThan, uint32(*s.x32), s.enosys, "filter")
		default:
			x := s.labelSec + "x32"
			src.JumpIf(bpf.JumpBitsSet, seccomp.X32SyscallBit, x, "")
			src.JumpIf(bpf.JumpGreaterThan, uint32(*s.native), s.enosys, "filter")
			src.Label(x)
			src.JumpIf(bpf.JumpGreaterThan, uint32(*s.x32), s.enosys, "filter")
		}
	}
	done := map[string]bool{}
	for _, s := range secs {
		if !done[s.enosys] {
			done[s.enosys] = true
			src.Label(s.enosys)
			src.Add(bpf.RetConstant{Val: uint32(seccomp.Errno(uapi.ENOSYSOf(uint32(s.token))))})
		}
	}
	src.Label("filter")
	for _, in := range p {
		src.Add(in)
	}
	out, err := src.Assemble()
	if err != nil {
		return nil, fmt.Errorf("profile: internal error: %w", err)
	}
	if len(out) > seccomp.MaxInstructions {
		return nil, &seccomp.CompileError{Instructions: len(out)}
	}
	if err := seccomp.Verify(out); err != nil {
		return nil, fmt.Errorf("profile: internal error: compiled program does not verify: %w", err)
	}
	return out, nil
}

// Load reads a profile as Parse does (in Docker's, Podman's or OCI's
// format, or a whole config.json), resolves it for o as Resolve does and
// builds its filter as Build does. Warnings of every step are in the
// result.
//
// Errors (*Error, joined) name the field. They are every problem at once:
// when some fields cannot be decoded (a string where a number belongs),
// the rest of the profile is still checked as Resolve and Build check it,
// and its errors come with theirs (but for the ones that follow from
// them). Nothing is built from a profile with an error.
func Load(data []byte, o Options) (*Result, error) {
	d, warns, errs := parse(data, true)
	if len(errs) > 0 {
		if d != nil {
			errs = append(errs, d.check(o, errs)...)
		}
		return nil, errors.Join(errs...)
	}
	d.builtin = bytes.Equal(data, defaultJSON)
	return d.build(o, warns)
}

// check returns the errors Resolve and Build's checks of the header and
// the entries find in a profile that was decoded only in part, leaving
// out those in (or under) a field that could not be decoded: they follow
// from the decoding errors decoded.
func (d *Docker) check(o Options, decoded []error) []error {
	var bad []string
	for _, e := range decoded {
		var pe *Error
		if errors.As(e, &pe) {
			bad = append(bad, pe.Field)
		}
	}
	under := func(f string) bool {
		for _, b := range bad {
			if f == b || strings.HasPrefix(f, b+".") || strings.HasPrefix(f, b+"[") {
				return true
			}
		}
		return false
	}
	var out []error
	keep := func(err error) {
		for _, e := range unjoin(err) {
			var pe *Error
			if errors.As(e, &pe) && pe.Field != "" && pe.Field != d.where && !under(pe.Field) {
				out = append(out, e)
			}
		}
	}
	s, _, err := d.Resolve(o)
	if err != nil {
		keep(err)
		return out
	}
	_, err = s.build(o, true)
	keep(locate(s.where, err))
	return out
}

func (d *Docker) build(o Options, warns []Warning) (*Result, error) {
	s, w, err := d.Resolve(o)
	if err != nil {
		return nil, err
	}
	r, err := s.Build(o)
	if err != nil {
		return nil, err
	}
	r.Warnings = append(append(warns, w...), r.Warnings...)
	return r, nil
}

// Build resolves the Docker profile for o (Resolve) and builds its filter.
func (d *Docker) Build(o Options) (*Result, error) { return d.build(o, nil) }

package analyze

import (
	"fmt"
	"slices"
	"strings"

	"github.com/seccomp-go/seccomp"
	"golang.org/x/net/bpf"
)

// Severity ranks findings: Info < Low < Medium < High.
type Severity int

// The severities, in increasing order.
const (
	Info   Severity = iota + 1 // worth knowing, nothing to fix
	Low                        // a weakness or a mistake with little impact
	Medium                     // weakens the sandbox; fix unless intended
	High                       // the filter can be bypassed, or lets out of the sandbox
)

var severityNames = []string{Info: "info", Low: "low", Medium: "medium", High: "high"}

// String returns info, low, medium or high.
func (s Severity) String() string {
	if s >= Info && s <= High {
		return severityNames[s]
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// ParseSeverity returns the severity named s (info, low, medium, high, in
// any case).
func ParseSeverity(s string) (Severity, bool) {
	for i, n := range severityNames {
		if n != "" && strings.EqualFold(n, s) {
			return Severity(i), true
		}
	}
	return 0, false
}

// MarshalText returns the name of the severity, for JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// The checks of Audit, as Finding.Check names them.
const (
	CheckNoArchCheck = "no-arch-check" // a call allowed on a path that never loads seccomp_data.arch
	CheckBadArch     = "bad-arch"      // calls from arches the program does not accept are allowed
	CheckX32         = "x32"           // x32 calls are allowed
	CheckCompat      = "compat"        // calls of a 32-bit compat ABI (i386, arm, mips o32 and n32, ppc, s390, parisc) are allowed
	CheckSibling     = "sibling"       // a call is denied but another that does the same is allowed
	CheckKillThread  = "kill-thread"   // KILL_THREAD as a default action
	CheckEscape      = "escape"        // an allowed call grants a way out of the sandbox (clone, unshare and personality: for the argument values that do)
	CheckComputed    = "computed"      // the action returned is computed from the input
	CheckUnreachable = "unreachable"   // instructions no input reaches
	CheckCache       = "cache"         // an always-allowed call the kernel's action cache cannot serve
	CheckTooComplex  = "too-complex"   // parts of the program were too complex to analyze
	CheckKernel      = "kernel"        // allowed calls the kernel of Options.Kernel does not have
)

var checkOrder = []string{CheckNoArchCheck, CheckBadArch, CheckX32, CheckCompat, CheckSibling, CheckEscape,
	CheckKillThread, CheckComputed, CheckUnreachable, CheckCache, CheckKernel, CheckTooComplex}

// Finding is one thing Audit has to say about a program.
type Finding struct {
	Severity Severity
	Check    string   // one of the Check constants
	Arches   []string // the arches concerned, if any
	Syscall  string   // the system call concerned, if any
	Reason   string   // one line
}

// String prints the finding on one line: "high sibling x86_64 open: ...".
func (f Finding) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", f.Severity, f.Check)
	if len(f.Arches) > 0 {
		b.WriteString(" " + strings.Join(f.Arches, ","))
	}
	if f.Syscall != "" {
		b.WriteString(" " + f.Syscall)
	}
	b.WriteString(": " + f.Reason)
	return b.String()
}

// Audit analyzes p (see Analyze) and returns its findings, most severe
// first. Unless opts gives the arches, it analyzes those DetectArches
// finds plus their siblings (i386 and x32 for x86_64, arm for aarch64, ...;
// see AuditArches), which any process can use.
func Audit(p seccomp.Program, opts *Options) ([]Finding, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Arches == nil {
		o.Arches = AuditArches(p)
	}
	r, err := Analyze(p, &o)
	if err != nil {
		return nil, err
	}
	return r.Audit(), nil
}

// AuditArches returns the arches Audit analyzes by default: those
// DetectArches finds (or the native arch), with their siblings
// (seccomp.Arch.Siblings: i386 and x32 for x86_64, arm for aarch64, o32
// and n32 for mips64, ppc for ppc64, s390 for s390x, ...), which any
// process on such a machine can use.
func AuditArches(p seccomp.Program) []*seccomp.Arch {
	arches := DetectArches(p)
	if len(arches) == 0 {
		a, err := seccomp.NativeArch()
		if err != nil {
			a = seccomp.ArchX86_64
		}
		arches = []*seccomp.Arch{a}
	}
	for _, a := range slices.Clone(arches) {
		for _, c := range a.Siblings() {
			if !slices.Contains(arches, c) {
				arches = append(arches, c)
			}
		}
	}
	return arches
}

// compatABI reports whether a is the 32-bit compat ABI of another of the
// analyzed arches (i386 of x86_64, arm of aarch64, mips and n32 of
// mips64, ppc of ppc64, s390 of s390x, parisc of parisc64); x32 has a
// check of its own.
func compatABI(a *seccomp.Arch, analyzed []*ArchReport) bool {
	if a == seccomp.ArchX32 || a.WordSize() != 32 {
		return false
	}
	for _, ar := range analyzed {
		if slices.Contains(ar.Arch.Siblings(), a) && ar.Arch.WordSize() == 64 {
			return true
		}
	}
	return false
}

// status sums up decisions: whether some input lets the call run, and
// whether some input does not.
func status(ds []Decision) (let, deny bool) {
	for i := range ds {
		switch {
		case ds[i].ret != nil:
			let, deny = true, true
		case lets(ds[i].Action):
			let = true
		default:
			deny = true
		}
	}
	return let, deny
}

// selecting returns the decisions some input with arg0 == v can get (its
// other fields free): those with an alternative whose conditions on arg0
// hold for v. Conditions the program computes are taken to possibly hold.
func selecting(ds []Decision, v uint64) []Decision {
	d := seccomp.Data{Args: [6]uint64{v}}
	var out []Decision
	for _, dec := range ds {
		possible := dec.When == nil
		for _, w := range dec.When {
			ok := true
			for _, c := range w {
				if !c.Computed() && c.Field == FieldArg0 && !c.Holds(&d) {
					ok = false
					break
				}
			}
			if ok {
				possible = true
				break
			}
		}
		if possible {
			out = append(out, dec)
		}
	}
	return out
}

// allowedWhen describes when a call is let through, for reasons.
func allowedWhen(ds []Decision) string {
	var parts []string
	for i := range ds {
		if ds[i].ret == nil && lets(ds[i].Action) {
			if ds[i].When == nil {
				return ""
			}
			for _, w := range ds[i].When {
				parts = append(parts, Join(w))
			}
		}
	}
	s := strings.Join(parts, " || ")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

// names lists at most n names, and how many more.
func names(ns []string, n int) string {
	if len(ns) <= n {
		return strings.Join(ns, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ns[:n], ", "), len(ns)-n)
}

// Audit returns the findings about the analyzed program, most severe
// first. See the Check constants for what is checked.
func (r *Report) Audit() []Finding {
	var out []Finding
	add := func(sev Severity, check string, arches []string, sys, format string, a ...any) {
		out = append(out, Finding{Severity: sev, Check: check, Arches: arches, Syscall: sys, Reason: fmt.Sprintf(format, a...)})
	}
	detected := DetectArches(r.prog)
	// No arch check.
	{
		var arches, calls []string
		for _, ar := range r.Arches {
			found := false
			for _, sc := range ar.Syscalls {
				if sc.ArchUnchecked {
					found = true
					if !slices.Contains(calls, sc.Name) {
						calls = append(calls, sc.Name)
					}
				}
			}
			for _, rg := range ar.Other {
				found = found || rg.ArchUnchecked
			}
			if found {
				arches = append(arches, ar.Arch.Name)
			}
		}
		for _, rg := range r.BadArch {
			if rg.ArchUnchecked && len(arches) == 0 {
				arches = append(arches, "any")
			}
		}
		if len(arches) > 0 {
			what := "system calls"
			if len(calls) > 0 {
				what = names(calls, 4)
			}
			add(High, CheckNoArchCheck, arches, "", "%s allowed on paths that never load seccomp_data.arch: the same numbers from another ABI are allowed too", what)
		}
	}
	// Calls from other arches.
	for _, rg := range r.BadArch {
		if l, _ := status(rg.Decisions); l {
			var toks []string
			for _, ar := range r.Arches {
				if n, ok := ar.Arch.AuditArch.Name(); ok && !slices.Contains(toks, n) {
					toks = append(toks, n)
				}
			}
			add(High, CheckBadArch, nil, "", "calls from arches the program does not accept (any audit arch token but %s) are allowed: %s",
				strings.Join(toks, ", "), decisionsLine(rg.Decisions))
			break
		}
	}
	x86, x32 := r.Arch("x86_64"), r.Arch("x32")
	// x32.
	if x32 != nil && x86 != nil {
		var allowed, bypass []string
		for _, sc := range x32.Syscalls {
			if sc.TooComplex {
				continue
			}
			if l, _ := status(sc.Decisions); !l {
				continue
			}
			allowed = append(allowed, sc.Name)
			// Conditions may differ (an x32 rule may compare only the low
			// halves of arguments); a call x86_64 always denies may not.
			if n := x86.Syscall(sc.Name); n != nil && !n.TooComplex {
				if l, _ := status(n.Decisions); !l {
					bypass = append(bypass, sc.Name)
				}
			}
		}
		intended := comparesX32Numbers(r.prog)
		switch {
		case len(bypass) > 0 && !intended:
			add(High, CheckX32, []string{"x32"}, "", "x32 calls bypass the x86_64 rules: %s denied as x86_64 but allowed as x32 (number | 0x40000000); deny nr >= 0x40000000",
				names(bypass, 4))
		case len(bypass) > 0:
			add(Medium, CheckX32, []string{"x32"}, "", "the x32 rules allow what the x86_64 rules deny: %s", names(bypass, 4))
		case len(allowed) > 0 && !intended:
			add(Medium, CheckX32, []string{"x32"}, "", "x32 calls are allowed (%d of %d) although the program does not name x32 numbers: deny nr >= 0x40000000 unless x32 is meant to be used",
				len(allowed), len(x32.Syscalls))
		case len(allowed) > 0:
			add(Info, CheckX32, []string{"x32"}, "", "the program accepts x32 calls (%d of %d allowed)", len(allowed), len(x32.Syscalls))
		}
	}
	// 32-bit compat ABIs.
	for _, ar := range r.Arches {
		if !compatABI(ar.Arch, r.Arches) {
			continue
		}
		n := 0
		for _, sc := range ar.Syscalls {
			if l, _ := status(sc.Decisions); l && !sc.TooComplex {
				n++
			}
		}
		if n == 0 {
			continue
		}
		if slices.Contains(detected, ar.Arch) {
			how := ""
			if ar.Arch == seccomp.ArchI386 {
				how = " (int 0x80 on x86_64)"
			}
			add(Info, CheckCompat, []string{ar.Arch.Name}, "", "the program accepts %s calls (%d of %d allowed), which any process can make%s; its %s rules are audited too",
				ar.Arch.Name, n, len(ar.Syscalls), how, ar.Arch.Name)
		} else {
			add(Medium, CheckCompat, []string{ar.Arch.Name}, "", "%s calls are allowed (%d of %d) although the program does not name %v: any process can make them",
				ar.Arch.Name, n, len(ar.Syscalls), ar.Arch.AuditArch)
		}
	}
	// Siblings, escapes, per arch, then merged across arches.
	type key struct{ check, sys, reason string }
	type agg struct {
		sev    Severity
		arches []string
	}
	merged := map[key]*agg{}
	var order []key
	note := func(sev Severity, check, sys, arch, reason string) {
		k := key{check, sys, reason}
		a := merged[k]
		if a == nil {
			a = &agg{sev: sev}
			merged[k] = a
			order = append(order, k)
		}
		a.sev = max(a.sev, sev)
		if !slices.Contains(a.arches, arch) {
			a.arches = append(a.arches, arch)
		}
	}
	sibs := siblings()
	for _, ar := range r.Arches {
		acceptsAny := false
		for _, sc := range ar.Syscalls {
			if l, _ := status(sc.Decisions); l {
				acceptsAny = true
				break
			}
		}
		if !acceptsAny {
			continue
		}
		defKey := decisionsKey(ar.Default)
		for _, s := range sibs {
			a, b := ar.Syscall(s.denied), ar.Syscall(s.allowed)
			if a == nil || b == nil || a.TooComplex || b.TooComplex {
				continue
			}
			if ar.Default != nil && decisionsKey(a.Decisions) == defKey {
				continue // not denied on purpose: what every other call gets
			}
			bds := b.Decisions
			if mux, sub, ok := ar.Arch.MultiplexedBy(s.denied); ok && mux == b.Nr {
				// What the multiplexer decides when its first argument
				// selects the denied call: a filter that multiplexes (as
				// libseccomp does) may allow socketcall for other calls
				// only.
				bds = selecting(bds, uint64(sub))
			} else if s.allowed == "socketcall" || s.allowed == "ipc" {
				continue // the multiplexer does not make this call here
			}
			al, ad := status(a.Decisions)
			bl, bd := status(bds)
			switch {
			case !al && ad && bl:
				cond := ""
				if w := allowedWhen(bds); w != "" {
					cond = " (when " + w + ")"
				}
				note(High, CheckSibling, s.denied, ar.Arch.Name, fmt.Sprintf("%s is denied but %s, which also %s, is allowed%s", s.denied, s.allowed, s.what, cond))
			case al && ad && bl && !bd && s.cond:
				note(Medium, CheckSibling, s.denied, ar.Arch.Name, fmt.Sprintf("%s is allowed only under conditions, but %s, which also %s, is allowed without them", s.denied, s.allowed, s.what))
			}
		}
		for _, e := range escapes {
			sc := ar.Syscall(e.syscall)
			if sc == nil || sc.TooComplex {
				continue
			}
			l, d := status(sc.Decisions)
			if !l {
				continue
			}
			dz := dangers[e.syscall]
			if dz != nil && d && !r.allowsDanger(ar.Arch, sc.Nr, dz) {
				continue // allowed only for values that are no way out
			}
			switch {
			case !d:
				note(e.severity, CheckEscape, e.syscall, ar.Arch.Name, fmt.Sprintf("%s is allowed: %s", e.syscall, e.reason))
			case inMemory[e.syscall]:
				w := allowedWhen(sc.Decisions)
				note(e.severity, CheckEscape, e.syscall, ar.Arch.Name, fmt.Sprintf("%s is allowed when %s: %s", e.syscall, w, e.reason))
			case dz != nil:
				sev := max(e.severity-1, Info)
				w := allowedWhen(sc.Decisions)
				note(sev, CheckEscape, e.syscall, ar.Arch.Name, fmt.Sprintf("%s is allowed %s (when %s): %s", e.syscall, dz.what, w, e.reason))
			default:
				sev := max(e.severity-1, Info)
				w := allowedWhen(sc.Decisions)
				note(sev, CheckEscape, e.syscall, ar.Arch.Name, fmt.Sprintf("%s is allowed when %s: %s", e.syscall, w, e.reason))
			}
		}
	}
	for _, k := range order {
		a := merged[k]
		add(a.sev, k.check, a.arches, k.sys, "%s", k.reason)
	}
	// KILL_THREAD by default.
	{
		var arches []string
		for _, ar := range r.Arches {
			accepts := false
			for _, sc := range ar.Syscalls {
				if l, _ := status(sc.Decisions); l {
					accepts = true
					break
				}
			}
			if accepts && len(ar.Default) == 1 && ar.Default[0].ret == nil && ar.Default[0].Action.Effective().Kind() == seccomp.ActKillThread {
				arches = append(arches, ar.Arch.Name)
			}
		}
		if len(arches) > 0 {
			add(Medium, CheckKillThread, arches, "", "KILL_THREAD is the default action: in a Go program (in any multithreaded one) it kills one thread and leaves the process wedged; use KILL_PROCESS")
		}
		for _, rg := range r.BadArch {
			if len(rg.Decisions) == 1 && rg.Decisions[0].ret == nil && rg.Decisions[0].Action.Effective().Kind() == seccomp.ActKillThread {
				add(Low, CheckKillThread, nil, "", "calls from other arches get KILL_THREAD (libseccomp's default): it kills one thread of a Go program and leaves the process wedged; KILL_PROCESS is safer")
				break
			}
		}
	}
	// Computed actions.
	{
		var arches []string
		for _, ar := range r.Arches {
			for _, sc := range ar.Syscalls {
				if slices.ContainsFunc(sc.Decisions, func(d Decision) bool { return d.ret != nil }) {
					arches = append(arches, ar.Arch.Name)
					break
				}
			}
		}
		if len(arches) > 0 {
			add(Medium, CheckComputed, arches, "", "the action returned is computed from the input (RET A): a caller may choose it")
		}
	}
	// Unreachable instructions.
	{
		var structural, semantic []int
		for _, u := range r.Unreachable {
			if u.Structural {
				structural = append(structural, u.PC)
			} else {
				semantic = append(semantic, u.PC)
			}
		}
		if len(structural) > 0 {
			add(Low, CheckUnreachable, nil, "", "%s: no jump leads there", insnWord(structural))
		}
		if len(semantic) > 0 {
			add(Low, CheckUnreachable, nil, "", "%s: no input reaches it (the tests on the way are decided by nr and arch)", insnWord(semantic))
		}
	}
	// Calls the target kernel does not have.
	if r.kernel != (seccomp.Release{}) {
		for _, ar := range r.Arches {
			var newer []string
			for _, sc := range ar.Syscalls {
				if l, _ := status(sc.Decisions); !l || sc.TooComplex {
					continue
				}
				if since, ok := ar.Arch.SyscallSince(sc.Name); ok && r.kernel.Before(since) {
					newer = append(newer, sc.Name+" ("+since.String()+")")
				}
			}
			if len(newer) > 0 {
				noun := "calls are"
				if len(newer) == 1 {
					noun = "call is"
				}
				add(Info, CheckKernel, []string{ar.Arch.Name}, "", "%d allowed %s newer than Linux %s, which lacks them (the kernel answers ENOSYS): %s",
					len(newer), noun, r.kernel, names(newer, 6))
			}
		}
	}
	// The action cache.
	for _, ar := range r.Arches {
		if ar.Arch == seccomp.ArchX32 {
			continue
		}
		var miss []string
		for _, sc := range ar.Syscalls {
			if sc.NoCache != "" {
				miss = append(miss, sc.Name+" ("+sc.NoCache+")")
			}
		}
		switch {
		case len(miss) == 1:
			add(Low, CheckCache, []string{ar.Arch.Name}, "", "1 system call is always allowed, but the kernel's action cache cannot serve it, so the filter runs on each call: %s", miss[0])
		case len(miss) > 1:
			add(Low, CheckCache, []string{ar.Arch.Name}, "", "%d system calls are always allowed, but the kernel's action cache cannot serve them, so the filter runs on each call: %s",
				len(miss), names(miss, 3))
		}
	}
	// Too complex.
	{
		var arches []string
		n := 0
		for _, ar := range r.Arches {
			k := 0
			for _, sc := range ar.Syscalls {
				if sc.TooComplex {
					k++
				}
			}
			for _, rg := range ar.Other {
				if rg.TooComplex {
					k++
				}
			}
			if k > 0 {
				arches = append(arches, ar.Arch.Name)
				n += k
			}
		}
		for _, rg := range r.BadArch {
			if rg.TooComplex {
				n++
			}
		}
		if n > 0 {
			add(Info, CheckTooComplex, arches, "", "%d system calls or ranges of numbers were too complex to analyze: findings about them are missing", n)
		}
	}
	slices.SortStableFunc(out, func(a, b Finding) int {
		if a.Severity != b.Severity {
			return int(b.Severity - a.Severity)
		}
		if c := slices.Index(checkOrder, a.Check) - slices.Index(checkOrder, b.Check); c != 0 {
			return c
		}
		return strings.Compare(a.Syscall, b.Syscall)
	})
	return out
}

// comparesX32Numbers reports whether the program compares a value with an
// x32 system call number (other than X32SyscallBit itself): then it
// handles x32 on purpose.
func comparesX32Numbers(p seccomp.Program) bool {
	for _, in := range p {
		switch in.Op {
		case 0x15, 0x25, 0x35: // jeq, jgt, jge with K
			if in.K > seccomp.X32SyscallBit && in.K < seccomp.X32SyscallBit+0x1000 {
				return true
			}
		}
	}
	return false
}

// decisionsLine prints decisions on one line.
func decisionsLine(ds []Decision) string {
	var parts []string
	for i := range ds {
		if ds[i].Otherwise {
			parts = append(parts, ds[i].ActionString()+" otherwise")
		} else {
			parts = append(parts, ds[i].String())
		}
	}
	s := strings.Join(parts, "; ")
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return s
}

// insnWord prints "instruction 0012" or "instructions 0012-0015, 0020".
func insnWord(pcs []int) string {
	if len(pcs) == 1 {
		return "instruction " + pcRanges(pcs)
	}
	return "instructions " + pcRanges(pcs)
}

// pcRanges prints instruction numbers as ranges: "0012-0015, 0020".
func pcRanges(pcs []int) string {
	var parts []string
	for i := 0; i < len(pcs); {
		j := i
		for j+1 < len(pcs) && pcs[j+1] == pcs[j]+1 {
			j++
		}
		if i == j {
			parts = append(parts, fmt.Sprintf("%04d", pcs[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%04d-%04d", pcs[i], pcs[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// allowsDanger reports whether the program allows system call nr of arch
// a for some value of the argument that dz calls dangerous. It analyzes the
// program behind a guard that denies every other value, so the answer is
// exact where the analysis is; when it cannot tell (a program too long or
// too complex), it answers yes.
func (r *Report) allowsDanger(a *seccomp.Arch, nr int32, dz *danger) bool {
	off := uint32(seccomp.OffsetArgs + 8*dz.arg)
	if a.AuditArch&auditArchLE == 0 {
		off += 4 // the low half comes second on a big-endian ABI
	}
	const (
		ldAbsW = 0x20 // BPF_LD|BPF_W|BPF_ABS
		ldImm  = 0x00 // BPF_LD|BPF_W|BPF_IMM
		jeqK   = 0x15 // BPF_JMP|BPF_JEQ|BPF_K
		jsetK  = 0x45 // BPF_JMP|BPF_JSET|BPF_K
		retK   = 0x06 // BPF_RET|BPF_K
	)
	g := seccomp.Program{{Op: ldAbsW, K: off}}
	if dz.hasExcept {
		g = append(g, bpf.RawInstruction{Op: jeqK, Jt: 1, K: dz.except}) // the value excepted: to the denial
	}
	g = append(g,
		bpf.RawInstruction{Op: jsetK, Jt: 1, K: dz.bits},                // a dangerous bit: to the program
		bpf.RawInstruction{Op: retK, K: uint32(seccomp.ActKillProcess)}, // any other value: denied
		bpf.RawInstruction{Op: ldImm, K: 0},                             // the program starts with A = 0
	)
	g = append(g, r.prog...)
	gr, err := Analyze(g, &Options{Arches: []*seccomp.Arch{a}})
	if err != nil {
		return true
	}
	ar := gr.Arch(a.Name)
	if ar == nil {
		return true
	}
	for _, sc := range ar.Syscalls {
		if sc.Nr == nr {
			if sc.TooComplex {
				return true
			}
			l, _ := status(sc.Decisions)
			return l
		}
	}
	return true
}

// auditArchLE is __AUDIT_ARCH_LE, the bit of a little-endian ABI's audit
// arch token.
const auditArchLE = 0x40000000

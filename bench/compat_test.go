//go:build linux && cgo

package bench

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"

	lsg "github.com/seccomp/libseccomp-golang"

	"github.com/seccomp-go/seccomp"
	compat "github.com/seccomp-go/seccomp/libseccomp"
)

// The differential test of package libseccomp (the drop-in for
// libseccomp-golang) against libseccomp-golang v0.11 on the system's
// libseccomp (2.5.4 here): random sequences of calls made on both, the
// same errors for every call, the same pseudo filter code (libseccomp's
// tree of each system call's rules, its priorities and layout), and
// programs that decide the same for random calls of every ABI.

// arches are the ABIs both libraries have, with their audit tokens.
var compatArches = []struct {
	lib  lsg.ScmpArch
	ours compat.ScmpArch
	arch *seccomp.Arch
}{
	{lsg.ArchX86, compat.ArchX86, seccomp.ArchI386},
	{lsg.ArchAMD64, compat.ArchAMD64, seccomp.ArchX86_64},
	{lsg.ArchX32, compat.ArchX32, seccomp.ArchX32},
	{lsg.ArchARM, compat.ArchARM, seccomp.ArchARM},
	{lsg.ArchARM64, compat.ArchARM64, seccomp.ArchAArch64},
	{lsg.ArchRISCV64, compat.ArchRISCV64, seccomp.ArchRISCV64},
}

// callPool are system calls every ABI above has; muxPool are the socket
// calls, which libseccomp routes through socketcall on x86 (and which
// libseccomp 2.5.4's x86 table lacks as direct calls: they are tested
// without x86).
var (
	callPool = []string{"read", "write", "close", "ioctl", "openat", "mprotect", "personality", "clone", "getpid", "futex", "prctl", "kill", "fcntl", "dup3", "pipe2"}
	muxPool  = []string{"socket", "connect", "sendto", "accept4"}
)

var compatValues = []uint64{0, 1, 2, 3, 0xff, 0x100, 0xffffffff, 1 << 32, 1<<32 + 1, 0xffffffff00000000, 1<<64 - 1}

// sameErr reports whether two errors are the same to a caller: both nil,
// the same errno, both version errors, or the same message.
func sameErr(lib, ours error) bool {
	if lib == nil || ours == nil {
		return lib == nil && ours == nil
	}
	var le, oe syscall.Errno
	if errors.As(lib, &le) || errors.As(ours, &oe) {
		return errors.As(lib, &le) && errors.As(ours, &oe) && le == oe
	}
	var lv *lsg.VersionError
	var ov *compat.VersionError
	if errors.As(lib, &lv) || errors.As(ours, &ov) {
		return errors.As(lib, &lv) && errors.As(ours, &ov)
	}
	return lib.Error() == ours.Error()
}

// compatCase is one random sequence of calls, made on both libraries.
type compatCase struct {
	t    *testing.T
	rng  *rand.Rand
	mux  bool // socket calls in the pool, x86 never added
	log  []string
	lib  *lsg.ScmpFilter
	ours *compat.ScmpFilter
	// loops is set when package libseccomp refused a rule with ELOOP: the
	// same rule makes libseccomp loop for ever, so it is not asked.
	loops bool
	// hasRules: a rule was added (since NewFilter or Reset); archChanged:
	// the ABIs changed since the last rule added; stale: a rule was
	// refused after such a change. libseccomp then restores the ABIs of
	// its last snapshot (a documented difference) and the sequence stops.
	hasRules, archChanged, stale bool
}

func (c *compatCase) check(what string, lib, ours error) {
	c.t.Helper()
	c.log = append(c.log, fmt.Sprintf("%s: %v / %v", what, lib, ours))
	if debugLog != nil {
		fmt.Fprintln(debugLog, c.log[len(c.log)-1])
	}
	if !sameErr(lib, ours) {
		c.t.Fatalf("%s: libseccomp-golang says %v, package libseccomp %v\ncalls:\n%s", what, lib, ours, strings.Join(c.log, "\n"))
	}
}

// afterSnapshot reports whether libseccomp refuses the rule after taking
// its snapshot (the errors of translating and merging it), rather than
// when checking it (EINVAL for its conditions, EACCES, EOPNOTSUPP).
func (c *compatCase) afterSnapshot(err error, conds []lsg.ScmpCondition) bool {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno == syscall.EEXIST || errno == syscall.EDOM
	}
	if strings.HasPrefix(err.Error(), "unrecognized syscall") {
		return true
	}
	if err.Error() == "two checks on same syscall argument" {
		var seen [7]bool
		for _, cd := range conds {
			if cd.Argument > 5 || seen[cd.Argument] || cd.Op < 1 || cd.Op > 7 {
				return false
			}
			seen[cd.Argument] = true
		}
		return len(conds) <= 6 // EINVAL of a multiplexed call with conditions
	}
	return false
}

func (c *compatCase) action() (lsg.ScmpAction, compat.ScmpAction) {
	var a uint
	switch k := c.rng.IntN(20); {
	case k < 4:
		a = uint(lsg.ActAllow)
	case k < 8:
		a = uint(lsg.ActErrno.SetReturnCode(int16(1 + c.rng.IntN(3))))
	case k < 10:
		a = uint(lsg.ActKillProcess)
	case k < 11:
		a = uint(lsg.ActKillThread)
	case k < 12:
		a = uint(lsg.ActTrap)
	case k < 13:
		a = uint(lsg.ActLog)
	case k < 14:
		a = uint(lsg.ActTrace.SetReturnCode(int16(c.rng.IntN(3))))
	case k < 15:
		a = uint(lsg.ActNotify)
	case k < 16:
		a = uint(lsg.ActErrno.SetReturnCode(int16([]int{4094, 4095, -1}[c.rng.IntN(3)])))
	case k < 17:
		a = []uint{0, 9, 0x10007, 0xffff}[c.rng.IntN(4)] // invalid
	default:
		a = uint(lsg.ActErrno.SetReturnCode(1))
	}
	return lsg.ScmpAction(a), compat.ScmpAction(a)
}

func (c *compatCase) arch() (lsg.ScmpArch, compat.ScmpArch) {
	if c.rng.IntN(12) == 0 {
		v := []uint{0, 1, 99, uint(lsg.ArchS390X)}[c.rng.IntN(4)] // invalid, native, unknown, another byte order
		return lsg.ScmpArch(v), compat.ScmpArch(v)
	}
	for {
		a := compatArches[c.rng.IntN(len(compatArches))]
		if c.mux && a.lib == lsg.ArchX86 {
			continue
		}
		return a.lib, a.ours
	}
}

func (c *compatCase) syscallNr() (lsg.ScmpSyscall, compat.ScmpSyscall) {
	pool := callPool
	if c.mux {
		pool = append(slices.Clone(callPool), muxPool...)
	}
	if c.rng.IntN(25) == 0 {
		v := []int32{-1, -50, 0x999, 400}[c.rng.IntN(4)] // invalid, invalid, unknown: no name to find on other ABIs
		return lsg.ScmpSyscall(v), compat.ScmpSyscall(v)
	}
	name := pool[c.rng.IntN(len(pool))]
	l, err1 := lsg.GetSyscallFromName(name)
	o, err2 := compat.GetSyscallFromName(name)
	if err1 != nil || err2 != nil || int32(l) != int32(o) {
		c.t.Fatalf("GetSyscallFromName(%q): %v %v / %v %v", name, l, err1, o, err2)
	}
	return l, o
}

func (c *compatCase) conds() ([]lsg.ScmpCondition, []compat.ScmpCondition) {
	var l []lsg.ScmpCondition
	var o []compat.ScmpCondition
	args := c.rng.Perm(3)
	for i := range c.rng.IntN(4) {
		arg := uint(args[i])
		op := uint(1 + c.rng.IntN(7))
		switch c.rng.IntN(40) {
		case 0:
			arg = 6
		case 1:
			op = 0
		case 2:
			op = 8
		case 3:
			if i > 0 {
				arg = l[0].Argument // two on one argument
			}
		}
		v1 := compatValues[c.rng.IntN(len(compatValues))]
		v2 := compatValues[c.rng.IntN(len(compatValues))]
		if op == uint(lsg.CompareMaskedEqual) && c.rng.IntN(3) == 0 {
			v2 = 1000 // outside most masks: libseccomp compares it masked
		}
		l = append(l, lsg.ScmpCondition{Argument: arg, Op: lsg.ScmpCompareOp(op), Operand1: v1, Operand2: v2})
		o = append(o, compat.ScmpCondition{Argument: arg, Op: compat.ScmpCompareOp(op), Operand1: v1, Operand2: v2})
	}
	return l, o
}

// step makes one random call on both filters.
func (c *compatCase) step() {
	switch k := c.rng.IntN(100); {
	case k < 55:
		nl, no := c.syscallNr()
		al, ao := c.action()
		cl, co := c.conds()
		exact := c.rng.IntN(6) == 0
		name := fmt.Sprintf("AddRule(%d, %#x, exact %v, %+v)", int32(nl), uint(al), exact, cl)
		if c.loops || c.stale {
			return
		}
		var eo error
		if exact {
			eo = c.ours.AddRuleConditionalExact(no, ao, co)
		} else {
			eo = c.ours.AddRuleConditional(no, ao, co)
		}
		if errors.Is(eo, syscall.ELOOP) {
			c.loops = true // libseccomp would loop: stop here
			c.log = append(c.log, name+": ELOOP")
			return
		}
		if eo != nil && c.archChanged && c.afterSnapshot(eo, cl) {
			c.stale = true
			c.log = append(c.log, name+": refused after a change of ABIs: "+eo.Error())
			return
		}
		if eo == nil {
			c.hasRules, c.archChanged = true, false
		}
		var el error
		if debugLog != nil {
			fmt.Fprintln(debugLog, "about to:", name)
			debugLog.Sync()
		}
		if exact {
			el = c.lib.AddRuleConditionalExact(nl, al, cl)
		} else {
			el = c.lib.AddRuleConditional(nl, al, cl)
		}
		c.check(name, el, eo)
	case k < 65:
		l, o := c.arch()
		if c.stale {
			return
		}
		c.archChanged = true
		c.check(fmt.Sprintf("AddArch(%v)", l), c.lib.AddArch(l), c.ours.AddArch(o))
	case k < 70:
		l, o := c.arch()
		if c.hasRules || c.stale {
			return // libseccomp 2.5.4 crashes adding a rule after removing an ABI
		}
		c.archChanged = true
		c.check(fmt.Sprintf("RemoveArch(%v)", l), c.lib.RemoveArch(l), c.ours.RemoveArch(o))
	case k < 73:
		l, o := c.arch()
		pl, el := c.lib.IsArchPresent(l)
		po, eo := c.ours.IsArchPresent(o)
		c.check(fmt.Sprintf("IsArchPresent(%v)", l), el, eo)
		if pl != po {
			c.t.Fatalf("IsArchPresent(%v): %v / %v", l, pl, po)
		}
	case k < 77:
		al, ao := c.action()
		c.check(fmt.Sprintf("SetBadArchAction(%#x)", uint(al)), c.lib.SetBadArchAction(al), c.ours.SetBadArchAction(ao))
	case k < 82:
		nl, no := c.syscallNr()
		p := uint8(c.rng.IntN(256))
		c.check(fmt.Sprintf("SetSyscallPriority(%d, %d)", int32(nl), p), c.lib.SetSyscallPriority(nl, p), c.ours.SetSyscallPriority(no, p))
	case k < 85:
		lv := c.rng.IntN(4)
		c.check(fmt.Sprintf("SetOptimize(%d)", lv), c.lib.SetOptimize(lv), c.ours.SetOptimize(lv))
	case k < 88:
		b := c.rng.IntN(2) == 0
		c.check(fmt.Sprintf("SetNoNewPrivsBit(%v)", b), c.lib.SetNoNewPrivsBit(b), c.ours.SetNoNewPrivsBit(b))
		b = c.rng.IntN(2) == 0
		c.check(fmt.Sprintf("SetLogBit(%v)", b), c.lib.SetLogBit(b), c.ours.SetLogBit(b))
		b = c.rng.IntN(2) == 0
		c.check(fmt.Sprintf("SetSSB(%v)", b), c.lib.SetSSB(b), c.ours.SetSSB(b))
		b = c.rng.IntN(2) == 0
		c.check(fmt.Sprintf("SetRawRC(%v)", b), c.lib.SetRawRC(b), c.ours.SetRawRC(b))
	case k < 95:
		c.compareAttrs()
	case k < 97:
		al, ao := c.action()
		el, eo := c.lib.Reset(al), c.ours.Reset(ao)
		c.check(fmt.Sprintf("Reset(%#x)", uint(al)), el, eo)
		if el == nil { // a Reset refused (an invalid action) changes nothing
			c.hasRules, c.archChanged, c.stale = false, false, false
		}
	default:
		// Merge a second filter covering other ABIs.
		al, ao := c.action()
		l2, err1 := lsg.NewFilter(al)
		o2, err2 := compat.NewFilter(ao)
		c.check(fmt.Sprintf("NewFilter(%#x) for Merge", uint(al)), err1, err2)
		if err1 != nil {
			return
		}
		l, o := c.arch()
		c.check("AddArch for Merge", l2.AddArch(l), o2.AddArch(o))
		if c.rng.IntN(3) != 0 {
			c.check("RemoveArch(native) for Merge", l2.RemoveArch(lsg.ArchNative), o2.RemoveArch(compat.ArchNative))
		}
		nl, no := c.syscallNr()
		a2l, a2o := c.action()
		c.check("AddRule for Merge", l2.AddRule(nl, a2l), o2.AddRule(no, a2o))
		if c.stale {
			return
		}
		c.check("Merge", c.lib.Merge(l2), c.ours.Merge(o2))
		c.archChanged = true
		if l2.IsValid() != o2.IsValid() {
			c.t.Fatalf("after Merge, the source is valid: %v / %v", l2.IsValid(), o2.IsValid())
		}
	}
}

func (c *compatCase) compareAttrs() {
	c.t.Helper()
	dl, el := c.lib.GetDefaultAction()
	do, eo := c.ours.GetDefaultAction()
	c.check("GetDefaultAction", el, eo)
	bl, el2 := c.lib.GetBadArchAction()
	bo, eo2 := c.ours.GetBadArchAction()
	c.check("GetBadArchAction", el2, eo2)
	if uint(dl) != uint(do) || uint(bl) != uint(bo) {
		c.t.Fatalf("actions %#x %#x / %#x %#x", uint(dl), uint(bl), uint(do), uint(bo))
	}
	for _, g := range []struct {
		name string
		lib  func() (bool, error)
		ours func() (bool, error)
	}{
		{"NoNewPrivs", c.lib.GetNoNewPrivsBit, c.ours.GetNoNewPrivsBit},
		{"Log", c.lib.GetLogBit, c.ours.GetLogBit},
		{"SSB", c.lib.GetSSB, c.ours.GetSSB},
		{"RawRC", c.lib.GetRawRC, c.ours.GetRawRC},
	} {
		vl, el := g.lib()
		vo, eo := g.ours()
		c.check("Get"+g.name, el, eo)
		if vl != vo {
			c.t.Fatalf("Get%s: %v / %v", g.name, vl, vo)
		}
	}
	ol, el3 := c.lib.GetOptimize()
	oo, eo3 := c.ours.GetOptimize()
	c.check("GetOptimize", el3, eo3)
	if ol != oo {
		c.t.Fatalf("GetOptimize: %d / %d", ol, oo)
	}
}

func exportLib(t *testing.T, f *lsg.ScmpFilter, pfc bool) ([]byte, error) {
	tmp, err := os.CreateTemp(t.TempDir(), "export")
	if err != nil {
		t.Fatal(err)
	}
	defer tmp.Close()
	if pfc {
		err = f.ExportPFC(tmp)
	} else {
		err = f.ExportBPF(tmp)
	}
	if err != nil {
		return nil, err
	}
	tmp.Seek(0, io.SeekStart)
	return io.ReadAll(tmp)
}

func exportOurs(t *testing.T, f *compat.ScmpFilter) ([]byte, error) {
	tmp, err := os.CreateTemp(t.TempDir(), "export")
	if err != nil {
		t.Fatal(err)
	}
	defer tmp.Close()
	if err := f.ExportPFC(tmp); err != nil {
		return nil, err
	}
	tmp.Seek(0, io.SeekStart)
	return io.ReadAll(tmp)
}

var pfcNumber = regexp.MustCompile(`\d+`)

func TestCompatDifferential(t *testing.T) {
	if v := Version(); !strings.HasPrefix(v, "2.5.") && !strings.HasPrefix(v, "2.6.") {
		t.Skipf("libseccomp %s", v)
	}
	n := 3000
	if testing.Short() {
		n = 300
	}
	rng := rand.New(rand.NewPCG(15, 2026))
	var sequences, calls, agreed, libBugs, loops, stale, pfcs int
	for i := range n {
		c := &compatCase{t: t, rng: rng, mux: i%3 == 0}
		al, ao := c.action()
		var el, eo error
		c.lib, el = lsg.NewFilter(al)
		c.ours, eo = compat.NewFilter(ao)
		c.check(fmt.Sprintf("NewFilter(%#x)", uint(al)), el, eo)
		if el != nil {
			continue
		}
		sequences++
		if debugLog != nil {
			fmt.Fprintln(debugLog, "sequence", i)
		}
		for range 5 + rng.IntN(40) {
			c.step()
			calls++
		}
		if c.loops {
			loops++
			continue
		}
		if c.stale {
			stale++
			continue
		}
		c.compareAttrs()
		pl, el := exportLib(t, c.lib, true)
		po, eo := exportOurs(t, c.ours)
		c.check("ExportPFC", el, eo)
		if el == nil {
			pfcs++
			if string(pl) != string(po) {
				t.Fatalf("sequence %d: ExportPFC differs\ncalls:\n%s\nlibseccomp:\n%s\nours:\n%s", i, strings.Join(c.log, "\n"), pl, po)
			}
		}
		bl, el := exportLib(t, c.lib, false)
		bo, eo := c.ours.ExportBPFMem()
		c.check("ExportBPF", el, eo)
		if el != nil {
			continue
		}
		lp, err := seccomp.ParseRaw(bl)
		if err != nil {
			t.Fatal(err)
		}
		op, err := seccomp.ParseRaw(bo)
		if err != nil {
			t.Fatal(err)
		}
		if err := seccomp.Verify(op); err != nil {
			t.Fatalf("our program does not verify: %v", err)
		}
		le, oe := seccomp.MustEmulator(lp), seccomp.MustEmulator(op)
		for range 300 {
			d := c.randData()
			lw, ow := le.Action(d), oe.Action(d)
			if lw == ow {
				agreed++
				continue
			}
			if missingNrLoad(lp) || inconsistentAcc(lp) || comparesArchWithNr(lp) {
				libBugs++ // libseccomp 2.5.4's program contradicts its own tree (PFC, equal)
				break
			}
			t.Fatalf("sequence %d: for %+v libseccomp's program says %v, ours %v\ncalls:\n%s\npfc:\n%s\nlibseccomp:\n%s\nours:\n%s",
				i, d, lw, ow, strings.Join(c.log, "\n"), po, seccomp.Disassemble(lp), seccomp.Disassemble(op))
		}
	}
	t.Logf("%d sequences of %d calls in all on libseccomp-golang (libseccomp %s) and package libseccomp: the same errors; %d exports of pseudo filter code the same; %d random system calls decided the same; %d programs of libseccomp with its 2.5.4 accumulator bugs not compared further; %d sequences stopped at a rule with which libseccomp loops for ever, %d at a rule refused after a change of ABIs (libseccomp then restores the ABIs of a stale snapshot)",
		sequences, calls, Version(), pfcs, agreed, libBugs, loops, stale)
	if sequences < n/2 {
		t.Errorf("only %d sequences of %d: the generator needs fixing", sequences, n)
	}
}

// randData returns a call for the filters: an ABI of the test's (or
// another token), a number of the pool's calls on it, arguments near the
// values the rules compare with.
func (c *compatCase) randData() seccomp.Data {
	var d seccomp.Data
	a := compatArches[c.rng.IntN(len(compatArches))].arch
	d.Arch = a.AuditArch
	if c.rng.IntN(20) == 0 {
		d.Arch = seccomp.AuditArchPPC64LE
	}
	pool := append(slices.Clone(callPool), muxPool...)
	pool = append(pool, "socketcall")
	switch k := c.rng.IntN(20); {
	case k < 16:
		nr, ok := a.Syscall(pool[c.rng.IntN(len(pool))])
		if ok {
			d.Nr = nr
		}
	case k < 17:
		d.Nr = -1
	case k < 18:
		d.Nr = 0x999
	default:
		d.Nr = int32(c.rng.Uint32())
	}
	for i := range 6 {
		v := compatValues[c.rng.IntN(len(compatValues))]
		switch c.rng.IntN(4) {
		case 0:
			v++
		case 1:
			v--
		}
		d.Args[i] = v
	}
	return d
}

// comparesArchWithNr reports the bug of libseccomp 2.5.4 that missingNrLoad
// looks for, wherever it is in the program: an instruction reached with
// the arch token in the accumulator compares it with a value that is no
// audit arch token of an ABI with a syscall table (a system call number:
// the load of seccomp_data.nr is missing).
func comparesArchWithNr(p seccomp.Program) bool {
	const ldAbs = 0x20
	arch := make([]int8, len(p)+1) // 1: the arch token is in A on some path, 2: something else
	arch[0] = 2
	for pc, in := range p {
		state := arch[pc]
		if state == 0 {
			continue
		}
		class := in.Op & 0x07
		next := func(to int, s int8) {
			if to < len(arch) && (arch[to] == 0 || s == 1) {
				arch[to] = s
			}
		}
		switch {
		case in.Op == ldAbs:
			s := int8(2)
			if in.K == seccomp.OffsetArch {
				s = 1
			}
			next(pc+1, s)
		case class == 0x05 && in.Op != 0x05:
			if state == 1 {
				if len(seccomp.ArchesOf(seccomp.AuditArch(in.K))) == 0 && in.K != seccomp.X32SyscallBit {
					return true
				}
			}
			next(pc+1+int(in.Jt), state)
			next(pc+1+int(in.Jf), state)
		case in.Op == 0x05:
			next(pc+1+int(in.K), state)
		case class == 0x06:
		default:
			next(pc+1, 2)
		}
	}
	return false
}

var debugLog *os.File

func init() {
	if p := os.Getenv("COMPAT_DEBUG_LOG"); p != "" {
		debugLog, _ = os.Create(p)
	}
}

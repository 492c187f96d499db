package seccomp_test

import (
	"errors"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"

	scmp "github.com/seccomp-go/seccomp"
	seccomp "github.com/seccomp-go/seccomp/libseccomp"
)

// The values of the constants are libseccomp-golang v0.11's: a program
// that stored them, or passes them across a boundary, must see the same.
func TestConstantValues(t *testing.T) {
	arches := []seccomp.ScmpArch{seccomp.ArchInvalid, seccomp.ArchNative, seccomp.ArchX86, seccomp.ArchAMD64,
		seccomp.ArchX32, seccomp.ArchARM, seccomp.ArchARM64, seccomp.ArchMIPS, seccomp.ArchMIPS64,
		seccomp.ArchMIPS64N32, seccomp.ArchMIPSEL, seccomp.ArchMIPSEL64, seccomp.ArchMIPSEL64N32,
		seccomp.ArchPPC, seccomp.ArchPPC64, seccomp.ArchPPC64LE, seccomp.ArchS390, seccomp.ArchS390X,
		seccomp.ArchPARISC, seccomp.ArchPARISC64, seccomp.ArchRISCV64, seccomp.ArchLOONGARCH64,
		seccomp.ArchM68K, seccomp.ArchSH, seccomp.ArchSHEB}
	for i, a := range arches {
		if uint(a) != uint(i) {
			t.Errorf("arch %v = %d, want %d", a, a, i)
		}
	}
	acts := []seccomp.ScmpAction{seccomp.ActInvalid, seccomp.ActKillThread, seccomp.ActTrap, seccomp.ActNotify,
		seccomp.ActErrno, seccomp.ActTrace, seccomp.ActAllow, seccomp.ActLog, seccomp.ActKillProcess}
	for i, a := range acts {
		if uint(a) != uint(i) {
			t.Errorf("action %v = %d, want %d", a, a, i)
		}
	}
	if seccomp.ActKill != seccomp.ActKillThread {
		t.Error("ActKill")
	}
	ops := []seccomp.ScmpCompareOp{seccomp.CompareInvalid, seccomp.CompareNotEqual, seccomp.CompareLess,
		seccomp.CompareLessOrEqual, seccomp.CompareEqual, seccomp.CompareGreaterEqual, seccomp.CompareGreater,
		seccomp.CompareMaskedEqual}
	for i, o := range ops {
		if uint(o) != uint(i) {
			t.Errorf("op %v = %d, want %d", o, o, i)
		}
	}
	if seccomp.NotifRespFlagContinue != 1 {
		t.Error("NotifRespFlagContinue")
	}
}

func TestArchNames(t *testing.T) {
	for _, c := range []struct {
		names []string
		arch  seccomp.ScmpArch
	}{
		{[]string{"x86"}, seccomp.ArchX86},
		{[]string{"amd64", "x86-64", "x86_64", "x64", "AMD64"}, seccomp.ArchAMD64},
		{[]string{"x32"}, seccomp.ArchX32},
		{[]string{"arm"}, seccomp.ArchARM},
		{[]string{"arm64", "aarch64"}, seccomp.ArchARM64},
		{[]string{"mips"}, seccomp.ArchMIPS},
		{[]string{"mips64"}, seccomp.ArchMIPS64},
		{[]string{"mips64n32"}, seccomp.ArchMIPS64N32},
		{[]string{"mipsel"}, seccomp.ArchMIPSEL},
		{[]string{"mipsel64"}, seccomp.ArchMIPSEL64},
		{[]string{"mipsel64n32"}, seccomp.ArchMIPSEL64N32},
		{[]string{"ppc"}, seccomp.ArchPPC},
		{[]string{"ppc64"}, seccomp.ArchPPC64},
		{[]string{"ppc64le"}, seccomp.ArchPPC64LE},
		{[]string{"s390"}, seccomp.ArchS390},
		{[]string{"s390x"}, seccomp.ArchS390X},
		{[]string{"parisc"}, seccomp.ArchPARISC},
		{[]string{"parisc64"}, seccomp.ArchPARISC64},
		{[]string{"riscv64"}, seccomp.ArchRISCV64},
		{[]string{"loong64", "loongarch64"}, seccomp.ArchLOONGARCH64},
		{[]string{"m68k"}, seccomp.ArchM68K},
		{[]string{"sh"}, seccomp.ArchSH},
		{[]string{"sheb"}, seccomp.ArchSHEB},
	} {
		for _, n := range c.names {
			a, err := seccomp.GetArchFromString(n)
			if err != nil || a != c.arch {
				t.Errorf("GetArchFromString(%q) = %v, %v; want %v", n, a, err, c.arch)
			}
		}
		if back, err := seccomp.GetArchFromString(c.arch.String()); err != nil || back != c.arch {
			t.Errorf("%v.String() = %q does not parse back", c.arch, c.arch.String())
		}
	}
	if _, err := seccomp.GetArchFromString("vax"); err == nil || err.Error() != `cannot convert unrecognized string "vax"` {
		t.Errorf("unknown name: %v", err)
	}
	for a, want := range map[seccomp.ScmpArch]string{
		seccomp.ArchNative: "native", seccomp.ArchInvalid: "Invalid architecture",
		seccomp.ArchLOONGARCH64: "loong64", 99: "Unknown architecture 0x63",
	} {
		if got := a.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", uint(a), got, want)
		}
	}
}

func TestGetNativeArch(t *testing.T) {
	a, err := seccomp.GetNativeArch()
	want := map[string]seccomp.ScmpArch{"amd64": seccomp.ArchAMD64, "arm64": seccomp.ArchARM64, "386": seccomp.ArchX86,
		"arm": seccomp.ArchARM, "riscv64": seccomp.ArchRISCV64, "s390x": seccomp.ArchS390X, "ppc64le": seccomp.ArchPPC64LE}[runtime.GOARCH]
	if want != 0 && (err != nil || a != want) {
		t.Errorf("GetNativeArch() = %v, %v; want %v", a, err, want)
	}
}

func TestActionHelpers(t *testing.T) {
	for _, c := range []struct {
		a    seccomp.ScmpAction
		want string
	}{
		{seccomp.ActKillThread, "Action: Kill thread"},
		{seccomp.ActKillProcess, "Action: Kill process"},
		{seccomp.ActTrap, "Action: Send SIGSYS"},
		{seccomp.ActErrno.SetReturnCode(13), "Action: Return error code 13"},
		{seccomp.ActTrace.SetReturnCode(7), "Action: Notify tracing processes with code 7"},
		{seccomp.ActNotify, "Action: Notify userspace"},
		{seccomp.ActLog, "Action: Log system call"},
		{seccomp.ActAllow, "Action: Allow system call"},
		{seccomp.ActInvalid, "Unrecognized Action 0x0"},
		{42, "Unrecognized Action 0x2a"},
	} {
		if got := c.a.String(); got != c.want {
			t.Errorf("%#x.String() = %q, want %q", uint(c.a), got, c.want)
		}
	}
	if seccomp.ActInvalid.SetReturnCode(16) != seccomp.ActInvalid || seccomp.ActAllow.SetReturnCode(1) != seccomp.ActAllow {
		t.Error("SetReturnCode changed an action without a code")
	}
	e := seccomp.ActErrno.SetReturnCode(1).SetReturnCode(2)
	if e != seccomp.ActErrno|2<<16 || e.GetReturnCode() != 2 {
		t.Errorf("SetReturnCode twice: %#x", uint(e))
	}
	if got := seccomp.ActErrno.SetReturnCode(-1).GetReturnCode(); got != -1 {
		t.Errorf("GetReturnCode of -1: %d", got)
	}
}

func TestCompareOpString(t *testing.T) {
	for op, want := range map[seccomp.ScmpCompareOp]string{
		seccomp.CompareNotEqual: "Not equal", seccomp.CompareLess: "Less than",
		seccomp.CompareLessOrEqual: "Less than or equal to", seccomp.CompareEqual: "Equal",
		seccomp.CompareGreaterEqual: "Greater than or equal to", seccomp.CompareGreater: "Greater than",
		seccomp.CompareMaskedEqual: "Masked equality", seccomp.CompareInvalid: "Invalid comparison operator",
		9: "Unrecognized comparison operator 0x9",
	} {
		if got := op.String(); got != want {
			t.Errorf("%d: %q, want %q", uint(op), got, want)
		}
	}
}

func TestSyscallNames(t *testing.T) {
	// Numbers from the kernel's tables (arch/*/entry/syscalls, asm-generic).
	for _, c := range []struct {
		arch seccomp.ScmpArch
		name string
		nr   int32
	}{
		{seccomp.ArchAMD64, "write", 1},
		{seccomp.ArchAMD64, "openat", 257},
		{seccomp.ArchX86, "write", 4},
		{seccomp.ArchX32, "write", 0x40000001},
		{seccomp.ArchARM, "write", 4},
		{seccomp.ArchARM64, "openat", 56},
		{seccomp.ArchRISCV64, "openat", 56},
		// x86 routes socket calls through socketcall: libseccomp's number.
		{seccomp.ArchX86, "socket", -101},
		{seccomp.ArchX86, "shmctl", -224},
	} {
		nr, err := seccomp.GetSyscallFromNameByArch(c.name, c.arch)
		if err != nil || int32(nr) != c.nr {
			t.Errorf("GetSyscallFromNameByArch(%q, %v) = %d, %v; want %d", c.name, c.arch, nr, err, c.nr)
		}
		name, err := seccomp.ScmpSyscall(c.nr).GetNameByArch(c.arch)
		if err != nil || name != c.name {
			t.Errorf("%d.GetNameByArch(%v) = %q, %v; want %q", c.nr, c.arch, name, err, c.name)
		}
	}
	// x32 numbers are taken with or without the x32 bit.
	if n, err := seccomp.ScmpSyscall(1).GetNameByArch(seccomp.ArchX32); err != nil || n != "write" {
		t.Errorf("x32 1: %q %v", n, err)
	}
	if _, err := seccomp.ScmpSyscall(0x999).GetNameByArch(seccomp.ArchAMD64); err != seccomp.ErrSyscallDoesNotExist {
		t.Errorf("unknown number: %v", err)
	}
	if _, err := seccomp.GetSyscallFromNameByArch("NOTASYSCALL", seccomp.ArchAMD64); err != seccomp.ErrSyscallDoesNotExist {
		t.Errorf("unknown name: %v", err)
	}
	for _, bad := range []seccomp.ScmpArch{seccomp.ArchInvalid, 99} {
		if _, err := seccomp.GetSyscallFromNameByArch("write", bad); err == nil || !strings.HasPrefix(err.Error(), "unrecognized architecture") {
			t.Errorf("arch %d: %v", uint(bad), err)
		}
		if _, err := seccomp.ScmpSyscall(1).GetNameByArch(bad); err == nil {
			t.Errorf("arch %d: no error", uint(bad))
		}
	}
	// Every ABI has a table: s390x's numbers, mips's with their bias.
	for _, c := range []struct {
		arch seccomp.ScmpArch
		name string
		nr   seccomp.ScmpSyscall
	}{{seccomp.ArchS390X, "write", 4}, {seccomp.ArchMIPS, "write", 4004}, {seccomp.ArchMIPS64N32, "write", 6001}, {seccomp.ArchPPC64LE, "write", 4}} {
		if nr, err := seccomp.GetSyscallFromNameByArch(c.name, c.arch); err != nil || nr != c.nr {
			t.Errorf("%v %s: %d %v, want %d", c.arch, c.name, nr, err, c.nr)
		}
	}
	if runtime.GOARCH != "amd64" {
		return
	}
	// x86_64's numbers (syscall.SYS_* exist only when building for Linux).
	if nr, err := seccomp.GetSyscallFromName("write"); err != nil || nr != 1 {
		t.Errorf("GetSyscallFromName(write) = %d, %v", nr, err)
	}
	if n, err := seccomp.ScmpSyscall(257).GetName(); err != nil || n != "openat" {
		t.Errorf("GetName: %q %v", n, err)
	}
	// A call the native ABI lacks has a negative (pseudo) number, which
	// names it and applies on the ABIs that have it.
	nr, err := seccomp.GetSyscallFromName("chown32")
	if err != nil || nr >= -100 {
		t.Fatalf("chown32 on amd64: %d, %v", nr, err)
	}
	if n, err := nr.GetName(); err != nil || n != "chown32" {
		t.Errorf("pseudo number's name: %q %v", n, err)
	}
	if _, err := seccomp.GetSyscallFromName("NOTASYSCALL"); err != seccomp.ErrSyscallDoesNotExist {
		t.Errorf("unknown: %v", err)
	}
}

func TestMakeCondition(t *testing.T) {
	c, err := seccomp.MakeCondition(3, seccomp.CompareNotEqual, 0x10)
	if err != nil || c != (seccomp.ScmpCondition{Argument: 3, Op: seccomp.CompareNotEqual, Operand1: 0x10}) {
		t.Errorf("%+v %v", c, err)
	}
	c, err = seccomp.MakeCondition(3, seccomp.CompareMaskedEqual, 0x10, 0x20)
	if err != nil || c != (seccomp.ScmpCondition{Argument: 3, Op: seccomp.CompareMaskedEqual, Operand1: 0x10, Operand2: 0x20}) {
		t.Errorf("%+v %v", c, err)
	}
	for _, bad := range []struct {
		arg  uint
		op   seccomp.ScmpCompareOp
		vals []uint64
		msg  string
	}{
		{7, seccomp.CompareNotEqual, []uint64{1}, "syscalls only have up to 6 arguments (7 given)"},
		{3, seccomp.CompareInvalid, []uint64{1}, "unrecognized comparison operator 0x0"},
		{3, 8, []uint64{1}, "unrecognized comparison operator 0x8"},
		{3, seccomp.CompareMaskedEqual, []uint64{1, 2, 3}, "conditions can have at most 2 arguments (3 given)"},
		{3, seccomp.CompareMaskedEqual, nil, "must provide at least one value to compare against"},
	} {
		if _, err := seccomp.MakeCondition(bad.arg, bad.op, bad.vals...); err == nil || err.Error() != bad.msg {
			t.Errorf("MakeCondition(%d, %v, %v): %v, want %q", bad.arg, bad.op, bad.vals, err, bad.msg)
		}
	}
}

func TestLibraryVersion(t *testing.T) {
	if a, b, c := seccomp.GetLibraryVersion(); a != 2 || b != 6 || c != 0 {
		t.Errorf("%d.%d.%d", a, b, c)
	}
}

// TestGetAPI: the level is what the kernel supports, feature by feature,
// asked here through the seccomp package's probes one by one (which the
// package uses too), and, independently of any probe, what the kernel's
// release says where seccomp(2) answers: every feature of level 7 is in
// Linux 5.19 (WAIT_KILLABLE_RECV, the last one).
func TestGetAPI(t *testing.T) {
	level, err := seccomp.GetAPI()
	if err != nil || level < 1 || level > 7 {
		t.Fatalf("GetAPI() = %d, %v", level, err)
	}
	flag := func(f scmp.FilterFlag) bool { ok, err := scmp.FlagSupported(f); return err == nil && ok }
	action := func(a scmp.Action) bool { ok, err := scmp.ActionAvailable(a); return err == nil && ok }
	_, notifErr := scmp.GetNotifSizes()
	want := uint(1)
	for _, step := range []bool{
		flag(scmp.FlagTSync),
		flag(scmp.FlagLog) && action(scmp.ActLog) && action(scmp.ActKillProcess),
		flag(scmp.FlagSpecAllow),
		flag(scmp.FlagNewListener) && notifErr == nil,
		flag(scmp.FlagTSyncESRCH),
		flag(scmp.FlagWaitKillableRecv),
	} {
		if !step {
			break
		}
		want++
	}
	if level != want {
		t.Errorf("GetAPI() = %d, the kernel's features say %d", level, want)
	}
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return // not Linux
	}
	release, err := scmp.ParseRelease(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scmp.FlagSupported(scmp.FlagTSync); err == nil && !release.Before(scmp.Release{Major: 5, Minor: 19}) && level != 7 {
		t.Errorf("GetAPI() = %d on Linux %s, which has every feature of level 7", level, release)
	}
}

func newFilter(t *testing.T, def seccomp.ScmpAction) *seccomp.ScmpFilter {
	t.Helper()
	f, err := seccomp.NewFilter(def)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func nr(t *testing.T, name string) seccomp.ScmpSyscall {
	t.Helper()
	n, err := seccomp.GetSyscallFromName(name)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func cond(t *testing.T, arg uint, op seccomp.ScmpCompareOp, v ...uint64) seccomp.ScmpCondition {
	t.Helper()
	c, err := seccomp.MakeCondition(arg, op, v...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestFilterLifecycle(t *testing.T) {
	if _, err := seccomp.NewFilter(seccomp.ActInvalid); err == nil || err.Error() != "unrecognized action 0x0" {
		t.Errorf("NewFilter(ActInvalid): %v", err)
	}
	if _, err := seccomp.NewFilter(seccomp.ActAllow | 1<<16); err == nil || err.Error() != "highest 16 bits must be zeroed except for Trace and Errno" {
		t.Errorf("NewFilter(ALLOW with data): %v", err)
	}
	if _, err := seccomp.NewFilter(seccomp.ActErrno.SetReturnCode(4095)); err == nil || err.Error() != "could not create filter" {
		t.Errorf("NewFilter(ERRNO(4095)): %v", err)
	}
	f := newFilter(t, seccomp.ActKillThread)
	if !f.IsValid() {
		t.Fatal("new filter not valid")
	}
	f.Release()
	f.Release()
	if f.IsValid() {
		t.Fatal("released filter valid")
	}
	bad := func(name string, err error) {
		t.Helper()
		if err == nil || err.Error() != "filter is invalid or uninitialized" {
			t.Errorf("%s on a released filter: %v", name, err)
		}
	}
	bad("Reset", f.Reset(seccomp.ActAllow))
	bad("AddArch", f.AddArch(seccomp.ArchX86))
	bad("RemoveArch", f.RemoveArch(seccomp.ArchX86))
	_, err := f.IsArchPresent(seccomp.ArchX86)
	bad("IsArchPresent", err)
	bad("AddRule", f.AddRule(1, seccomp.ActAllow))
	bad("AddRuleExact", f.AddRuleExact(1, seccomp.ActAllow))
	bad("AddRuleConditional", f.AddRuleConditional(1, seccomp.ActAllow, nil))
	bad("AddRuleConditionalExact", f.AddRuleConditionalExact(1, seccomp.ActAllow, nil))
	bad("SetSyscallPriority", f.SetSyscallPriority(1, 1))
	bad("Load", f.Load())
	bad("Precompute", f.Precompute())
	bad("ExportPFC", f.ExportPFC(os.Stdout))
	bad("ExportBPF", f.ExportBPF(os.Stdout))
	_, err = f.ExportBPFMem()
	bad("ExportBPFMem", err)
	bad("SetBadArchAction", f.SetBadArchAction(seccomp.ActAllow))
	bad("SetNoNewPrivsBit", f.SetNoNewPrivsBit(true))
	bad("SetRawRC", f.SetRawRC(true))
	bad("TransactionStart", f.TransactionStart())
	bad("TransactionCommit", f.TransactionCommit())
	f.TransactionReject()
	_, err = f.GetDefaultAction()
	bad("GetDefaultAction", err)
	_, err = f.GetNoNewPrivsBit()
	bad("GetNoNewPrivsBit", err)
	_, err = f.GetNotifFd()
	bad("GetNotifFd", err)
	// The zero value is not valid either (runc probes flags with one).
	var z seccomp.ScmpFilter
	bad("zero value SetLogBit", z.SetLogBit(true))
	if err := newFilter(t, seccomp.ActAllow).Merge(f); err == nil || err.Error() != "one or more of the filter contexts is invalid or uninitialized" {
		t.Errorf("Merge of a released filter: %v", err)
	}
}

func TestReset(t *testing.T) {
	f := newFilter(t, seccomp.ActKillThread)
	if a, err := f.GetDefaultAction(); err != nil || a != seccomp.ActKillThread {
		t.Fatalf("%v %v", a, err)
	}
	if err := f.AddArch(seccomp.ArchX86); err != nil {
		t.Fatal(err)
	}
	if err := f.AddRule(nr(t, "getpid"), seccomp.ActAllow); err != nil {
		t.Fatal(err)
	}
	if err := f.SetBadArchAction(seccomp.ActTrap); err != nil {
		t.Fatal(err)
	}
	if err := f.Reset(seccomp.ActAllow); err != nil {
		t.Fatal(err)
	}
	if !f.IsValid() {
		t.Fatal("not valid after Reset")
	}
	if a, err := f.GetDefaultAction(); err != nil || a != seccomp.ActAllow {
		t.Errorf("default after Reset: %v %v", a, err)
	}
	if a, err := f.GetBadArchAction(); err != nil || a != seccomp.ActKillThread {
		t.Errorf("bad-arch action after Reset: %v %v", a, err)
	}
	if ok, _ := f.IsArchPresent(seccomp.ArchX86); ok {
		t.Error("x86 still covered after Reset")
	}
	// ALLOW is now the default action: a rule with it is refused.
	if err := f.AddRule(nr(t, "getpid"), seccomp.ActAllow); err == nil || err.Error() != "requested action matches default action of filter" {
		t.Errorf("rule with the new default action: %v", err)
	}
	if err := f.Reset(seccomp.ActInvalid); err == nil || err.Error() != "unrecognized action 0x0" {
		t.Errorf("Reset(ActInvalid): %v", err)
	}
}

func TestArchFunctions(t *testing.T) {
	f := newFilter(t, seccomp.ActKillThread)
	native, err := seccomp.GetNativeArch()
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := f.IsArchPresent(native); err != nil || !ok {
		t.Fatalf("native arch not present: %v %v", ok, err)
	}
	if ok, err := f.IsArchPresent(seccomp.ArchNative); err != nil || !ok {
		t.Fatalf("ArchNative not present: %v %v", ok, err)
	}
	if err := f.AddArch(native); err != nil {
		t.Errorf("adding a present arch: %v", err)
	}
	other := seccomp.ArchX86
	if native == seccomp.ArchX86 {
		other = seccomp.ArchAMD64
	}
	if ok, _ := f.IsArchPresent(other); ok {
		t.Fatal("other arch present")
	}
	if err := f.RemoveArch(other); err != nil {
		t.Errorf("removing an absent arch: %v", err)
	}
	if err := f.AddArch(other); err != nil {
		t.Fatal(err)
	}
	if ok, _ := f.IsArchPresent(other); !ok {
		t.Fatal("added arch absent")
	}
	if err := f.RemoveArch(other); err != nil {
		t.Fatal(err)
	}
	if ok, _ := f.IsArchPresent(other); ok {
		t.Fatal("removed arch present")
	}
	for _, bad := range []seccomp.ScmpArch{seccomp.ArchInvalid, 99} {
		if err := f.AddArch(bad); err == nil || !strings.HasPrefix(err.Error(), "unrecognized architecture") {
			t.Errorf("AddArch(%d): %v", uint(bad), err)
		}
	}
	// Every ABI libseccomp-golang names has a table here: each can be
	// added (when its byte order is the filter's) and removed.
	for a := seccomp.ArchX86; a <= seccomp.ArchSHEB; a++ {
		if a == native {
			continue
		}
		err := f.AddArch(a)
		if err == syscall.EDOM { // another byte order than the native ABI's
			continue
		}
		if err != nil {
			t.Errorf("AddArch(%v): %v", a, err)
			continue
		}
		if err := f.RemoveArch(a); err != nil {
			t.Fatalf("RemoveArch(%v): %v", a, err)
		}
	}
	// A filter covering no ABI refuses most operations (libseccomp's
	// EINVAL).
	if err := f.RemoveArch(native); err != nil {
		t.Fatal(err)
	}
	if !f.IsValid() {
		t.Error("a filter without ABIs is still valid")
	}
	if _, err := f.GetDefaultAction(); err != syscall.EINVAL {
		t.Errorf("GetDefaultAction without ABIs: %v", err)
	}
	if err := f.AddRule(1, seccomp.ActAllow); err == nil || err.Error() != "two checks on same syscall argument" {
		t.Errorf("AddRule without ABIs: %v (libseccomp-golang's message for EINVAL)", err)
	}
	if err := f.Load(); err != syscall.EINVAL {
		t.Errorf("Load without ABIs: %v", err)
	}
}

func TestAttributes(t *testing.T) {
	f := newFilter(t, seccomp.ActKillThread)
	get := func(name string, fn func() (bool, error), want bool) {
		t.Helper()
		if v, err := fn(); err != nil || v != want {
			t.Errorf("%s = %v, %v; want %v", name, v, err, want)
		}
	}
	// The defaults.
	get("GetNoNewPrivsBit", f.GetNoNewPrivsBit, true)
	get("GetLogBit", f.GetLogBit, false)
	get("GetSSB", f.GetSSB, false)
	get("GetRawRC", f.GetRawRC, false)
	get("GetWaitKill", f.GetWaitKill, false)
	if a, err := f.GetBadArchAction(); err != nil || a != seccomp.ActKillThread {
		t.Errorf("GetBadArchAction: %v %v", a, err)
	}
	if l, err := f.GetOptimize(); err != nil || l != 1 {
		t.Errorf("GetOptimize: %d %v", l, err)
	}
	// Set and read back.
	for _, s := range []struct {
		name string
		set  func(bool) error
		get  func() (bool, error)
	}{
		{"NoNewPrivs", f.SetNoNewPrivsBit, f.GetNoNewPrivsBit},
		{"Log", f.SetLogBit, f.GetLogBit},
		{"SSB", f.SetSSB, f.GetSSB},
		{"RawRC", f.SetRawRC, f.GetRawRC},
		{"WaitKill", f.SetWaitKill, f.GetWaitKill},
	} {
		for _, v := range []bool{true, false, true} {
			if err := s.set(v); err != nil {
				t.Fatalf("Set%s(%v): %v", s.name, v, err)
			}
			get("Get"+s.name, s.get, v)
		}
	}
	if err := f.SetBadArchAction(seccomp.ActAllow); err != nil {
		t.Fatal(err)
	}
	if a, _ := f.GetBadArchAction(); a != seccomp.ActAllow {
		t.Errorf("bad-arch action %v", a)
	}
	if err := f.SetBadArchAction(seccomp.ActInvalid); err == nil {
		t.Error("SetBadArchAction(ActInvalid) accepted")
	}
	if err := f.SetBadArchAction(seccomp.ActErrno.SetReturnCode(4095)); err != syscall.EINVAL {
		t.Errorf("SetBadArchAction(ERRNO(4095)): %v", err)
	}
	for _, l := range []int{2, 1} {
		if err := f.SetOptimize(l); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.GetOptimize(); got != l {
			t.Errorf("optimize %d, want %d", got, l)
		}
	}
	for _, l := range []int{0, 3} {
		if err := f.SetOptimize(l); err != syscall.EOPNOTSUPP {
			t.Errorf("SetOptimize(%d): %v", l, err)
		}
	}
}

func TestAddRuleErrors(t *testing.T) {
	f := newFilter(t, seccomp.ActAllow)
	getpid := nr(t, "getpid")
	for _, c := range []struct {
		name  string
		err   error
		msg   string
		exact bool
	}{
		{"default action", f.AddRule(getpid, seccomp.ActAllow), "requested action matches default action of filter", false},
		{"argument 6", f.AddRuleConditional(getpid, seccomp.ActKillProcess, []seccomp.ScmpCondition{{Argument: 6, Op: seccomp.CompareEqual}}), "two checks on same syscall argument", false},
		{"two conditions on one argument", f.AddRuleConditional(getpid, seccomp.ActKillProcess, []seccomp.ScmpCondition{cond(t, 0, seccomp.CompareGreater, 1), cond(t, 0, seccomp.CompareLess, 9)}), "two checks on same syscall argument", false},
		{"invalid operator", f.AddRuleConditional(getpid, seccomp.ActKillProcess, []seccomp.ScmpCondition{{Argument: 0, Op: 9}}), "two checks on same syscall argument", false},
		{"seven conditions", f.AddRuleConditional(getpid, seccomp.ActKillProcess, make([]seccomp.ScmpCondition, 7)), "two checks on same syscall argument", false},
		{"syscall -5", f.AddRule(-5, seccomp.ActKillProcess), "two checks on same syscall argument", false},
		{"ERRNO(4095)", f.AddRule(getpid, seccomp.ActErrno.SetReturnCode(4095)), "two checks on same syscall argument", false},
	} {
		if c.err == nil || c.err.Error() != c.msg {
			t.Errorf("%s: %v, want %q", c.name, c.err, c.msg)
		}
	}
	// The same conditions with another action: libseccomp's EEXIST.
	c0 := []seccomp.ScmpCondition{cond(t, 0, seccomp.CompareEqual, 2)}
	if err := f.AddRuleConditional(getpid, seccomp.ActErrno.SetReturnCode(1), c0); err != nil {
		t.Fatal(err)
	}
	if err := f.AddRuleConditional(getpid, seccomp.ActKillProcess, c0); err != syscall.EEXIST {
		t.Errorf("same conditions, another action: %v", err)
	}
	// A rule refused changes nothing: the first rule still decides.
	if err := f.AddRuleConditional(getpid, seccomp.ActErrno.SetReturnCode(1), c0); err != nil {
		t.Errorf("the first rule again: %v", err)
	}
	// Exact rules on a filter of several ABIs, and numbers other ABIs
	// cannot name.
	if err := f.AddArch(seccomp.ArchX86); err != nil {
		t.Fatal(err)
	}
	if err := f.AddRuleExact(getpid, seccomp.ActKillProcess); err != syscall.EOPNOTSUPP {
		t.Errorf("exact with two ABIs: %v", err)
	}
	if err := f.AddRule(0x999, seccomp.ActKillProcess); err == nil || err.Error() != "unrecognized syscall 0x999" {
		t.Errorf("number no ABI names: %v", err)
	}
	// Exact rules for a call the ABI lacks: EDOM.
	g := newFilter(t, seccomp.ActAllow)
	g.RemoveArch(seccomp.ArchNative)
	g.AddArch(seccomp.ArchARM64)
	if runtime.GOARCH == "amd64" {
		if err := g.AddRuleExact(nr(t, "open"), seccomp.ActKillProcess); err != syscall.EDOM {
			t.Errorf("exact rule for open on arm64: %v", err)
		}
		if err := g.AddRule(nr(t, "open"), seccomp.ActKillProcess); err != nil {
			t.Errorf("rule for open on arm64: %v", err)
		}
	}
	// Exact rules for a multiplexed call with conditions: EINVAL.
	x := newFilter(t, seccomp.ActAllow)
	x.RemoveArch(seccomp.ArchNative)
	x.AddArch(seccomp.ArchX86)
	sock, _ := seccomp.GetSyscallFromNameByArch("socket", seccomp.ArchX86)
	if runtime.GOARCH == "386" {
		if err := x.AddRuleConditionalExact(sock, seccomp.ActKillProcess, c0); err == nil || err.Error() != "two checks on same syscall argument" {
			t.Errorf("exact socket rule with a condition on x86: %v", err)
		}
	}
}

// TestMerge is libseccomp-golang's TestMergeFilters, with the errors.
func TestMerge(t *testing.T) {
	f1, f2 := newFilter(t, seccomp.ActAllow), newFilter(t, seccomp.ActAllow)
	native, _ := seccomp.GetNativeArch()
	other := seccomp.ArchAMD64
	if native == seccomp.ArchAMD64 {
		other = seccomp.ArchX86
	}
	if err := f2.AddArch(other); err != nil {
		t.Fatal(err)
	}
	if err := f2.AddRule(nr(t, "getpid"), seccomp.ActKillProcess); err != nil {
		t.Fatal(err)
	}
	// An ABI in common.
	if err := f1.Merge(f2); err != syscall.EEXIST {
		t.Fatalf("merge with an ABI in common: %v", err)
	}
	if err := f2.RemoveArch(native); err != nil {
		t.Fatal(err)
	}
	if err := f1.Merge(f2); err != nil {
		t.Fatal(err)
	}
	if f2.IsValid() {
		t.Error("source valid after Merge")
	}
	if ok, _ := f1.IsArchPresent(other); !ok {
		t.Error("merged ABI absent")
	}
	f3 := newFilter(t, seccomp.ActKillThread)
	if err := f1.Merge(f3); err == nil || err.Error() != "filters could not be merged due to a mismatch in attributes or invalid filter: invalid argument" ||
		!errors.Is(err, syscall.EINVAL) {
		t.Errorf("merge with another default action: %v", err)
	}
}

func TestSetSyscallPriority(t *testing.T) {
	f := newFilter(t, seccomp.ActAllow)
	if err := f.SetSyscallPriority(nr(t, "getpid"), 100); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSyscallPriority(-1, 1); err != syscall.EINVAL {
		t.Errorf("priority of -1: %v", err)
	}
	f.AddArch(seccomp.ArchX86)
	if err := f.SetSyscallPriority(0x999, 1); err != syscall.EFAULT {
		t.Errorf("priority of an unknown number with two ABIs: %v", err)
	}
}

// TestBigEndianFilter: a filter for s390x and s390, built on any machine:
// the ABIs of a filter share a byte order (AddArch of another is EDOM, as
// in libseccomp), the rule's native number is translated by name, s390
// compares the low 32 bits only, and the program is exported big-endian.
func TestBigEndianFilter(t *testing.T) {
	f := newFilter(t, seccomp.ActErrno.SetReturnCode(1))
	native, err := seccomp.GetNativeArch()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.RemoveArch(seccomp.ArchNative); err != nil {
		t.Fatal(err)
	}
	for _, a := range []seccomp.ScmpArch{seccomp.ArchS390X, seccomp.ArchS390} {
		if err := f.AddArch(a); err != nil {
			t.Fatalf("AddArch(%v): %v", a, err)
		}
	}
	if err := f.AddArch(seccomp.ArchAMD64); err != syscall.EDOM {
		t.Errorf("AddArch(amd64) to a big-endian filter: %v, want EDOM", err)
	}
	if err := f.AddRuleConditional(nr(t, "read"), seccomp.ActAllow, []seccomp.ScmpCondition{cond(t, 0, seccomp.CompareEqual, 0x100000003)}); err != nil {
		t.Fatal(err)
	}
	mem, err := f.ExportBPFMem()
	if err != nil {
		t.Fatal(err)
	}
	if native != seccomp.ArchS390X && native != seccomp.ArchS390 {
		// The first instruction, ld [4] (the arch), is 0x20 0x00 0x00 0x00
		// 0x00 0x00 0x00 0x04 in big-endian order.
		if got := mem[:8]; string(got) != "\x00\x20\x00\x00\x00\x00\x00\x04" {
			t.Errorf("first instruction % x, want ld [4] in big-endian order", got)
		}
	}
	p, err := scmp.DecodeRaw(mem, scmp.ArchS390X.ByteOrder())
	if err != nil {
		t.Fatal(err)
	}
	e := scmp.MustEmulator(p)
	const read = 3 // on s390x and s390 (arch/s390/kernel/syscalls/syscall.tbl)
	for _, c := range []struct {
		arch scmp.AuditArch
		arg0 uint64
		want scmp.Action
	}{
		{scmp.AuditArchS390X, 0x100000003, scmp.ActAllow},
		{scmp.AuditArchS390X, 3, scmp.Errno(1)},
		{scmp.AuditArchS390, 0x100000003, scmp.ActAllow},
		{scmp.AuditArchS390, 3, scmp.ActAllow}, // the low 32 bits
		{scmp.AuditArchS390, 4, scmp.Errno(1)},
	} {
		if got := e.Action(scmp.Data{Nr: read, Arch: c.arch, Args: [6]uint64{c.arg0}}); got != c.want {
			t.Errorf("%v: read(%#x) = %v, want %v", c.arch, c.arg0, got, c.want)
		}
	}
}

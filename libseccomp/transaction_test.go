package seccomp_test

import (
	"io"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"

	scmp "github.com/seccomp-go/seccomp"
	seccomp "github.com/seccomp-go/seccomp/libseccomp"
)

func pfcOf(t *testing.T, f *seccomp.ScmpFilter) string {
	t.Helper()
	tmp, err := os.CreateTemp(t.TempDir(), "pfc")
	if err != nil {
		t.Fatal(err)
	}
	defer tmp.Close()
	if err := f.ExportPFC(tmp); err != nil {
		t.Fatal(err)
	}
	tmp.Seek(0, io.SeekStart)
	b, _ := io.ReadAll(tmp)
	return string(b)
}

func TestTransactions(t *testing.T) {
	f := newFilter(t, seccomp.ActAllow)
	getpid, kill := nr(t, "getpid"), nr(t, "kill")
	if err := f.AddRule(getpid, seccomp.ActErrno.SetReturnCode(1)); err != nil {
		t.Fatal(err)
	}
	before := pfcOf(t, f)

	// Rejected: the rules and ABIs are those at the start.
	if err := f.TransactionStart(); err != nil {
		t.Fatal(err)
	}
	if err := f.AddRule(kill, seccomp.ActKillProcess); err != nil {
		t.Fatal(err)
	}
	if err := f.AddArch(seccomp.ArchX86); err != nil {
		t.Fatal(err)
	}
	if pfcOf(t, f) == before {
		t.Fatal("the changes do not show")
	}
	f.TransactionReject()
	if got := pfcOf(t, f); got != before {
		t.Errorf("after TransactionReject:\n%s\nwant\n%s", got, before)
	}
	if ok, _ := f.IsArchPresent(seccomp.ArchX86); ok {
		t.Error("x86 still covered after TransactionReject")
	}

	// Committed: the changes stay.
	if err := f.TransactionStart(); err != nil {
		t.Fatal(err)
	}
	if err := f.AddRule(kill, seccomp.ActKillProcess); err != nil {
		t.Fatal(err)
	}
	if err := f.TransactionCommit(); err != nil {
		t.Fatal(err)
	}
	committed := pfcOf(t, f)
	if !strings.Contains(committed, `"kill"`) {
		t.Errorf("committed rule missing:\n%s", committed)
	}
	// Nothing to reject any more.
	f.TransactionReject()
	if pfcOf(t, f) != committed {
		t.Error("TransactionReject without a transaction changed the filter")
	}

	// Nested: the inner reject undoes the inner changes only.
	f.TransactionStart()
	f.AddRule(nr(t, "close"), seccomp.ActLog)
	outer := pfcOf(t, f)
	f.TransactionStart()
	f.AddRule(nr(t, "openat"), seccomp.ActLog)
	f.TransactionReject()
	if pfcOf(t, f) != outer {
		t.Error("inner TransactionReject undid more or less than the inner changes")
	}
	f.TransactionReject()
	if pfcOf(t, f) != committed {
		t.Error("outer TransactionReject")
	}

	// A rule refused inside a transaction changes nothing, and the
	// transaction goes on.
	f.TransactionStart()
	c := []seccomp.ScmpCondition{cond(t, 0, seccomp.CompareEqual, 1)}
	f.AddRuleConditional(getpid+1, seccomp.ActLog, c)
	if err := f.AddRuleConditional(getpid+1, seccomp.ActTrap, c); err != syscall.EEXIST {
		t.Fatalf("conflicting rule: %v", err)
	}
	f.TransactionCommit()
	if !strings.Contains(pfcOf(t, f), "action LOG;") {
		t.Error("rule of the transaction lost")
	}
}

// TestPseudoNumbers: a rule for a call the native ABI lacks, by its
// pseudo number, applies to the ABIs that have the call.
func TestPseudoNumbers(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("x86_64 is the native ABI of the test")
	}
	f := newFilter(t, seccomp.ActAllow)
	f.AddArch(seccomp.ArchX86)
	chown32, err := seccomp.GetSyscallFromName("chown32")
	if err != nil || chown32 >= 0 {
		t.Fatalf("chown32: %d %v", chown32, err)
	}
	if err := f.AddRule(chown32, seccomp.ActErrno.SetReturnCode(1)); err != nil {
		t.Fatal(err)
	}
	// Exact: the native ABI lacks it.
	g := newFilter(t, seccomp.ActAllow)
	if err := g.AddRuleExact(chown32, seccomp.ActErrno.SetReturnCode(1)); err != syscall.EDOM {
		t.Errorf("exact rule for chown32 on x86_64: %v", err)
	}
	mem, err := f.ExportBPFMem()
	if err != nil {
		t.Fatal(err)
	}
	p, _ := scmp.ParseRaw(mem)
	e := scmp.MustEmulator(p)
	// chown32 is 212 on i386 (arch/x86/entry/syscalls/syscall_32.tbl).
	if got := e.Action(scmp.Data{Nr: 212, Arch: scmp.AuditArchI386}); got != scmp.Errno(1) {
		t.Errorf("i386 chown32: %v", got)
	}
	if got := e.Action(scmp.Data{Nr: 212, Arch: scmp.AuditArchX86_64}); got != scmp.ActAllow {
		t.Errorf("x86_64 212: %v", got)
	}
}

// TestMultiplexedCalls: on x86, libseccomp applies a rule for a socket or
// IPC call to the call and to its multiplexer (socketcall, ipc) with the
// call's number as first argument, in place of any condition on it.
func TestMultiplexedCalls(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("x86_64 is the native ABI of the test")
	}
	f := newFilter(t, seccomp.ActAllow)
	f.AddArch(seccomp.ArchX86)
	if err := f.AddRuleConditional(nr(t, "socket"), seccomp.ActErrno.SetReturnCode(1), []seccomp.ScmpCondition{cond(t, 0, seccomp.CompareEqual, 2), cond(t, 1, seccomp.CompareEqual, 1)}); err != nil {
		t.Fatal(err)
	}
	if err := f.AddRule(nr(t, "shmget"), seccomp.ActErrno.SetReturnCode(2)); err != nil {
		t.Fatal(err)
	}
	mem, err := f.ExportBPFMem()
	if err != nil {
		t.Fatal(err)
	}
	p, _ := scmp.ParseRaw(mem)
	e := scmp.MustEmulator(p)
	// i386: socket 359, socketcall 102 (SYS_SOCKET 1), ipc 117 (SHMGET
	// 23), shmget 395; x86_64: socket 41, shmget 29.
	for _, c := range []struct {
		arch scmp.AuditArch
		nr   int32
		args [6]uint64
		want scmp.Action
	}{
		{scmp.AuditArchI386, 359, [6]uint64{2, 1}, scmp.Errno(1)},
		{scmp.AuditArchI386, 359, [6]uint64{10, 1}, scmp.ActAllow},
		{scmp.AuditArchI386, 102, [6]uint64{1, 1}, scmp.Errno(1)}, // the condition on argument 0 gave way
		{scmp.AuditArchI386, 102, [6]uint64{1, 2}, scmp.ActAllow},
		{scmp.AuditArchI386, 102, [6]uint64{2, 1}, scmp.ActAllow},
		{scmp.AuditArchI386, 117, [6]uint64{23}, scmp.Errno(2)},
		{scmp.AuditArchI386, 117, [6]uint64{24}, scmp.ActAllow},
		{scmp.AuditArchI386, 395, [6]uint64{}, scmp.Errno(2)},
		{scmp.AuditArchX86_64, 41, [6]uint64{2, 1}, scmp.Errno(1)},
		{scmp.AuditArchX86_64, 29, [6]uint64{}, scmp.Errno(2)},
	} {
		if got := e.Action(scmp.Data{Nr: c.nr, Arch: c.arch, Args: c.args}); got != c.want {
			t.Errorf("%v %d %v: %v, want %v", c.arch, c.nr, c.args, got, c.want)
		}
	}
}

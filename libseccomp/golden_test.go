package seccomp_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	scmp "github.com/seccomp-go/seccomp"
	seccomp "github.com/seccomp-go/seccomp/libseccomp"
)

// goldenFilter is the filter of testdata/golden.c, whose output under
// libseccomp 2.5.4 is testdata/golden.pfc (optimization level 1) and
// golden-tree.pfc (level 2): `gcc golden.c -lseccomp && ./a.out >
// golden.pfc && ./a.out 2 > golden-tree.pfc`.
func goldenFilter(t *testing.T, optimize int) *seccomp.ScmpFilter {
	t.Helper()
	f := newFilter(t, seccomp.ActKillProcess)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetOptimize(optimize))
	must(f.AddArch(seccomp.ArchX86))
	must(f.AddArch(seccomp.ArchARM64))
	read, write := nr(t, "read"), nr(t, "write")
	must(f.AddRuleConditional(read, seccomp.ActAllow, []seccomp.ScmpCondition{cond(t, 2, seccomp.CompareLessOrEqual, 64)}))
	v := uint64(128)
	for i := range 8 {
		must(f.AddRuleConditional(read, seccomp.ActErrno.SetReturnCode(int16(5+i)), []seccomp.ScmpCondition{cond(t, 2, seccomp.CompareGreater, v)}))
		v *= 2
	}
	must(f.AddRuleConditional(write, seccomp.ActAllow, []seccomp.ScmpCondition{cond(t, 0, seccomp.CompareEqual, 1)}))
	must(f.AddRuleConditional(write, seccomp.ActAllow, []seccomp.ScmpCondition{cond(t, 0, seccomp.CompareEqual, 2)}))
	must(f.AddRuleConditional(nr(t, "personality"), seccomp.ActErrno.SetReturnCode(1), []seccomp.ScmpCondition{cond(t, 0, seccomp.CompareNotEqual, 0xffffffff)}))
	must(f.AddRuleConditional(nr(t, "clone"), seccomp.ActErrno.SetReturnCode(1), []seccomp.ScmpCondition{cond(t, 0, seccomp.CompareMaskedEqual, 0x7e020000, 0x10000000)}))
	must(f.AddRuleConditional(nr(t, "kill"), seccomp.ActTrap, []seccomp.ScmpCondition{cond(t, 0, seccomp.CompareLess, 1), cond(t, 1, seccomp.CompareGreaterEqual, 9)}))
	must(f.AddRule(nr(t, "getpid"), seccomp.ActAllow))
	must(f.AddRule(nr(t, "openat"), seccomp.ActLog))
	must(f.AddRule(nr(t, "close"), seccomp.ActTrace.SetReturnCode(7)))
	must(f.SetSyscallPriority(nr(t, "close"), 200))
	return f
}

func TestExportPFCGolden(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the golden output is libseccomp's on x86_64 (the native ABI comes first)")
	}
	for _, c := range []struct {
		optimize int
		file     string
	}{{1, "golden.pfc"}, {2, "golden-tree.pfc"}} {
		want, err := os.ReadFile(filepath.Join("testdata", c.file))
		if err != nil {
			t.Fatal(err)
		}
		f := goldenFilter(t, c.optimize)
		tmp, err := os.CreateTemp(t.TempDir(), "pfc")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.ExportPFC(tmp); err != nil {
			t.Fatal(err)
		}
		tmp.Seek(0, io.SeekStart)
		got, _ := io.ReadAll(tmp)
		tmp.Close()
		if !bytes.Equal(got, want) {
			t.Errorf("optimize %d: ExportPFC differs from libseccomp's %s:\n%s", c.optimize, c.file, got)
		}
	}
}

// TestExportBPF: the program decides as libseccomp's own test
// 43-sim-a2_order expects (tests/43-sim-a2_order.tests) on each ABI, and
// ExportBPF writes what ExportBPFMem returns.
func TestExportBPF(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the filter uses x86_64's numbers")
	}
	f := goldenFilter(t, 1)
	mem, err := f.ExportBPFMem()
	if err != nil {
		t.Fatal(err)
	}
	tmp, err := os.CreateTemp(t.TempDir(), "bpf")
	if err != nil {
		t.Fatal(err)
	}
	defer tmp.Close()
	if err := f.ExportBPF(tmp); err != nil {
		t.Fatal(err)
	}
	tmp.Seek(0, io.SeekStart)
	file, _ := io.ReadAll(tmp)
	if !bytes.Equal(file, mem) {
		t.Fatal("ExportBPF and ExportBPFMem differ")
	}
	p, err := scmp.ParseRaw(mem)
	if err != nil {
		t.Fatal(err)
	}
	if err := scmp.Verify(p); err != nil {
		t.Fatal(err)
	}
	e := scmp.MustEmulator(p)
	for _, a := range []*scmp.Arch{scmp.ArchX86_64, scmp.ArchI386, scmp.ArchAArch64} {
		read, _ := a.Syscall("read")
		for _, c := range []struct {
			a2   uint64
			want scmp.Action
		}{
			{30, scmp.ActAllow}, {64, scmp.ActAllow}, {65, scmp.ActKillProcess}, {128, scmp.ActKillProcess},
			{129, scmp.Errno(5)}, {256, scmp.Errno(5)}, {257, scmp.Errno(6)}, {4097, scmp.Errno(10)},
			{8000, scmp.Errno(10)}, {8193, scmp.Errno(11)}, {16384, scmp.Errno(11)}, {16385, scmp.Errno(12)},
		} {
			d := scmp.Data{Nr: read, Arch: a.AuditArch, Args: [6]uint64{4, 0x856B008, c.a2}}
			if got := e.Action(d); got != c.want {
				t.Errorf("%s: read(a2=%d) = %v, want %v", a.Name, c.a2, got, c.want)
			}
		}
		// The masked comparison: clone flags with CLONE_NEWUSER
		// (0x10000000) among the namespace flags of the mask.
		clone, _ := a.Syscall("clone")
		for flags, want := range map[uint64]scmp.Action{0x10000000: scmp.Errno(1), 0x10000011: scmp.Errno(1), 0x20000000: scmp.ActKillProcess, 0x10020000: scmp.ActKillProcess} {
			if got := e.Action(scmp.Data{Nr: clone, Arch: a.AuditArch, Args: [6]uint64{flags}}); got != want {
				t.Errorf("%s: clone(%#x) = %v, want %v", a.Name, flags, got, want)
			}
		}
	}
	// Calls of ABIs the filter does not cover: the bad-arch action.
	if got := e.Action(scmp.Data{Nr: 0, Arch: scmp.AuditArchARM}); got != scmp.ActKillThread {
		t.Errorf("arm: %v", got)
	}
}

// TestMaskedDatum: libseccomp compares a masked argument with the datum
// masked as well (MaskedEqual(0xff00, 1000) compares with 1000&0xff00).
func TestMaskedDatum(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("x86_64 numbers")
	}
	f := newFilter(t, seccomp.ActAllow)
	if err := f.AddRuleConditional(nr(t, "getpid"), seccomp.ActErrno.SetReturnCode(1), []seccomp.ScmpCondition{cond(t, 0, seccomp.CompareMaskedEqual, 0xff00, 1000)}); err != nil {
		t.Fatal(err)
	}
	mem, err := f.ExportBPFMem()
	if err != nil {
		t.Fatal(err)
	}
	p, _ := scmp.ParseRaw(mem)
	e := scmp.MustEmulator(p)
	for arg, want := range map[uint64]scmp.Action{1000 & 0xff00: scmp.Errno(1), 0x3ff: scmp.Errno(1), 1000: scmp.Errno(1), 0x400: scmp.ActAllow, 0: scmp.ActAllow} {
		if got := e.Action(scmp.Data{Nr: 39, Arch: scmp.AuditArchX86_64, Args: [6]uint64{arg}}); got != want {
			t.Errorf("getpid(%#x) = %v, want %v", arg, got, want)
		}
	}
}

package gen

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func loadTestdata(t *testing.T) Inputs {
	t.Helper()
	in, err := LoadInputs("../testdata")
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// The pinned kernel files are the ones the README names: check a fact of
// each that only that release has.
func TestPinnedReleases(t *testing.T) {
	in := loadTestdata(t)
	for _, c := range []struct{ file, has, lacks string }{
		// 471 rseq_slice_yield is new in 7.0; 336 uprobe in 6.19.
		{linux72 + "arch/x86/entry/syscalls/syscall_64.tbl", "471\tcommon\trseq_slice_yield", ""},
		{linux72 + "arch/x86/entry/syscalls/syscall_64.tbl", "336\tcommon\tuprobe", ""},
		// 7.2's s390 table is 64-bit only ("<abi> is always common").
		{linux72 + "arch/s390/kernel/syscalls/syscall.tbl", "<abi> is always common", "\t32\t"},
		// 6.12's still has the 31-bit rows, and stops at mseal.
		{linux612 + "arch/s390/kernel/syscalls/syscall.tbl", "462  common\tmseal", "setxattrat"},
	} {
		text := string(in.Files[c.file])
		if !strings.Contains(text, c.has) {
			t.Errorf("%s lacks %q", c.file, c.has)
		}
		if c.lacks != "" && strings.Contains(text, c.lacks) {
			t.Errorf("%s has %q", c.file, c.lacks)
		}
	}
}

func TestParseTbl(t *testing.T) {
	src := "# comment\n" +
		"\n" +
		"0\tcommon\tread\t\t\tsys_read\n" +
		"60\tcommon\texit\t\t\tsys_exit\t\t\t-\t\t\tnoreturn\n" +
		"134\t64\tuselib\n" + // no entry point
		"462 \tcommon  mseal\t\t\tsys_mseal\n" + // spaces, as in the kernel file
		"13   32\t\ttime\t\t\t-\t\t\t\tsys_time32\n" + // s390 6.12 style
		"520\tx32\texecve\t\t\tcompat_sys_execve\n"
	rows, err := ParseTbl([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []TblRow{
		{3, 0, "common", "read"},
		{4, 60, "common", "exit"},
		{5, 134, "64", "uselib"},
		{6, 462, "common", "mseal"},
		{7, 13, "32", "time"},
		{8, 520, "x32", "execve"},
	}
	if !slices.Equal(rows, want) {
		t.Errorf("rows = %v, want %v", rows, want)
	}
	x32 := TblEntries(rows, X32SyscallBit, "common", "x32")
	wantX32 := []Entry{{0x40000000, "read"}, {0x4000003c, "exit"}, {0x400001ce, "mseal"}, {0x40000208, "execve"}}
	if !slices.Equal(x32, wantX32) {
		t.Errorf("x32 = %v, want %v", x32, wantX32)
	}
	o32 := TblEntries(rows, 4000, "32")
	if want := []Entry{{4013, "time"}}; !slices.Equal(o32, want) {
		t.Errorf("biased = %v, want %v", o32, want)
	}
	for _, bad := range []string{"0 common\n", "x common read\n", "0 Common read\n", "0 common READ\n", "# only\n"} {
		if _, err := ParseTbl([]byte(bad)); err == nil {
			t.Errorf("ParseTbl(%q) succeeded", bad)
		}
	}
}

func TestAuditArches(t *testing.T) {
	audit := "#define __AUDIT_ARCH_64BIT 0x80000000\n#define __AUDIT_ARCH_LE\t   0x40000000\n" +
		"#define __AUDIT_ARCH_CONVENTION_MIPS64_N32\t0x20000000\n" +
		"#define AUDIT_ARCH_X86_64\t(EM_X86_64|__AUDIT_ARCH_64BIT|__AUDIT_ARCH_LE)\n" +
		"#define AUDIT_ARCH_MIPS64N32\t(EM_MIPS|__AUDIT_ARCH_64BIT|\\\n\t\t\t\t __AUDIT_ARCH_CONVENTION_MIPS64_N32)\n"
	for i := 0; i < 20; i++ { // AuditArches wants a real header's worth
		audit += "#define AUDIT_ARCH_FILL" + string(rune('A'+i)) + " (EM_MIPS)\n"
	}
	em := "#define EM_MIPS\t\t8\t/* MIPS R3000 */\n#define EM_X86_64\t62\t/* AMD x86-64 */\n"
	got, err := AuditArches([]byte(audit), []byte(em))
	if err != nil {
		t.Fatal(err)
	}
	if got["AUDIT_ARCH_X86_64"] != 0xc000003e || got["AUDIT_ARCH_MIPS64N32"] != 0xa0000008 {
		t.Errorf("got %#x", got)
	}
	if _, err := AuditArches([]byte(audit+"#define AUDIT_ARCH_BAD (EM_NOPE)\n"), []byte(em)); err == nil {
		t.Error("unknown EM_ accepted")
	}
}

func TestSubCalls(t *testing.T) {
	in := loadTestdata(t)
	sock, err := SocketcallCalls(in.Files[netH])
	if err != nil {
		t.Fatal(err)
	}
	// net.h's numbers, independently: socket(2)'s man page and glibc.
	if len(sock) != 20 || sock[0] != (SubCall{1, "socket"}) || sock[17] != (SubCall{18, "accept4"}) || sock[19] != (SubCall{20, "sendmmsg"}) {
		t.Errorf("socketcall calls = %v", sock)
	}
	ipc, err := IPCCalls(in.Files[ipcH])
	if err != nil {
		t.Fatal(err)
	}
	want := []SubCall{{1, "semop"}, {2, "semget"}, {3, "semctl"}, {4, "semtimedop"}, {11, "msgsnd"}, {12, "msgrcv"},
		{13, "msgget"}, {14, "msgctl"}, {21, "shmat"}, {22, "shmdt"}, {23, "shmget"}, {24, "shmctl"}}
	if !slices.Equal(ipc, want) {
		t.Errorf("ipc calls = %v, want %v", ipc, want)
	}
}

func TestARMPrivate(t *testing.T) {
	in := loadTestdata(t)
	priv, aliases, err := ARMPrivate(in.Files[armUnistd])
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{{0xf0001, "breakpoint"}, {0xf0002, "cacheflush"}, {0xf0003, "usr26"}, {0xf0004, "usr32"}, {0xf0005, "set_tls"}, {0xf0006, "get_tls"}}
	if !slices.Equal(priv, want) {
		t.Errorf("private = %v, want %v", priv, want)
	}
	if want := []Alias{{"sync_file_range2", "arm_sync_file_range"}}; !slices.Equal(aliases, want) {
		t.Errorf("aliases = %v, want %v", aliases, want)
	}
	if _, _, err := ARMPrivate([]byte("#define __NR_SYSCALL_BASE\t0\n")); err == nil {
		t.Error("a header without __ARM_NR_BASE accepted")
	}
}

func TestSyscallABIs(t *testing.T) {
	mk := "# x\nsyscall_abis_32 += riscv memfd_secret\nsyscall_abis_64 += riscv rlimit memfd_secret\n"
	if got := SyscallABIs([]byte("syscall_abis_64  += common,64\n"+mk), 64); !slices.Equal(got, []string{"common", "64", "riscv", "rlimit", "memfd_secret"}) {
		t.Errorf("abis = %q", got)
	}
	if got := SyscallABIs([]byte("syscall_abis_64 += a\nsyscall_abis_64 := b\n"), 64); !slices.Equal(got, []string{"b"}) {
		t.Errorf(":= did not reset: %q", got)
	}
}

func TestParseRelease(t *testing.T) {
	for s, want := range map[string]Release{"6.12": {6, 12}, "SCMP_KV_3_0": {3, 0}, "5_10": {5, 10}} {
		if got, err := ParseRelease(s); err != nil || got != want {
			t.Errorf("ParseRelease(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "6", "x.1", "1.0", "SCMP_KV_UNDEF"} {
		if _, err := ParseRelease(s); err == nil {
			t.Errorf("ParseRelease(%q) succeeded", s)
		}
	}
	if !(Release{5, 9}).Less(Release{5, 10}) || (Release{6, 0}).Less(Release{5, 19}) {
		t.Error("Less is wrong")
	}
}

func TestConvertLibseccompCSV(t *testing.T) {
	csv := "#syscall (v6.16.0 2025-08-26),x86,x86_kver,mips,mips_kver\n" +
		"accept4,364,SCMP_KV_4_3,334,SCMP_KV_3_0\n" +
		"afs_syscall,137,SCMP_KV_UNDEF,PNR,SCMP_KV_UNDEF\n" +
		"none,PNR,SCMP_KV_UNDEF,PNR,SCMP_KV_UNDEF\n"
	got, err := ConvertLibseccompCSV([]byte(csv), "# h\n")
	if err != nil {
		t.Fatal(err)
	}
	want := "# h\naccept4 x86=364@4.3 mips=334@3.0\nafs_syscall x86=137@undef\n"
	if string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
	m, err := ParseLibseccompKver(got)
	if err != nil {
		t.Fatal(err)
	}
	if m["x86"]["accept4"] != (LibseccompKver{364, Release{4, 3}}) || m["x86"]["afs_syscall"] != (LibseccompKver{137, Release{}}) {
		t.Errorf("parsed %v", m)
	}
}

// Since's rules on small tables, independent of the real data.
func TestSinceRules(t *testing.T) {
	files := map[string][]byte{
		libseccompKver: []byte("read x86_64=0@3.0 x86=3@3.0 aarch64=63@3.0\n" +
			"statx x86_64=332@4.11 x86=383@4.11 aarch64=291@3.0\n" +
			"afs_syscall x86_64=183@undef\n" +
			"nfsservctl x86_64=180@undef\n" +
			"kexec_file_load x86_64=320@3.18\n"),
		sinceExtra: []byte("* newcall 7.0 src\nx86_64 statx 4.12 src\naarch64 riscv_hwprobe 6.4 src\n"),
		absentFile: []byte("6.12 x86_64 newcall\n"),
	}
	read := func(p string) ([]byte, error) { return files[p], nil }
	tables := map[string]*ArchTable{}
	for _, s := range Specs {
		tables[s.Name] = &ArchTable{Spec: s}
	}
	tables["x86_64"].Entries = []Entry{{0, "read"}, {183, "afs_syscall"}, {332, "statx"}, {500, "newcall"}}
	tables["i386"].Entries = []Entry{{3, "read"}, {383, "statx"}}
	tables["aarch64"].Entries = []Entry{{42, "nfsservctl"}, {63, "read"}, {258, "riscv_hwprobe"}, {291, "statx"}, {294, "kexec_file_load"}}
	got, _, err := Since(tables, read)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		arch, name string
		want       Release
	}{
		{"x86_64", "read", Release{3, 0}},
		{"x86_64", "afs_syscall", Floor},    // undef
		{"x86_64", "statx", Release{4, 12}}, // arch line beats libseccomp
		{"x86_64", "newcall", Release{7, 0}},
		{"i386", "statx", Release{4, 11}},
		// generic: libseccomp's aarch64 column is ignored; the call's first
		// release anywhere, but not before the arch's birth.
		{"aarch64", "statx", Release{4, 11}},
		{"aarch64", "read", Release{3, 7}},
		{"aarch64", "nfsservctl", Release{3, 7}},
		// raised to statx's release: a higher generic number is not older
		// (the arch-private 258 does not count).
		{"aarch64", "kexec_file_load", Release{4, 11}},
	} {
		if r := got[c.arch][c.name]; r != c.want {
			t.Errorf("%s %s = %v, want %v", c.arch, c.name, r, c.want)
		}
	}

	// The absent.txt cross-check fails both ways.
	files[absentFile] = []byte("6.12 x86_64 statx\n")
	if _, _, err := Since(tables, read); err == nil || !strings.Contains(err.Error(), "statx is dated 4.12, but the 6.12 table lacks it") {
		t.Errorf("err = %v", err)
	}
	files[absentFile] = []byte("6.12 x86_64\n")
	if _, _, err := Since(tables, read); err == nil || !strings.Contains(err.Error(), "newcall is dated 7.0, but the 6.12 table has it") {
		t.Errorf("err = %v", err)
	}
	// A number libseccomp disagrees with is an error.
	files[absentFile] = nil
	files[libseccompKver] = []byte("read x86_64=1@3.0\n")
	if _, _, err := Since(tables, read); err == nil || !strings.Contains(err.Error(), "read is 1 in libseccomp's table, 0 in the kernel's") {
		t.Errorf("err = %v", err)
	}
}

func TestGenerateDeterministic(t *testing.T) {
	in := loadTestdata(t)
	a, err := Generate(in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate(in)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(a.Files, b.Files, func(x, y File) bool { return x.Name == y.Name && string(x.Data) == string(y.Data) }) {
		t.Error("Generate is not deterministic")
	}
	for _, f := range a.Files {
		if !strings.HasPrefix(string(f.Data), "// Code generated by internal/cmd/mksysnum from ") {
			t.Errorf("%s: bad header", f.Name)
		}
	}
	// A broken input is an error, not a silently different table.
	bad := Inputs{Files: map[string][]byte{}}
	for k, v := range in.Files {
		bad.Files[k] = v
	}
	bad.Files[s390AdditionsTxt] = []byte("463 getxattrat\n")
	if _, err := Generate(bad); err == nil {
		t.Error("an s390 addition numbered unlike s390x was accepted")
	}
	delete(bad.Files, auditH)
	if _, err := Generate(bad); err == nil {
		t.Error("a missing input was accepted")
	}
}

// Every file under testdata is an input, the README or the helper script:
// nothing stale lies around.
func TestNoStrayTestdata(t *testing.T) {
	known := map[string]bool{"README.md": true, "generic-names.py": true}
	for _, p := range InputFiles() {
		known[p] = true
	}
	err := filepath.WalkDir("../testdata", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel("../testdata", p)
		if !known[filepath.ToSlash(rel)] {
			t.Errorf("testdata/%s is not an input of the generator", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

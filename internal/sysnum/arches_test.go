package sysnum_test

import (
	"encoding/binary"
	"runtime"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp/internal/sysnum"
)

// The facts of every arch, written down here from the kernel's and
// libseccomp's documentation (audit.h's __AUDIT_ARCH_LE and _64BIT bits,
// the OCI runtime-spec's SCMP_ARCH list, Go's port list), not from the
// generator's output.
func TestArchFacts(t *testing.T) {
	type fact struct {
		scmp, goarch, audit string
		bigEndian           bool
		word                int
		bias                int32
		socketcall, ipc     int32 // -1: none
	}
	facts := map[string]fact{
		"x86_64":      {"SCMP_ARCH_X86_64", "amd64", "AUDIT_ARCH_X86_64", false, 64, 0, -1, -1},
		"i386":        {"SCMP_ARCH_X86", "386", "AUDIT_ARCH_I386", false, 32, 0, 102, 117},
		"x32":         {"SCMP_ARCH_X32", "", "AUDIT_ARCH_X86_64", false, 32, 0x40000000, -1, -1},
		"aarch64":     {"SCMP_ARCH_AARCH64", "arm64", "AUDIT_ARCH_AARCH64", false, 64, 0, -1, -1},
		"arm":         {"SCMP_ARCH_ARM", "arm", "AUDIT_ARCH_ARM", false, 32, 0, -1, -1},
		"riscv64":     {"SCMP_ARCH_RISCV64", "riscv64", "AUDIT_ARCH_RISCV64", false, 64, 0, -1, -1},
		"loongarch64": {"SCMP_ARCH_LOONGARCH64", "loong64", "AUDIT_ARCH_LOONGARCH64", false, 64, 0, -1, -1},
		"mips":        {"SCMP_ARCH_MIPS", "mips", "AUDIT_ARCH_MIPS", true, 32, 4000, 4102, 4117},
		"mipsel":      {"SCMP_ARCH_MIPSEL", "mipsle", "AUDIT_ARCH_MIPSEL", false, 32, 4000, 4102, 4117},
		"mips64":      {"SCMP_ARCH_MIPS64", "mips64", "AUDIT_ARCH_MIPS64", true, 64, 5000, -1, -1},
		"mipsel64":    {"SCMP_ARCH_MIPSEL64", "mips64le", "AUDIT_ARCH_MIPSEL64", false, 64, 5000, -1, -1},
		"mips64n32":   {"SCMP_ARCH_MIPS64N32", "", "AUDIT_ARCH_MIPS64N32", true, 32, 6000, -1, -1},
		"mipsel64n32": {"SCMP_ARCH_MIPSEL64N32", "", "AUDIT_ARCH_MIPSEL64N32", false, 32, 6000, -1, -1},
		"ppc":         {"SCMP_ARCH_PPC", "", "AUDIT_ARCH_PPC", true, 32, 0, 102, 117},
		"ppc64":       {"SCMP_ARCH_PPC64", "ppc64", "AUDIT_ARCH_PPC64", true, 64, 0, 102, 117},
		"ppc64le":     {"SCMP_ARCH_PPC64LE", "ppc64le", "AUDIT_ARCH_PPC64LE", false, 64, 0, 102, 117},
		"s390":        {"SCMP_ARCH_S390", "", "AUDIT_ARCH_S390", true, 32, 0, 102, 117},
		"s390x":       {"SCMP_ARCH_S390X", "s390x", "AUDIT_ARCH_S390X", true, 64, 0, 102, 117},
		"parisc":      {"SCMP_ARCH_PARISC", "", "AUDIT_ARCH_PARISC", true, 32, 0, -1, -1},
		"parisc64":    {"SCMP_ARCH_PARISC64", "", "AUDIT_ARCH_PARISC64", true, 64, 0, -1, -1},
		"m68k":        {"SCMP_ARCH_M68K", "", "AUDIT_ARCH_M68K", true, 32, 0, 102, 117},
		"sh":          {"SCMP_ARCH_SH", "", "AUDIT_ARCH_SHEL", false, 32, 0, 102, 117},
		"sheb":        {"SCMP_ARCH_SHEB", "", "AUDIT_ARCH_SH", true, 32, 0, 102, 117},
	}
	if len(sysnum.All()) != len(facts) {
		t.Errorf("%d tables, %d facts", len(sysnum.All()), len(facts))
	}
	for _, tab := range sysnum.All() {
		f, ok := facts[tab.Arch()]
		if !ok {
			t.Errorf("no facts for %s", tab.Arch())
			continue
		}
		order := binary.ByteOrder(binary.LittleEndian)
		if f.bigEndian {
			order = binary.BigEndian
		}
		sc, hasSC := tab.Socketcall()
		ipc, hasIPC := tab.IPC()
		if tab.SCMPArch() != f.scmp || tab.GOARCH() != f.goarch || tab.AuditArchName() != f.audit ||
			tab.ByteOrder() != order || tab.WordSize() != f.word || tab.Bias() != f.bias ||
			hasSC != (f.socketcall >= 0) || (hasSC && sc != f.socketcall) ||
			hasIPC != (f.ipc >= 0) || (hasIPC && ipc != f.ipc) {
			t.Errorf("%s: scmp %s goarch %q audit %s order %v word %d bias %d socketcall %d,%v ipc %d,%v; want %+v",
				tab.Arch(), tab.SCMPArch(), tab.GOARCH(), tab.AuditArchName(), tab.ByteOrder(), tab.WordSize(),
				tab.Bias(), sc, hasSC, ipc, hasIPC, f)
		}
		// The audit token's bits say the same as the table: __AUDIT_ARCH_LE
		// and __AUDIT_ARCH_64BIT (x32 and n32 run on 64-bit registers).
		if le := tab.AuditArch()&0x40000000 != 0; le == f.bigEndian {
			t.Errorf("%s: audit arch %#x has LE=%v", tab.Arch(), tab.AuditArch(), le)
		}
		if b64 := tab.AuditArch()&0x80000000 != 0; b64 != (f.word == 64 || tab.Arch() == "x32" || strings.Contains(tab.Arch(), "n32")) {
			t.Errorf("%s: audit arch %#x has 64BIT=%v", tab.Arch(), tab.AuditArch(), b64)
		}
		// Every number carries the bias.
		for _, name := range tab.Names() {
			nr, _ := tab.Number(name)
			if f.bias == 0x40000000 && nr&f.bias == 0 || f.bias != 0x40000000 && (nr < f.bias || f.bias > 0 && nr >= f.bias+1000) {
				if !(tab.Arch() == "arm" && nr >= 0xf0000) {
					t.Errorf("%s: %s = %d lacks the bias %d", tab.Arch(), name, nr, f.bias)
				}
			}
		}
		if !strings.HasPrefix(tab.Source(), "Linux ") {
			t.Errorf("%s: source %q", tab.Arch(), tab.Source())
		}
	}
}

func TestLookup(t *testing.T) {
	seen := map[string]string{}
	for _, tab := range sysnum.All() {
		for _, n := range []string{tab.Arch(), tab.LibseccompName(), tab.SCMPArch(), tab.GOARCH()} {
			if n == "" {
				continue
			}
			got, ok := sysnum.Lookup(n)
			if !ok || got != tab {
				t.Errorf("Lookup(%q) = %v, %v; want %s", n, got, ok, tab.Arch())
			}
			if got, ok := sysnum.Lookup(strings.ToUpper(n)); !ok || got != tab {
				t.Errorf("Lookup(%q) failed", strings.ToUpper(n))
			}
			if other, dup := seen[strings.ToLower(n)]; dup && other != tab.Arch() {
				t.Errorf("name %q names both %s and %s", n, other, tab.Arch())
			}
			seen[strings.ToLower(n)] = tab.Arch()
		}
	}
	for n, want := range map[string]string{"x86": "i386", "SCMP_ARCH_X86": "i386", "386": "i386", "amd64": "x86_64",
		"mipsle": "mipsel", "mips64le": "mipsel64", "loong64": "loongarch64", "sheb": "sheb", "SCMP_ARCH_SH": "sh"} {
		if got, ok := sysnum.Lookup(n); !ok || got.Arch() != want {
			t.Errorf("Lookup(%q) = %v, %v; want %s", n, got, ok, want)
		}
	}
	for _, n := range []string{"", "sparc64", "SCMP_ARCH_", "x86-64", "arm64be"} {
		if got, ok := sysnum.Lookup(n); ok {
			t.Errorf("Lookup(%q) = %s", n, got.Arch())
		}
	}
}

// Every Linux port of Go (go tool dist list | grep linux) has its table, so
// the native arch can be found on each.
func TestByGOARCH(t *testing.T) {
	for goarch, want := range map[string]string{
		"386": "i386", "amd64": "x86_64", "arm": "arm", "arm64": "aarch64", "loong64": "loongarch64",
		"mips": "mips", "mipsle": "mipsel", "mips64": "mips64", "mips64le": "mipsel64",
		"ppc64": "ppc64", "ppc64le": "ppc64le", "riscv64": "riscv64", "s390x": "s390x",
	} {
		if got, ok := sysnum.ByGOARCH(goarch); !ok || got.Arch() != want {
			t.Errorf("ByGOARCH(%q) = %v, %v; want %s", goarch, got, ok, want)
		}
	}
	if _, ok := sysnum.ByGOARCH(""); ok {
		t.Error(`ByGOARCH("") found a table`)
	}
	if _, ok := sysnum.ByGOARCH(runtime.GOARCH); !ok && runtime.GOOS == "linux" && runtime.GOARCH != "wasm" {
		t.Errorf("no table for this machine's GOARCH %s", runtime.GOARCH)
	}
}

func TestAliases(t *testing.T) {
	nr, ok := sysnum.ARM.Number("sync_file_range2")
	if !ok || nr != 341 {
		t.Errorf("ARM.Number(sync_file_range2) = %d, %v; want 341", nr, ok)
	}
	if name, _ := sysnum.ARM.Name(341); name != "arm_sync_file_range" {
		t.Errorf("ARM.Name(341) = %q", name)
	}
	if got := sysnum.ARM.Aliases(); len(got) != 1 || got["sync_file_range2"] != "arm_sync_file_range" {
		t.Errorf("ARM.Aliases() = %v", got)
	}
	for _, n := range sysnum.ARM.Names() {
		if n == "sync_file_range2" {
			t.Error("Names() lists an alias")
		}
	}
	// ppc and sh name 308 and 388 sync_file_range2 in their own tables.
	if nr, ok := sysnum.PPC64.Number("sync_file_range2"); !ok || nr != 308 {
		t.Errorf("PPC64 sync_file_range2 = %d, %v", nr, ok)
	}
}

func TestMultiplexers(t *testing.T) {
	sock := sysnum.SocketcallCalls()
	if len(sock) != 20 || sock[0] != (sysnum.SubCall{Call: 1, Name: "socket"}) {
		t.Errorf("SocketcallCalls() = %v", sock)
	}
	sock[0].Name = "changed"
	if sysnum.SocketcallCalls()[0].Name != "socket" {
		t.Error("SocketcallCalls returned shared memory")
	}
	if ipc := sysnum.IPCCalls(); len(ipc) != 12 || ipc[3] != (sysnum.SubCall{Call: 4, Name: "semtimedop"}) {
		t.Errorf("IPCCalls() = %v", ipc)
	}
	for _, c := range []struct {
		tab       *sysnum.Table
		name      string
		mux, arg0 int32
		ok        bool
	}{
		{sysnum.I386, "socket", 102, 1, true},
		{sysnum.I386, "accept4", 102, 18, true},
		{sysnum.I386, "semop", 117, 1, true},
		{sysnum.I386, "shmctl", 117, 24, true},
		{sysnum.MIPS, "connect", 4102, 3, true},
		{sysnum.S390X, "recvmmsg", 102, 19, true},
		{sysnum.I386, "read", 0, 0, false},
		{sysnum.X86_64, "socket", 0, 0, false},
		{sysnum.ARM, "socket", 0, 0, false},
	} {
		mux, arg0, ok := c.tab.MultiplexedBy(c.name)
		if mux != c.mux || arg0 != c.arg0 || ok != c.ok {
			t.Errorf("%s.MultiplexedBy(%q) = %d, %d, %v; want %d, %d, %v", c.tab.Arch(), c.name, mux, arg0, ok, c.mux, c.arg0, c.ok)
		}
	}
}

// Releases from the syscalls' man pages (NOTES/HISTORY/VERSIONS sections)
// and the kernel's release notes, not from the generator's inputs.
func TestSince(t *testing.T) {
	for _, c := range []struct {
		tab  *sysnum.Table
		name string
		want string
	}{
		{sysnum.X86_64, "seccomp", "3.17"},
		{sysnum.X86_64, "getrandom", "3.17"},
		{sysnum.X86_64, "statx", "4.11"},
		{sysnum.X86_64, "io_uring_setup", "5.1"},
		{sysnum.X86_64, "pidfd_open", "5.3"},
		{sysnum.X86_64, "clone3", "5.3"},
		{sysnum.X86_64, "openat2", "5.6"},
		{sysnum.X86_64, "close_range", "5.9"},
		{sysnum.X86_64, "landlock_create_ruleset", "5.13"},
		{sysnum.X86_64, "memfd_secret", "5.14"},
		{sysnum.X86_64, "cachestat", "6.5"},
		{sysnum.X86_64, "mseal", "6.10"},
		{sysnum.X86_64, "uprobe", "6.19"},
		{sysnum.X32, "read", "3.4"}, // x32's first release
		{sysnum.I386, "clock_gettime64", "5.1"},
		{sysnum.ARM, "clock_gettime64", "5.1"},
		{sysnum.I386, "socket", "4.3"},
		{sysnum.I386, "socketcall", "3.0"},
		{sysnum.AArch64, "read", "3.7"}, // arm64's first release
		{sysnum.AArch64, "statx", "4.11"},
		{sysnum.AArch64, "rseq_slice_yield", "7.0"},
		{sysnum.RISCV64, "read", "4.15"},
		{sysnum.RISCV64, "riscv_hwprobe", "6.4"},
		{sysnum.LoongArch64, "read", "5.19"},
		{sysnum.ARM, "sync_file_range2", "3.0"}, // alias
		{sysnum.S390, "setxattrat", "6.13"},
		{sysnum.S390X, "memfd_secret", "6.4"},
	} {
		want, err := sysnum.ParseRelease(c.want)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := c.tab.Since(c.name)
		if !ok || got != want {
			t.Errorf("%s.Since(%q) = %v, %v; want %v", c.tab.Arch(), c.name, got, ok, want)
		}
	}
	if _, ok := sysnum.X86_64.Since("socketcall"); ok {
		t.Error("X86_64.Since(socketcall) found a call x86_64 lacks")
	}
	// Every call of every table has a release, no older than 3.0 and no
	// newer than the pinned 7.2.
	for _, tab := range sysnum.All() {
		for _, name := range tab.Names() {
			r, ok := tab.Since(name)
			if !ok || r.Compare(sysnum.OldestRelease) < 0 || r.Compare(sysnum.Release{Major: 7, Minor: 2}) > 0 {
				t.Errorf("%s.Since(%q) = %v, %v", tab.Arch(), name, r, ok)
			}
		}
	}
}

func TestParseRelease(t *testing.T) {
	for s, want := range map[string]sysnum.Release{
		"5.10": {5, 10}, "v5.10": {5, 10}, "5.10.3": {5, 10}, "6.1.0-13-amd64": {6, 1}, "6.19-rc1": {6, 19}, " 7.0 ": {7, 0},
	} {
		if got, err := sysnum.ParseRelease(s); err != nil || got != want {
			t.Errorf("ParseRelease(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "5", "5.", ".5", "a.b", "0.1", "5.10.x", "1.2.3.4", "-1.2"} {
		if got, err := sysnum.ParseRelease(s); err == nil {
			t.Errorf("ParseRelease(%q) = %v, want an error", s, got)
		}
	}
	if (sysnum.Release{5, 9}).Compare(sysnum.Release{5, 10}) != -1 || (sysnum.Release{6, 0}).Compare(sysnum.Release{5, 19}) != 1 ||
		(sysnum.Release{5, 4}).Compare(sysnum.Release{5, 4}) != 0 || (sysnum.Release{5, 10}).String() != "5.10" {
		t.Error("Compare or String is wrong")
	}
}

package sysnum_test

import (
	"slices"
	"testing"

	"github.com/seccomp-go/seccomp/internal/sysnum"
)

const x32Bit = 0x40000000

// Spot checks against well-known numbers taken from the kernel's own tables
// and man pages (syscall(2), seccomp(2)), not from our generated output.
func TestKnownNumbers(t *testing.T) {
	tests := []struct {
		table *sysnum.Table
		name  string
		nr    int32
	}{
		{sysnum.X86_64, "read", 0},
		{sysnum.X86_64, "write", 1},
		{sysnum.X86_64, "open", 2},
		{sysnum.X86_64, "execve", 59},
		{sysnum.X86_64, "ptrace", 101},
		{sysnum.X86_64, "_sysctl", 156},
		{sysnum.X86_64, "newfstatat", 262},
		{sysnum.X86_64, "seccomp", 317},

		{sysnum.I386, "restart_syscall", 0},
		{sysnum.I386, "read", 3},
		{sysnum.I386, "write", 4},
		{sysnum.I386, "execve", 11},
		{sysnum.I386, "socketcall", 102},
		{sysnum.I386, "_llseek", 140},
		{sysnum.I386, "_newselect", 142},
		{sysnum.I386, "seccomp", 354},

		{sysnum.X32, "read", x32Bit},
		{sysnum.X32, "write", x32Bit | 1},
		{sysnum.X32, "execve", x32Bit | 520},
		{sysnum.X32, "ptrace", x32Bit | 521},
		{sysnum.X32, "seccomp", x32Bit | 317},

		{sysnum.AArch64, "openat", 56},
		{sysnum.AArch64, "read", 63},
		{sysnum.AArch64, "write", 64},
		{sysnum.AArch64, "seccomp", 277},

		{sysnum.ARM, "restart_syscall", 0},
		{sysnum.ARM, "read", 3},
		{sysnum.ARM, "write", 4},
		{sysnum.ARM, "arm_fadvise64_64", 270},
		{sysnum.ARM, "arm_sync_file_range", 341},
		{sysnum.ARM, "seccomp", 383},

		{sysnum.RISCV64, "seccomp", 277},
		{sysnum.RISCV64, "riscv_flush_icache", 259},

		// The list: ARM-private calls, x32 uprobe and 463+.
		{sysnum.ARM, "breakpoint", 0xf0001},
		{sysnum.ARM, "cacheflush", 0xf0002},
		{sysnum.ARM, "usr26", 0xf0003},
		{sysnum.ARM, "usr32", 0xf0004},
		{sysnum.ARM, "set_tls", 0xf0005},
		{sysnum.ARM, "get_tls", 0xf0006},
		{sysnum.X32, "uprobe", x32Bit | 336},
		{sysnum.X32, "setxattrat", x32Bit | 463},
		{sysnum.X32, "rseq_slice_yield", x32Bit | 471},

		// mips: __NR_Linux 4000 (o32), 5000 (n64), 6000 (n32), from
		// arch/mips/include/uapi/asm/unistd.h and syscall(2).
		{sysnum.MIPS, "read", 4003},
		{sysnum.MIPSEL, "socketcall", 4102},
		{sysnum.MIPS64, "read", 5000},
		{sysnum.MIPSEL64N32, "read", 6000},
		{sysnum.PPC64LE, "read", 3},
		{sysnum.PPC, "socketcall", 102},
		{sysnum.S390X, "read", 3},
		{sysnum.S390X, "s390_guarded_storage", 378},
		{sysnum.S390, "socketcall", 102},
		{sysnum.LoongArch64, "openat", 56},
		{sysnum.PARISC, "read", 3},
		{sysnum.M68K, "read", 3},
		{sysnum.SH, "read", 3},

		// Arch specials, as libseccomp's syscalls.csv numbers them.
		{sysnum.PPC64, "switch_endian", 363},
		{sysnum.PPC64LE, "subpage_prot", 310},
		{sysnum.PPC, "spu_run", 278},
		{sysnum.PPC, "sync_file_range2", 308},
		{sysnum.S390X, "s390_runtime_instr", 342},
		{sysnum.S390X, "s390_pci_mmio_write", 352},
		{sysnum.S390, "s390_sthyi", 380},
		{sysnum.MIPS, "cacheflush", 4147},
		{sysnum.SH, "cacheflush", 123},
		{sysnum.PARISC, "cacheflush", 356},
		{sysnum.M68K, "cacheflush", 123},
		{sysnum.RISCV64, "riscv_hwprobe", 258},
		{sysnum.SH, "sync_file_range2", 388},
		{sysnum.MIPS64, "set_mempolicy_home_node", 5450}, // a "common" row of syscall_n64.tbl
	}
	for _, tt := range tests {
		got, ok := tt.table.Number(tt.name)
		if !ok || got != tt.nr {
			t.Errorf("%s.Number(%q) = %#x, %v; want %#x, true", tt.table.Arch(), tt.name, got, ok, tt.nr)
		}
		name, ok := tt.table.Name(tt.nr)
		if !ok || name != tt.name {
			t.Errorf("%s.Name(%#x) = %q, %v; want %q, true", tt.table.Arch(), tt.nr, name, ok, tt.name)
		}
	}
}

func TestAbsent(t *testing.T) {
	tests := []struct {
		table *sysnum.Table
		name  string
	}{
		{sysnum.AArch64, "open"},     // asm-generic has only openat
		{sysnum.RISCV64, "open"},     //
		{sysnum.RISCV64, "renameat"}, // riscv64 has only renameat2
		{sysnum.X86_64, "socketcall"},
		{sysnum.AArch64, "arch_specific_syscall"}, // x/sys constant, not a syscall
		{sysnum.RISCV64, "arch_specific_syscall"},
		{sysnum.ARM, "syscall_mask"}, // x/sys constant, not a syscall
		{sysnum.X86_64, ""},
	}
	for _, tt := range tests {
		if nr, ok := tt.table.Number(tt.name); ok {
			t.Errorf("%s.Number(%q) = %d, true; want absent", tt.table.Arch(), tt.name, nr)
		}
	}

	// On x32, the "64" rows of syscall_64.tbl do not exist: execve is 520, not 59.
	if name, ok := sysnum.X32.Name(x32Bit | 59); ok {
		t.Errorf("X32.Name(x32Bit|59) = %q, true; want absent", name)
	}
	// x32 numbers need the bit.
	if name, ok := sysnum.X32.Name(0); ok {
		t.Errorf("X32.Name(0) = %q, true; want absent", name)
	}
	for _, nr := range []int32{-1, 1 << 20, 0x7fffffff} {
		for _, tab := range sysnum.All() {
			if name, ok := tab.Name(nr); ok {
				t.Errorf("%s.Name(%d) = %q, true; want absent", tab.Arch(), nr, name)
			}
		}
	}
}

func TestTableInvariants(t *testing.T) {
	for _, tab := range sysnum.All() {
		names := tab.Names()
		if len(names) != tab.Len() || tab.Len() < 300 {
			t.Errorf("%s: Len() = %d, len(Names()) = %d", tab.Arch(), tab.Len(), len(names))
		}
		seen := make(map[string]bool)
		prev := int32(-1)
		for i, name := range names {
			if seen[name] {
				t.Errorf("%s: duplicate name %q", tab.Arch(), name)
			}
			seen[name] = true
			nr, ok := tab.Number(name)
			if !ok {
				t.Errorf("%s: Number(%q) not found", tab.Arch(), name)
				continue
			}
			if nr <= prev {
				t.Errorf("%s: Names()[%d] = %q (%#x) is not after %#x", tab.Arch(), i, name, nr, prev)
			}
			prev = nr
			if back, ok := tab.Name(nr); !ok || back != name {
				t.Errorf("%s: Name(Number(%q)) = %q, %v", tab.Arch(), name, back, ok)
			}
			if x32 := nr&x32Bit != 0; x32 != (tab == sysnum.X32) {
				t.Errorf("%s: %q = %#x: x32 bit set = %v", tab.Arch(), name, nr, x32)
			}
		}
		if tab.Max() != prev {
			t.Errorf("%s: Max() = %#x, want %#x", tab.Arch(), tab.Max(), prev)
		}
	}
	if got := sysnum.ARM.Max(); got != 0xf0006 {
		t.Errorf("ARM.Max() = %#x, want 0xf0006 (get_tls)", got)
	}
	if got := sysnum.X32.Max(); got != x32Bit|547 {
		t.Errorf("X32.Max() = %#x, want %#x", got, x32Bit|547)
	}
}

func TestNamesIsACopy(t *testing.T) {
	a := sysnum.X86_64.Names()
	a[0] = "changed"
	if b := sysnum.X86_64.Names(); b[0] != "read" {
		t.Errorf("Names()[0] = %q after changing a previous result; want read", b[0])
	}
}

func TestByArchAndAll(t *testing.T) {
	want := []string{"x86_64", "i386", "x32", "aarch64", "arm", "riscv64", "loongarch64",
		"mips", "mipsel", "mips64", "mipsel64", "mips64n32", "mipsel64n32", "ppc", "ppc64", "ppc64le",
		"s390", "s390x", "parisc", "parisc64", "m68k", "sh", "sheb"}
	var got []string
	for _, tab := range sysnum.All() {
		got = append(got, tab.Arch())
		byArch, ok := sysnum.ByArch(tab.Arch())
		if !ok || byArch != tab {
			t.Errorf("ByArch(%q) = %p, %v; want %p", tab.Arch(), byArch, ok, tab)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("All() arches = %q, want %q", got, want)
	}
	all := sysnum.All()
	all[0] = nil
	if sysnum.All()[0] != sysnum.X86_64 {
		t.Error("All() returned a shared slice")
	}
	for _, name := range []string{"amd64", "arm64", "386", "", "X86_64"} {
		if tab, ok := sysnum.ByArch(name); ok {
			t.Errorf("ByArch(%q) = %s, true; want false", name, tab.Arch())
		}
	}
}

func TestLookupsDoNotAllocate(t *testing.T) {
	sysnum.X86_64.Number("read") // build the index outside the measurement
	allocs := testing.AllocsPerRun(100, func() {
		if _, ok := sysnum.X86_64.Number("seccomp"); !ok {
			t.Fatal("seccomp not found")
		}
		if _, ok := sysnum.X86_64.Number("no such syscall"); ok {
			t.Fatal("found a syscall that does not exist")
		}
		if _, ok := sysnum.X32.Name(x32Bit | 520); !ok {
			t.Fatal("x32 execve not found")
		}
		if _, ok := sysnum.AArch64.Name(1 << 20); ok {
			t.Fatal("found a number that does not exist")
		}
	})
	if allocs != 0 {
		t.Errorf("Number/Name allocate %v times per run, want 0", allocs)
	}
}

func BenchmarkNumber(b *testing.B) {
	for b.Loop() {
		sysnum.X86_64.Number("seccomp")
	}
}

func BenchmarkName(b *testing.B) {
	for b.Loop() {
		sysnum.X86_64.Name(317)
	}
}

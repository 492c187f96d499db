package sysnum

import (
	"cmp"
	"encoding/binary"
	"slices"
	"strings"
	"sync"
)

// A Table is the syscall table of one kernel ABI, with the facts about that
// ABI a seccomp filter depends on. Tables are read-only and safe for
// concurrent use.
type Table struct {
	arch      string // the table's name: "x86_64", "i386", "mipsel64n32", ...
	scmp      string // "SCMP_ARCH_X86_64"
	goarch    string // "amd64", or ""
	auditName string // "AUDIT_ARCH_X86_64"
	auditArch uint32
	order     binary.ByteOrder
	wordSize  int
	bias      int32
	// socketcall and ipc are the multiplexers' numbers, or -1.
	socketcall, ipc int32
	source          string // where the numbers come from

	entries []entry // sorted by nr, strictly ascending; never empty
	aliases []alias

	once   sync.Once
	byName map[string]int // index into entries, aliases included; built on first use
}

type entry struct {
	nr    int32
	name  string
	since Release
}

type alias struct {
	name, of string
}

// Arch returns the table's name: the kernel's for the older tables
// ("x86_64", "i386", "x32", "aarch64", "arm", "riscv64") and libseccomp's
// for the others ("loongarch64", "mips", "mipsel", "mips64", "mipsel64",
// "mips64n32", "mipsel64n32", "ppc", "ppc64", "ppc64le", "s390", "s390x",
// "parisc", "parisc64", "m68k", "sh", "sheb"). libseccomp calls i386 "x86".
func (t *Table) Arch() string { return t.arch }

// SCMPArch returns the OCI runtime-spec and libseccomp name of the ABI,
// e.g. "SCMP_ARCH_X86_64", "SCMP_ARCH_X86" for i386.
func (t *Table) SCMPArch() string { return t.scmp }

// LibseccompName returns libseccomp's name for the ABI (seccomp_arch_resolve_name):
// SCMPArch without its prefix, in lower case ("x86" for i386).
func (t *Table) LibseccompName() string {
	return strings.ToLower(strings.TrimPrefix(t.scmp, "SCMP_ARCH_"))
}

// GOARCH returns the GOARCH of the Go port whose Linux programs use this
// ABI, or "" if Go has none (x32, mips n32, ppc, s390, parisc, m68k, sh).
func (t *Table) GOARCH() string { return t.goarch }

// AuditArch returns the AUDIT_ARCH_* value seccomp_data.arch holds for a
// call of this ABI. x32 shares AUDIT_ARCH_X86_64 with x86_64: its numbers
// carry the x32 bit instead.
func (t *Table) AuditArch() uint32 { return t.auditArch }

// AuditArchName returns the name of the AUDIT_ARCH_* macro, e.g.
// "AUDIT_ARCH_X86_64".
func (t *Table) AuditArchName() string { return t.auditName }

// ByteOrder returns the ABI's byte order, which is also the layout of
// seccomp_data's 64-bit fields (instruction_pointer, args) as a filter
// loads them in 32-bit halves.
func (t *Table) ByteOrder() binary.ByteOrder { return t.order }

// WordSize returns the size in bits of the ABI's long and pointers: 32 or
// 64. See the package documentation for how a 32-bit ABI's arguments reach
// seccomp_data.
func (t *Table) WordSize() int { return t.wordSize }

// Bias returns what the ABI adds to the numbers of its kernel table: 4000,
// 5000 and 6000 for mips o32, n64 and n32 (__NR_Linux), 0x40000000 for x32
// (__X32_SYSCALL_BIT, or-ed), 0 elsewhere. Every number of the table
// already includes it.
func (t *Table) Bias() int32 { return t.bias }

// Socketcall returns the number of socketcall(2), and whether the ABI has
// that multiplexer. Its first argument is one of SocketcallCalls.
func (t *Table) Socketcall() (int32, bool) { return t.socketcall, t.socketcall >= 0 }

// IPC returns the number of ipc(2), and whether the ABI has that
// multiplexer. The low 16 bits of its first argument are one of IPCCalls.
func (t *Table) IPC() (int32, bool) { return t.ipc, t.ipc >= 0 }

// Source says where the table's numbers come from (kernel release, file and
// the ABI column values taken).
func (t *Table) Source() string { return t.source }

// Number returns the number of the syscall called name, and whether the table
// has it. Aliases (arm's sync_file_range2 for arm_sync_file_range) are
// accepted.
func (t *Table) Number(name string) (int32, bool) {
	t.once.Do(t.index)
	i, ok := t.byName[name]
	if !ok {
		return 0, false
	}
	return t.entries[i].nr, true
}

// Since returns the kernel release that added the syscall called name (or
// an alias of it) to this ABI, and whether the table has it. Release{3, 0}
// means 3.0 or earlier; see the package documentation for the method and
// its known gaps.
func (t *Table) Since(name string) (Release, bool) {
	t.once.Do(t.index)
	i, ok := t.byName[name]
	if !ok {
		return Release{}, false
	}
	return t.entries[i].since, true
}

func (t *Table) index() {
	m := make(map[string]int, len(t.entries)+len(t.aliases))
	for i, e := range t.entries {
		m[e.name] = i
	}
	for _, a := range t.aliases {
		if i, ok := m[a.of]; ok {
			m[a.name] = i
		}
	}
	t.byName = m
}

func (t *Table) find(nr int32) (int, bool) {
	return slices.BinarySearchFunc(t.entries, nr, func(e entry, nr int32) int {
		return cmp.Compare(e.nr, nr)
	})
}

// Name returns the name of syscall nr, and whether the table has it. The
// name is the kernel table's, never an alias.
func (t *Table) Name(nr int32) (string, bool) {
	i, ok := t.find(nr)
	if !ok {
		return "", false
	}
	return t.entries[i].name, true
}

// Names returns a new slice of all syscall names, sorted by number. Aliases
// are not included.
func (t *Table) Names() []string {
	names := make([]string, len(t.entries))
	for i, e := range t.entries {
		names[i] = e.name
	}
	return names
}

// Aliases returns a new map from each alias the table accepts to the table
// name it stands for, e.g. "sync_file_range2" -> "arm_sync_file_range" on
// arm.
func (t *Table) Aliases() map[string]string {
	m := make(map[string]string, len(t.aliases))
	for _, a := range t.aliases {
		m[a.name] = a.of
	}
	return m
}

// Len returns the number of syscalls in the table, aliases not counted.
func (t *Table) Len() int { return len(t.entries) }

// Max returns the highest syscall number in the table; for x32 it includes
// the x32 bit, for arm it is an ARM-private call (0xf0006, get_tls).
func (t *Table) Max() int32 { return t.entries[len(t.entries)-1].nr }

// ByArch returns the table called name (see Table.Arch): "x86_64", "i386",
// "x32", "aarch64", "arm", "riscv64", "loongarch64", "mips", "mipsel",
// "mips64", "mipsel64", "mips64n32", "mipsel64n32", "ppc", "ppc64",
// "ppc64le", "s390", "s390x", "parisc", "parisc64", "m68k", "sh" or "sheb".
// GOARCH and SCMP_ARCH names are not accepted here; see Lookup.
func ByArch(name string) (*Table, bool) {
	for _, t := range all {
		if t.arch == name {
			return t, true
		}
	}
	return nil, false
}

// Lookup returns the table a name denotes, in any case: the table's name
// (Arch), libseccomp's name (LibseccompName, "x86"), the SCMP_ARCH_* name
// (SCMPArch) or the GOARCH (GOARCH, "amd64"). No two tables share any of
// these names.
func Lookup(name string) (*Table, bool) {
	l := strings.ToLower(name)
	for _, t := range all {
		if l == t.arch || l == t.LibseccompName() || l == strings.ToLower(t.scmp) || (t.goarch != "" && l == t.goarch) {
			return t, true
		}
	}
	return nil, false
}

// ByGOARCH returns the table of the ABI that Linux programs of a Go port
// use: "amd64" gives X86_64, "mipsle" MIPSEL, "loong64" LoongArch64.
func ByGOARCH(goarch string) (*Table, bool) {
	for _, t := range all {
		if t.goarch != "" && t.goarch == goarch {
			return t, true
		}
	}
	return nil, false
}

// All returns every table in a fixed order: x86_64, i386, x32, aarch64, arm,
// riscv64, loongarch64, mips, mipsel, mips64, mipsel64, mips64n32,
// mipsel64n32, ppc, ppc64, ppc64le, s390, s390x, parisc, parisc64, m68k, sh,
// sheb. The slice is new on each call.
func All() []*Table { return slices.Clone(all) }

// genericRow is one row of the asm-generic table (scripts/syscall.tbl).
type genericRow struct {
	nr    int32
	name  string
	abi   string
	since Release // the oldest release any generic arch has the call
}

// genericEntries picks the rows of genericRows whose ABI is in abis, each
// dated no older than birth, or as override says.
func genericEntries(birth Release, abis []string, override map[string]Release) []entry {
	var es []entry
	for _, r := range genericRows {
		if !slices.Contains(abis, r.abi) {
			continue
		}
		since := r.since
		if since.Compare(birth) < 0 {
			since = birth
		}
		if o, ok := override[r.name]; ok {
			since = o
		}
		es = append(es, entry{r.nr, r.name, since})
	}
	slices.SortFunc(es, func(a, b entry) int { return cmp.Compare(a.nr, b.nr) })
	return es
}

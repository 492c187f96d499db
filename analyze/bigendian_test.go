package analyze

import (
	"testing"

	"github.com/seccomp-go/seccomp"
)

// TestBigEndianArches: a filter compiled for big-endian ABIs (s390x and its
// sibling s390, ppc64, mips64) is analyzed with seccomp_data in their byte
// order: the decisions recovered name the 64-bit argument the rule gave
// (not its halves swapped), Decide agrees with the emulator, and the audit
// sees the siblings.
func TestBigEndianArches(t *testing.T) {
	for _, a := range []*seccomp.Arch{seccomp.ArchS390X, seccomp.ArchPPC64, seccomp.ArchMIPS64} {
		arches := append([]*seccomp.Arch{a}, a.Siblings()...)
		f := seccomp.NewFilter(seccomp.Errno(1), arches...).
			AddSyscalls(seccomp.ActAllow, "write", "exit_group").
			Add(seccomp.Rule{Syscall: "read", Action: seccomp.ActAllow, Conds: []seccomp.Cond{seccomp.Arg(0).Eq(0x00000001_00000002)}, Arch: a})
		p, err := f.Compile()
		if err != nil {
			t.Fatal(err)
		}
		r := analyzeT(t, p, nil)
		if got := len(r.Arches); got != len(arches) {
			t.Errorf("%s: %d arches analyzed, want %d", a.Name, got, len(arches))
		}
		wantLines(t, a.Name+" read", syscallT(t, r, a.Name, "read").Decisions,
			"ALLOW when arg0 == 0x100000002", "ERRNO(1) otherwise")
		wantLines(t, a.Name+" write", syscallT(t, r, a.Name, "write").Decisions, "ALLOW")
		var inputs []seccomp.Data
		for _, b := range arches {
			nr, _ := b.Syscall("read")
			for _, v := range []uint64{0x00000001_00000002, 0x00000002_00000001, 2, 1 << 32} {
				inputs = append(inputs, seccomp.Data{Nr: nr, Arch: b.AuditArch, Args: [6]uint64{v}})
			}
		}
		if checked, _ := checkAgainstEmulator(t, p, r, inputs); checked != len(inputs) {
			t.Errorf("%s: %d of %d inputs checked", a.Name, checked, len(inputs))
		}
		for _, d := range inputs[:4] {
			want := seccomp.Errno(1)
			if d.Args[0] == 0x00000001_00000002 {
				want = seccomp.ActAllow
			}
			if got, ok := r.Decide(d); !ok || got != want {
				t.Errorf("%s: Decide(%#x) = %v, %v; want %v", a.Name, d.Args[0], got, ok, want)
			}
		}
		// The audit analyzes the siblings of the arch it finds.
		if got := AuditArches(p); len(got) != len(arches) {
			t.Errorf("%s: AuditArches %v, want %v", a.Name, got, arches)
		}
	}
}

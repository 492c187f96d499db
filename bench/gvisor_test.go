//go:build linux && cgo

package bench

import (
	"os"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/profile"
)

// gvisorVersion returns the gVisor module version go.mod requires (test
// binaries carry no module versions).
func gvisorVersion() string {
	b, err := os.ReadFile("go.mod")
	if err != nil {
		return "gvisor.dev/gvisor (version unknown)"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "gvisor.dev/gvisor" {
			return "gvisor.dev/gvisor " + f[1]
		}
	}
	return "gvisor.dev/gvisor (version unknown)"
}

// TestGVisorAgainstEvaluate: the program gVisor's pkg/seccomp builds from
// Docker's default profile resolved for amd64 (gvisorProgram: the x86_64
// rules only) decides as the profile means on every x86_64 number (and a
// margin past the table, and -1), with zero and with other arguments, and
// on every x86_64 argument rule at the edges of its values. What it cannot
// match is pinned: calls of the other arches get the bad-arch action, and
// x32 calls (on AUDIT_ARCH_X86_64, with X32SyscallBit) the default action,
// though the profile allows many of both.
func TestGVisorAgainstEvaluate(t *testing.T) {
	if !gvisorAvailable {
		t.Skip("gVisor's pkg/seccomp builds x86_64 programs only on linux/amd64")
	}
	k := profile.KernelVersion{Kernel: 6, Major: 1}
	res, err := profile.Default().Build(profile.Options{Arch: seccomp.ArchX86_64, Kernel: &k})
	if err != nil {
		t.Fatal(err)
	}
	p, err := gvisorProgram(res, hotMix)
	if err != nil {
		t.Fatal(err)
	}
	if err := seccomp.Verify(p); err != nil {
		t.Fatal(err)
	}
	e := seccomp.MustEmulator(p)
	x86 := seccomp.ArchX86_64
	checked := 0
	check := func(d seccomp.Data) {
		t.Helper()
		if got, want := e.Action(d), res.Evaluate(d); got != want {
			t.Fatalf("%+v: gVisor's program says %v, the profile means %v", d, got, want)
		}
		checked++
	}
	for nr := int32(0); nr <= x86.MaxSyscall()+64; nr++ {
		check(seccomp.Data{Nr: nr, Arch: x86.AuditArch})
		check(seccomp.Data{Nr: nr, Arch: x86.AuditArch, Args: [6]uint64{1<<64 - 1, 1 << 32, 40, 0x7fffffff, 1, 2}})
	}
	check(seccomp.Data{Nr: -1, Arch: x86.AuditArch})
	rules := 0
	for _, r := range res.Filter.Rules() {
		nr, ok := ruleNumber(r, x86)
		if !ok || len(r.Conds) == 0 {
			continue
		}
		rules++
		for _, d := range edgeCalls(r, nr, x86) {
			check(d)
		}
	}
	if rules == 0 {
		t.Fatal("no x86_64 argument rule in the profile: the test checks nothing of them")
	}
	// The calls an x86_64-only program cannot allow.
	def, bad := res.Filter.DefaultAction(), res.Filter.BadArchAction()
	x32Allowed, otherAllowed := 0, 0
	for _, a := range seccomp.Arches() {
		if a.AuditArch == x86.AuditArch {
			continue
		}
		for nr := int32(0); nr <= a.MaxSyscall(); nr++ {
			d := seccomp.Data{Nr: nr, Arch: a.AuditArch}
			if res.Evaluate(d) == seccomp.ActAllow {
				otherAllowed++
			}
			if got := e.Action(d); got != bad {
				t.Fatalf("%s call %d: gVisor's program says %v, not the bad-arch action %v", a.Name, nr, got, bad)
			}
		}
	}
	x32 := seccomp.ArchX32
	for nr := int32(seccomp.X32SyscallBit); nr <= seccomp.X32SyscallBit|(x32.MaxSyscall()+64); nr++ {
		d := seccomp.Data{Nr: nr, Arch: x86.AuditArch}
		if res.Evaluate(d) == seccomp.ActAllow {
			x32Allowed++
		}
		if got := e.Action(d); got != def {
			t.Fatalf("x32 call %#x: gVisor's program says %v, not the default action %v", nr, got, def)
		}
	}
	t.Logf("%s: %d instructions; %d x86_64 calls agree with the profile (%d argument rules at their edges); every rule expressed",
		gvisorVersion(), len(p), checked, rules)
	t.Logf("not covered: other arches' calls get %v (%d of them allowed by the profile), x32 calls %v (%d allowed by the profile)",
		bad, otherAllowed, def, x32Allowed)
}

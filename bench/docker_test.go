//go:build linux && cgo

package bench

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/profile"
)

// tableDiffs returns, for arch a, the numbers whose decision may differ
// between package profile and libseccomp because their tables disagree on
// a name of the profile: a name one of them lacks, or a different number.
func tableDiffs(s *profile.Seccomp, a *seccomp.Arch) (map[int32]string, []string) {
	nrs := map[int32]string{}
	var notes []string
	seen := map[string]bool{}
	for _, e := range s.Syscalls {
		for _, n := range e.Names {
			if seen[n] {
				continue
			}
			seen[n] = true
			ours, okOurs := a.Syscall(n)
			theirs, okTheirs := ResolveNameArch(a, n)
			switch {
			case okOurs && okTheirs && ours == theirs, !okOurs && !okTheirs:
				continue
			case okOurs && !okTheirs:
				notes = append(notes, fmt.Sprintf("%s (%d) not in libseccomp's table", n, ours&^seccomp.X32SyscallBit))
				nrs[ours] = n
			case !okOurs && okTheirs:
				notes = append(notes, fmt.Sprintf("%s (%d) only in libseccomp's table", n, theirs&^seccomp.X32SyscallBit))
				nrs[theirs] = n
			default:
				notes = append(notes, fmt.Sprintf("%s is %d here, %d in libseccomp", n, ours, theirs))
				nrs[ours], nrs[theirs] = n, n
			}
		}
	}
	sort.Strings(notes)
	return nrs, notes
}

// edgeArgs returns argument values around a condition's operands.
func edgeArgs(c seccomp.Cond) []uint64 {
	vs := []uint64{0, 1, 1<<32 - 1, 1 << 32, 1<<64 - 1, c.Value, c.Value - 1, c.Value + 1, c.Value ^ 1<<32, c.Value | 1<<63}
	if c.Op == seccomp.OpMaskedEq || c.Op == seccomp.OpMaskedNe {
		vs = append(vs, c.Value|^c.Mask, c.Mask, c.Value^(c.Mask&-c.Mask), ^uint64(0)&^c.Mask)
	}
	return vs
}

// edgeCalls returns calls of system call nr on arch a with each condition
// of r at the edges of its values (edgeArgs), the other conditions'
// arguments at their operands.
func edgeCalls(r seccomp.Rule, nr int32, a *seccomp.Arch) []seccomp.Data {
	var calls []seccomp.Data
	for _, c := range r.Conds {
		for _, v := range edgeArgs(c) {
			d := seccomp.Data{Nr: nr, Arch: a.AuditArch}
			for _, o := range r.Conds {
				d.Args[o.Arg] = o.Value
			}
			d.Args[c.Arg] = v
			calls = append(calls, d)
		}
	}
	return calls
}

// TestDockerDefaultAgainstLibseccomp: Docker's default profile resolved
// for every arch libseccomp knows (its archMap's natives with their
// sub-arches; the others, ppc64le among them, alone), compiled here and by
// libseccomp as runc adds it:
// the same decision for every system call number of every covered arch
// (and a margin past the tables), and for every argument rule at the
// edges of its values, but for the documented table differences, which
// are listed.
func TestDockerDefaultAgainstLibseccomp(t *testing.T) {
	k := profile.KernelVersion{Kernel: 6, Major: 1}
	for _, target := range seccomp.Arches() {
		if !Knows(target) {
			t.Logf("%s: libseccomp %s does not know it", target.Name, Version())
			continue
		}
		for _, optimize := range []int{0, 2} {
			t.Run(fmt.Sprintf("%s/optimize%d", target.Name, optimize), func(t *testing.T) {
				res, err := profile.Default().Build(profile.Options{Arch: target, Kernel: &k})
				if err != nil {
					t.Fatal(err)
				}
				ours, err := res.Compile()
				if err != nil {
					t.Fatal(err)
				}
				theirs, err := runcProgram(res.Profile, target, optimize)
				if err != nil {
					t.Fatal(err)
				}
				eo, et := seccomp.MustEmulator(ours), seccomp.MustEmulator(theirs)
				t.Logf("%d instructions here, %d from libseccomp %s", len(ours), len(theirs), Version())
				checked, skipped := 0, 0
				check := func(d seccomp.Data, skip map[int32]string) {
					t.Helper()
					want := res.Evaluate(d)
					if got := eo.Action(d); got != want {
						t.Fatalf("%+v: our program says %v, Evaluate %v", d, got, want)
					}
					if lib := et.Action(d); lib != want {
						if _, ok := skip[d.Nr]; ok {
							skipped++
							return
						}
						t.Errorf("%+v: we say %v, libseccomp %v", d, want, lib)
					}
					checked++
				}
				for _, a := range res.Filter.Arches() {
					skip, notes := tableDiffs(res.Profile, a)
					t.Logf("%s: table differences on names of the profile: %s", a.Name, strings.Join(notes, "; "))
					for _, nr := range numbers(a) {
						check(seccomp.Data{Nr: nr, Arch: a.AuditArch}, skip)
						check(seccomp.Data{Nr: nr, Arch: a.AuditArch, Args: [6]uint64{1<<64 - 1, 1 << 32, 40, 0x7fffffff, 1, 2}}, skip)
					}
					// The multiplexed calls, through their multiplexers.
					for _, d := range muxCalls(a) {
						check(d, skip)
					}
					check(seccomp.Data{Nr: -1, Arch: a.AuditArch}, skip)
					// Every argument rule at the edges of its values.
					for _, r := range res.Filter.Rules() {
						nr, ok := ruleNumber(r, a)
						if !ok || len(r.Conds) == 0 {
							continue
						}
						for _, d := range edgeCalls(r, nr, a) {
							check(d, skip)
						}
					}
				}
				// Calls from arches the profile does not cover.
				for _, a := range seccomp.Arches() {
					if !slices.Contains(res.Filter.Arches(), a) {
						check(seccomp.Data{Nr: 1, Arch: a.AuditArch}, nil)
					}
				}
				t.Logf("%d calls agreed with libseccomp, %d differ only through the table differences above", checked, skipped)
			})
		}
	}
}

//go:build linux && cgo

package bench

import (
	"errors"
	"syscall"
	"testing"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/profile"
)

// TestOverlapResearch pins what libseccomp does with conditional rules of
// one system call that overlap with different actions, next to what
// package profile does: the same by default (libseccomp's order), the
// stricter action with Options.StricterWins.
func TestOverlapResearch(t *testing.T) {
	eq := func(arg uint, v uint64) Cmp { return Cmp{Arg: arg, Op: CmpEQ, DatumA: v} }
	type rule struct {
		act  seccomp.Action
		cmps []Cmp
	}
	kill, errno := seccomp.ActKillProcess, seccomp.Errno(1)
	for _, tc := range []struct {
		name   string
		rules  []rule
		lib    seccomp.Action // libseccomp's decision for read(2, 3) when it accepts
		libErr error
		strict seccomp.Action // with StricterWins; 0: refused
	}{
		{"shorter rule first: the longer one is dropped", []rule{{kill, []Cmp{eq(0, 2)}}, {errno, []Cmp{eq(0, 2), eq(1, 3)}}}, kill, nil, kill},
		{"longer rule first: refused", []rule{{errno, []Cmp{eq(0, 2), eq(1, 3)}}, {kill, []Cmp{eq(0, 2)}}}, 0, syscall.EEXIST, kill},
		{"disjoint arguments: the higher index decides", []rule{{kill, []Cmp{eq(0, 2)}}, {errno, []Cmp{eq(1, 3)}}}, errno, nil, kill},
		{"disjoint arguments, other order: the same", []rule{{errno, []Cmp{eq(1, 3)}}, {kill, []Cmp{eq(0, 2)}}}, errno, nil, kill},
		{"same conditions: refused", []rule{{errno, []Cmp{eq(0, 2)}}, {kill, []Cmp{eq(0, 2)}}}, 0, syscall.EEXIST, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, err := NewCtx(seccomp.ActAllow, seccomp.ActKillThread, []*seccomp.Arch{seccomp.ArchX86_64})
			if err != nil {
				t.Fatal(err)
			}
			defer ctx.Release()
			nr, _ := ResolveName("read")
			s := &profile.Seccomp{DefaultAction: profile.ActAllow}
			for _, r := range tc.rules {
				e := profile.Syscall{Names: []string{"read"}, Action: profile.ActKillProcess}
				if r.act == errno {
					e.Action = profile.ActErrno
				}
				for _, c := range r.cmps {
					e.Args = append(e.Args, profile.Arg{Index: c.Arg, Value: c.DatumA, Op: profile.OpEqualTo})
				}
				s.Syscalls = append(s.Syscalls, e)
				if err = ctx.AddRule(r.act, nr, r.cmps); err != nil {
					break
				}
			}
			d := seccomp.Data{Nr: nr, Arch: seccomp.AuditArchX86_64, Args: [6]uint64{2, 3}}
			if !errors.Is(err, tc.libErr) {
				t.Fatalf("libseccomp: %v, want %v", err, tc.libErr)
			}
			if err == nil {
				p, err := ctx.Export()
				if err != nil {
					t.Fatal(err)
				}
				if got := seccomp.MustEmulator(p).Action(d); got != tc.lib {
					t.Errorf("libseccomp says %v, want %v", got, tc.lib)
				}
			}
			// By default package profile means what libseccomp means.
			res, err := s.Build(profile.Options{Arch: seccomp.ArchX86_64})
			if tc.libErr != nil {
				if err == nil {
					t.Errorf("package profile accepts what libseccomp refuses (%v)", tc.libErr)
				}
			} else if err != nil {
				t.Fatal(err)
			} else if got := res.Evaluate(d); got != tc.lib {
				t.Errorf("package profile says %v, libseccomp %v", got, tc.lib)
			}
			// With StricterWins, the stricter action.
			res, err = s.Build(profile.Options{Arch: seccomp.ArchX86_64, StricterWins: true})
			if tc.strict == 0 { // KILL_THREAD is 0 too, but none is used here
				if err == nil {
					t.Errorf("StricterWins accepts the same conditions with different actions")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Evaluate(d); got != tc.strict {
				t.Errorf("StricterWins says %v, want %v", got, tc.strict)
			}
		})
	}
}

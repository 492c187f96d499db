//go:build linux && cgo

package bench

import (
	"fmt"
	"slices"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/profile"
)

// runcAction maps an OCI action the way runc's getAction does.
func runcAction(a profile.Action, errnoRet *uint) (seccomp.Action, error) {
	data := func(base seccomp.Action) seccomp.Action {
		if errnoRet != nil {
			return base | seccomp.Action(uint16(*errnoRet))
		}
		return base | 1 // EPERM
	}
	switch a {
	case profile.ActKill, profile.ActKillThread:
		return seccomp.ActKillThread, nil
	case profile.ActKillProcess:
		return seccomp.ActKillProcess, nil
	case profile.ActTrap:
		return seccomp.ActTrap, nil
	case profile.ActErrno:
		return data(seccomp.ActErrno), nil
	case profile.ActTrace:
		return data(seccomp.ActTrace), nil
	case profile.ActAllow:
		return seccomp.ActAllow, nil
	case profile.ActLog:
		return seccomp.ActLog, nil
	case profile.ActNotify:
		return seccomp.ActUserNotif, nil
	}
	return 0, fmt.Errorf("unknown action %q", a)
}

var runcOps = map[profile.Operator]int{
	profile.OpNotEqual: CmpNE, profile.OpLessThan: CmpLT, profile.OpLessEqual: CmpLE, profile.OpEqualTo: CmpEQ,
	profile.OpGreaterEqual: CmpGE, profile.OpGreaterThan: CmpGT, profile.OpMaskedEqual: CmpMaskedEQ,
}

// runcProgram builds the program runc builds for an OCI profile through
// libseccomp (without runc's ENOSYS stub): the filter covers the target
// (runc's native arch) and the listed arches, rules are added entry by
// entry as runc's matchCall adds them. optimize is libseccomp's
// SCMP_FLTATR_CTL_OPTIMIZE (runc sets 2 for more than 32 entries).
func runcProgram(s *profile.Seccomp, target *seccomp.Arch, optimize int) (seccomp.Program, error) {
	def, err := runcAction(s.DefaultAction, s.DefaultErrnoRet)
	if err != nil {
		return nil, err
	}
	arches := []*seccomp.Arch{target}
	for _, n := range s.Architectures {
		for _, a := range seccomp.Arches() {
			if profile.ArchName(a) == n && !slices.Contains(arches, a) {
				arches = append(arches, a)
			}
		}
	}
	ctx, err := NewCtx(def, seccomp.ActKillThread, arches)
	if err != nil {
		return nil, err
	}
	defer ctx.Release()
	if optimize != 0 {
		if err := ctx.SetOptimize(optimize); err != nil {
			return nil, err
		}
	}
	for _, e := range s.Syscalls {
		act, err := runcAction(e.Action, e.ErrnoRet)
		if err != nil {
			return nil, err
		}
		if act == def {
			continue
		}
		var cmps []Cmp
		var count [6]int
		repeat := false
		for _, a := range e.Args {
			cmps = append(cmps, Cmp{Arg: a.Index, Op: runcOps[a.Op], DatumA: a.Value, DatumB: a.ValueTwo})
			if a.Index < 6 {
				count[a.Index]++
				repeat = repeat || count[a.Index] > 1
			}
		}
		for _, name := range e.Names {
			nr, ok := ResolveName(name)
			if !ok {
				continue // runc: unknown seccomp syscall ignored
			}
			if repeat {
				for _, c := range cmps {
					if err := ctx.AddRule(act, nr, []Cmp{c}); err != nil {
						return nil, fmt.Errorf("rule for %s: %w", name, err)
					}
				}
			} else if err := ctx.AddRule(act, nr, cmps); err != nil {
				return nil, fmt.Errorf("rule for %s: %w", name, err)
			}
		}
	}
	return ctx.Export()
}

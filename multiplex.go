package seccomp

import (
	"github.com/seccomp-go/seccomp/internal/compiler"
	"github.com/seccomp-go/seccomp/internal/cond"
	"github.com/seccomp-go/seccomp/internal/ruletree"
)

// Multiplexed calls: on the ABIs that have socketcall(2) and ipc(2) (i386,
// mips o32, ppc, ppc64, ppc64le, s390, s390x, m68k, sh, sheb), a process
// can make the socket calls and the System V IPC calls through those
// multiplexers, whose first argument selects the call and whose other
// arguments point to the call's arguments in user memory.

// SetMultiplexing makes the rules on socket calls (socket, connect,
// sendmsg, ...) and System V IPC calls (semop, shmget, msgsnd, ...) decide
// those calls when made through socketcall(2) or ipc(2) too, on the arches
// that have these multiplexers, as libseccomp does. Off by default: a rule
// then decides only the call it names, and socketcall and ipc get their
// own rules or the default action.
//
// Through a multiplexer the call's arguments are in user memory, out of a
// filter's reach: only the multiplexer's first argument, which selects the
// call, can be checked. So a rule's conditions cannot be checked there,
// and what a multiplexed call gets depends on the resolution:
//   - ResolveStricter (the default): the call through the multiplexer
//     gets the strictest action the direct call can get for any arguments:
//     the strictest action of its rules (on that arch), and the default
//     action too unless one of its rules is unconditional. A conditional
//     rule never makes the multiplexer more permissive than the direct
//     call: with "socket allowed when arg0 != AF_VSOCK" and a default that
//     denies, socketcall(SYS_SOCKET, ...) is denied (the family cannot be
//     seen), and with "socket denied when arg0 == AF_VSOCK" and a default
//     that allows, it is denied too; an unconditional rule gives its
//     action. socketcall's first argument selects the call by its low 32
//     bits (an int), ipc's by its low 16 bits (the high 16 carry a
//     version), as the kernel reads them.
//   - ResolveLibseccomp: what libseccomp (2.5 and 2.6) makes of the rule:
//     one more rule for the multiplexer, with the rule's condition on
//     argument 0 replaced by "arg0 == the call's number" (its SYS_* or
//     IPC number, compared as libseccomp compares arguments on the arch)
//     and its conditions on the other arguments kept, although they then
//     compare the multiplexer's arguments (pointers): what runc and crun
//     mean, which package profile reproduces. A conditional rule on
//     socket's family then allows socketcall(SYS_SOCKET) for any family.
//
// Rules on socketcall and ipc themselves apply as well, with the usual
// resolution. The direct calls (i386's socket, 359, since Linux 4.3) keep
// their rules. On arches without multiplexers (x86_64, aarch64, ...) the
// setting changes nothing.
func (f *Filter) SetMultiplexing(on bool) *Filter { f.multiplex = on; f.changed(); return f }

// MultiplexedBy returns the multiplexer of a that can make the named
// system call, and the first argument that selects it: for "socket" on
// i386, (102, 1, true), socketcall(SYS_SOCKET, args); for "shmget",
// (117, 23, true), ipc(SHMGET, ...), whose first argument may carry a
// version in its high 16 bits. It returns false on an arch without that
// multiplexer (x86_64, aarch64, ...) and for other calls. Some calls have
// no direct number on some arches (semop on i386 and ppc64): the
// multiplexer is the only way to make them there.
func (a *Arch) MultiplexedBy(name string) (mux int32, arg0 int32, ok bool) {
	return a.table.MultiplexedBy(name)
}

// Multiplexing reports whether SetMultiplexing is on.
func (f *Filter) Multiplexing() bool { return f.multiplex }

// muxSub is what the rules of one multiplexed call decide through its
// multiplexer on one arch, in the stricter resolution.
type muxSub struct {
	p      *archPlan
	mux    int32
	sel    cond.Cond
	index  int    // the first rule's
	action Action // the strictest of its rules
	uncond bool   // one of its rules is unconditional
	order  int
}

// multiplexed returns the multiplexer of call nr on p and the condition on
// its first argument that selects the call, as the kernel reads it
// (libseccomp: as libseccomp compares it), or false.
func multiplexed(p *archPlan, nr int32, name string, libseccomp bool) (int32, cond.Cond, bool) {
	if name == "" {
		var ok bool
		if name, ok = p.arch.SyscallName(nr); !ok {
			return 0, cond.Cond{}, false
		}
	}
	mux, sub, ok := p.arch.table.MultiplexedBy(name)
	if !ok {
		return 0, cond.Cond{}, false
	}
	abi32 := !p.arch.AuditArch.Is64Bit()
	if libseccomp {
		return mux, cond.Cond{Arg: 0, Op: cond.Eq, Value: uint64(sub), Width32: p.arch.WordSize() == 32}.Normalize(abi32), true
	}
	sel := cond.Cond{Arg: 0, Op: cond.Eq, Value: uint64(sub), Width32: true}
	if ipc, _ := p.arch.table.IPC(); mux == ipc {
		sel = cond.Cond{Arg: 0, Op: cond.MaskedEq, Mask: 0xffff, Value: uint64(sub), Width32: true}
	}
	sel, _ = sel.Resolve(abi32)
	return mux, sel, true
}

// libseccompMux returns the conditions of the rule libseccomp adds to the
// multiplexer for a rule with conditions conds (normalized): those
// ruletree.Multiplexed gives (the selector instead of the conditions on
// argument 0, the others kept), normalized for an arch whose arguments
// are 32 bits when abi32.
func libseccompMux(sel cond.Cond, conds []cond.Cond, abi32 bool) []cond.Cond {
	tc := make([]ruletree.Cond, len(conds))
	for i, c := range conds {
		tc[i] = ruletree.Cond{Arg: c.Arg, Op: libseccompOps[Op(c.Op)], Mask: c.Mask, Datum: c.Value, Narrow: c.Width32}
	}
	out := []cond.Cond{}
	for _, t := range ruletree.Multiplexed(sel.Value, sel.Width32, tc) {
		c := cond.Cond{Arg: t.Arg, Value: t.Datum, Mask: t.Mask, Width32: t.Narrow}
		for op, o := range libseccompOps {
			if o == t.Op && op != 0 {
				c.Op = cond.Op(op)
			}
		}
		out = append(out, c.Normalize(abi32))
	}
	return out
}

// addMuxRule appends r, made from a rule on a call the multiplexer nr
// makes, to the rules of nr on p.
func (p *archPlan) addMuxRule(nr int32, r compiler.Rule) {
	p.Calls[nr] = append(p.Calls[nr], r)
	if p.derived == nil {
		p.derived = map[[2]int32]bool{}
	}
	p.derived[[2]int32{nr, int32(r.Index)}] = true
}

// isDerived reports whether rule r of call nr was made for the
// multiplexer nr from a rule on another call.
func (p *archPlan) isDerived(nr int32, r compiler.Rule) bool {
	return p.derived[[2]int32{nr, int32(r.Index)}]
}

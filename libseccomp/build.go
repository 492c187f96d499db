package seccomp

import (
	"encoding/binary"
	"errors"
	"syscall"

	scmp "github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/ruletree"
)

// filter returns the collection as a seccomp.Filter: its ABIs, actions,
// and each ABI's rules in the order libseccomp merged them, resolved as
// libseccomp resolves them (seccomp.ResolveLibseccomp), with libseccomp's
// handling of number -1 on x86_64. Calls of numbers an ABI does not have
// (pseudo numbers) are left out, as libseccomp leaves them out of its
// program.
func (c *collection) filter() *scmp.Filter {
	arches := make([]*scmp.Arch, len(c.dbs))
	for i, d := range c.dbs {
		arches[i] = d.info.table()
	}
	f := scmp.NewFilter(scmp.Action(c.def), arches...).
		SetBadArchAction(scmp.Action(c.badArch)).
		SetNrMinusOneDefault(true).
		SetResolution(scmp.ResolveLibseccomp)
	hot := map[string]float64{}
	for _, d := range c.dbs {
		a := d.info.table()
		for _, e := range d.entries {
			if e.nr < 0 {
				continue
			}
			if a != scmp.ArchX32 && a.AuditArch == scmp.AuditArchX86_64 && uint32(e.nr) >= scmp.X32SyscallBit {
				// An x32 number on x86_64: libseccomp's program sends such
				// calls to the bad-arch action before any rule, and
				// seccomp.Filter refuses a rule no call can reach.
				continue
			}
			if p := e.tree.Priority() >> 16; p > 0 {
				if name, ok := a.SyscallName(e.nr); ok {
					hot[name] = max(hot[name], float64(p))
				}
			}
			for _, r := range e.merged {
				rule := scmp.Rule{Number: e.nr, Arch: a, Action: scmp.Action(r.Action)}
				for _, rc := range r.Conds {
					rule.Conds = append(rule.Conds, filterCond(rc))
				}
				f.Add(rule)
			}
		}
	}
	if len(hot) > 0 {
		f.SetHotSyscalls(hot)
	}
	return f
}

// filterCond is a libseccomp condition as a seccomp.Cond; the value of a
// masked-equal is masked, as libseccomp compares it.
func filterCond(rc ruletree.Cond) scmp.Cond {
	c := scmp.Cond{Arg: rc.Arg, Value: rc.Datum, Width32: rc.Narrow}
	switch rc.Op {
	case ruletree.NE:
		c.Op = scmp.OpNe
	case ruletree.LT:
		c.Op = scmp.OpLt
	case ruletree.LE:
		c.Op = scmp.OpLe
	case ruletree.EQ:
		c.Op = scmp.OpEq
	case ruletree.GE:
		c.Op = scmp.OpGe
	case ruletree.GT:
		c.Op = scmp.OpGt
	case ruletree.MaskedEQ:
		c.Op, c.Mask, c.Value = scmp.OpMaskedEq, rc.Mask, rc.Datum&rc.Mask
	}
	return c
}

// program returns the compiled program in the ABIs' byte order, computing
// it once until the filter changes.
func (c *collection) program() ([]byte, error) {
	if c.prog != nil {
		return c.prog, nil
	}
	p, err := c.filter().Compile()
	if err != nil {
		var ce *scmp.CompileError
		if errors.As(err, &ce) {
			// Longer than the kernel takes: libseccomp would build it, and
			// the kernel refuse it (EINVAL).
			return nil, c.sysErr(syscall.EINVAL)
		}
		return nil, syscall.EFAULT // an internal error: libseccomp's catch-all
	}
	var order binary.AppendByteOrder = binary.LittleEndian
	if c.dbs[0].info.bigEndian() {
		order = binary.BigEndian
	}
	c.prog = p.AppendRaw(nil, order)
	return c.prog, nil
}

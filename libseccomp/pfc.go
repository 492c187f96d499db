package seccomp

import (
	"fmt"
	"slices"
	"strings"
)

// pfcAction formats an action as libseccomp's pseudo filter code does.
func pfcAction(a uint32) string {
	switch a & retActionFull {
	case retKillProcess:
		return "action KILL_PROCESS;\n"
	case retKillThread:
		return "action KILL;\n"
	case retTrap:
		return "action TRAP;\n"
	case retErrno:
		return fmt.Sprintf("action ERRNO(%d);\n", a&0xffff)
	case retTrace:
		return fmt.Sprintf("action TRACE(%d);\n", a&0xffff)
	case retLog:
		return "action LOG;\n"
	case retAllow:
		return "action ALLOW;\n"
	}
	return fmt.Sprintf("action 0x%x;\n", a)
}

// pfc returns the filter as libseccomp's seccomp_export_pfc writes it: per
// ABI, the system calls by priority (or, with optimization level 2, by
// number under a binary tree of comparisons), each with its tree of
// comparisons, then the default and bad-architecture actions.
func (c *collection) pfc() string {
	var b strings.Builder
	b.WriteString("#\n# pseudo filter code start\n#\n")
	for _, d := range c.dbs {
		c.pfcArch(&b, d)
	}
	b.WriteString("# invalid architecture action\n")
	b.WriteString(pfcAction(c.badArch))
	b.WriteString("#\n# pseudo filter code end\n#\n")
	return b.String()
}

const callsPerNode = 4

func (c *collection) pfcArch(b *strings.Builder, d *archDB) {
	// The calls in the order libseccomp lists them: from its list by
	// number, each put before the first of lower or equal priority (or
	// number, for the binary tree).
	var list []*entry
	for _, e := range d.entries {
		i := 0
		for i < len(list) {
			if c.optimize == 2 {
				if !(uint32(e.nr) < uint32(list[i].nr)) {
					break
				}
			} else if !(e.tree.Priority() < list[i].tree.Priority()) {
				break
			}
			i++
		}
		list = slices.Insert(list, i, e)
	}
	levels := 0
	if c.optimize == 2 && d.count > 0 {
		for max := callsPerNode; ; max <<= 1 {
			levels++
			if max >= d.count {
				break
			}
		}
	}
	fmt.Fprintf(b, "# filter for arch %s (%d)\n", d.info.pfc, uint32(d.info.audit))
	fmt.Fprintf(b, "if ($arch == %d)\n", uint32(d.info.audit))
	indent, count := 1, 0
	for k, e := range list {
		if !e.tree.HasRule() {
			continue
		}
		for i := levels - 1; i > 0; i-- {
			level := callsPerNode << i
			switch {
			case count == 0 || count%level == 0:
				ahead := k + level/2
				if ahead >= len(list) {
					continue // no more comparisons to make
				}
				pad(b, indent)
				fmt.Fprintf(b, "if ($syscall > %d)\n", uint32(list[ahead].nr))
				indent++
			case count%(level/2) == 0:
				pad(b, indent-1)
				fmt.Fprintf(b, "else # ($syscall <= %d)\n", uint32(e.nr))
			}
		}
		name, ok := d.info.callName(e.nr)
		if !ok {
			name = "UNKNOWN"
		}
		e.tree.WritePFC(b, indent, name, uint32(e.nr), !d.info.narrow, pfcAction)
		count++
		for i := 0; i < levels; i++ {
			if count%((callsPerNode*2)<<i) == 0 {
				indent--
			}
		}
	}
	pad(b, 1)
	b.WriteString("# default action\n")
	pad(b, 1)
	b.WriteString(pfcAction(c.def))
}

func pad(b *strings.Builder, n int) {
	for range n {
		b.WriteString("  ")
	}
}

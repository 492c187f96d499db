package analyze

import (
	"fmt"
	"strings"

	"github.com/seccomp-go/seccomp"
)

// Dot returns the control flow of p as a Graphviz graph (the dot
// language): one node per basic block, labelled with its instructions as
// seccomp.Disassemble prints them, and one edge per way out of a block,
// labelled true or false for the two ways of a conditional jump. Blocks
// that end in a return are filled in a colour of their action (green
// ALLOW and LOG, yellow ERRNO, TRAP, TRACE and USER_NOTIF, red the kills);
// blocks no jump reaches are dashed. Any program can be drawn, valid or
// not: a jump past the end leads to a node of its own.
func Dot(p seccomp.Program) string {
	var b strings.Builder
	b.WriteString("digraph seccomp {\n")
	b.WriteString("\tnode [shape=box, fontname=\"monospace\", fontsize=10];\n")
	b.WriteString("\tedge [fontname=\"monospace\", fontsize=9];\n")
	lines := strings.Split(strings.TrimSuffix(seccomp.Disassemble(p), "\n"), "\n")
	n := len(p)
	leader := make([]bool, n+1)
	if n > 0 {
		leader[0] = true
	}
	targets := func(pc int) (out []int, cond bool) {
		in := p[pc]
		switch {
		case in.Op == opRetK || in.Op == opRetA:
			return nil, false
		case in.Op == opJa:
			return []int{pc + 1 + int(in.K)}, false
		case isJump(in.Op):
			return []int{pc + 1 + int(in.Jt), pc + 1 + int(in.Jf)}, true
		}
		return []int{pc + 1}, false
	}
	for pc := range p {
		ts, cond := targets(pc)
		if len(ts) == 1 && ts[0] == pc+1 && p[pc].Op != opJa {
			continue // falls through
		}
		leader[pc+1] = true
		if cond || p[pc].Op == opJa {
			for _, t := range ts {
				if t >= 0 && t < n {
					leader[t] = true
				}
			}
		}
	}
	reach := structural(p)
	bad := false
	for start := 0; start < n; {
		end := start
		for end+1 < n && !leader[end+1] {
			end++
		}
		var label strings.Builder
		for pc := start; pc <= end; pc++ {
			if pc < len(lines) {
				label.WriteString(dotEscape(lines[pc]))
			}
			label.WriteString(`\l`)
		}
		var styles []string
		attrs := ""
		if in := p[end]; in.Op == opRetK {
			styles = append(styles, "filled")
			attrs += fmt.Sprintf(", fillcolor=%q", retColor(seccomp.Action(in.K)))
		}
		if !reach[start] {
			styles = append(styles, "dashed")
			attrs += ", color=gray"
		}
		if len(styles) > 0 {
			attrs = fmt.Sprintf(", style=%q", strings.Join(styles, ",")) + attrs
		}
		fmt.Fprintf(&b, "\tb%d [label=\"%s\"%s];\n", start, label.String(), attrs)
		ts, cond := targets(end)
		name := func(t int) string {
			if t < 0 || t >= n {
				bad = true
				return "past_end"
			}
			return fmt.Sprintf("b%d", t)
		}
		switch {
		case cond && ts[0] == ts[1]:
			fmt.Fprintf(&b, "\tb%d -> %s [label=\"always\"];\n", start, name(ts[0]))
		case cond:
			fmt.Fprintf(&b, "\tb%d -> %s [label=\"true\"];\n", start, name(ts[0]))
			fmt.Fprintf(&b, "\tb%d -> %s [label=\"false\", style=dashed];\n", start, name(ts[1]))
		case len(ts) == 1:
			fmt.Fprintf(&b, "\tb%d -> %s;\n", start, name(ts[0]))
		}
		start = end + 1
	}
	if bad {
		b.WriteString("\tpast_end [label=\"past the last instruction\", shape=octagon, color=red];\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func isJump(op uint16) bool {
	switch op &^ srcX {
	case jmpJeq, jmpJgt, jmpJge, jmpJset:
		return true
	}
	return false
}

func retColor(a seccomp.Action) string {
	switch a.Effective().Kind() {
	case seccomp.ActAllow, seccomp.ActLog:
		return "palegreen"
	case seccomp.ActKillProcess, seccomp.ActKillThread:
		return "lightcoral"
	}
	return "khaki"
}

// dotEscape escapes a line for a double-quoted dot label.
func dotEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return r.Replace(s)
}

package analyze

import (
	"fmt"
	"strings"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/cond"
)

// Op is the comparison of a Cond. All comparisons are unsigned.
type Op uint8

// The comparisons.
const (
	OpEq  Op = iota + 1 // ==
	OpNe                // !=
	OpLt                // <
	OpLe                // <=
	OpGt                // >
	OpGe                // >=
	OpOut               // outside the range Value..Value2 (both included)
)

// String returns ==, !=, <, <=, >, >= or "not in".
func (o Op) String() string {
	switch o {
	case OpEq:
		return "=="
	case OpNe:
		return "!="
	case OpLt:
		return "<"
	case OpLe:
		return "<="
	case OpGt:
		return ">"
	case OpGe:
		return ">="
	case OpOut:
		return "not in"
	}
	return fmt.Sprintf("Op(%d)", int(o))
}

// Cond is one condition on the input of a filter, recovered from the
// program: a field of seccomp_data (or a part of it), optionally ANDed with
// Mask, compared with Value. Conditions the program computes with other
// arithmetic are "computed": they have no field, print as "(computed: ...)"
// with the expression, and only Holds can evaluate them.
type Cond struct {
	Field  Field
	Part   Part
	Mask   uint64 // when not 0, the field (or part) is ANDed with Mask first
	Op     Op
	Value  uint64
	Value2 uint64 // the end of the range for OpOut

	comp *catom
}

// Computed reports whether the condition is on a value the program
// computes from the input with arithmetic other than AND with a constant.
func (c Cond) Computed() bool { return c.comp != nil }

// String prints the condition: "arg0 == 8", "arg1 & 0x3 == 0x1",
// "arg2.hi != 0", "nr >= 335", "arg0 not in 10..20", or
// "(computed: arg0.lo + 4 > 7)".
func (c Cond) String() string {
	if c.comp != nil {
		s := c.comp.text()
		if strings.Contains(s, "…") {
			return "(computed)"
		}
		return "(computed: " + s + ")"
	}
	name := c.Field.String()
	switch c.Part {
	case LowHalf:
		name += ".lo"
	case HighHalf:
		name += ".hi"
	}
	if c.Mask != 0 {
		return fmt.Sprintf("%s & %#x %s %#x", name, c.Mask, c.Op, c.Value)
	}
	if c.Op == OpOut {
		return fmt.Sprintf("%s not in %s..%s", name, num(c.Value), num(c.Value2))
	}
	if c.Field == FieldArch && c.Op == OpEq || c.Field == FieldArch && c.Op == OpNe {
		if n, ok := seccomp.AuditArch(c.Value).Name(); ok {
			return fmt.Sprintf("%s %s AUDIT_ARCH_%s", name, c.Op, n)
		}
	}
	return fmt.Sprintf("%s %s %s", name, c.Op, num(c.Value))
}

// Holds evaluates the condition on d.
func (c Cond) Holds(d *seccomp.Data) bool {
	if c.comp != nil {
		w := wordsOf(d)
		return c.comp.holds(&w, map[*node]uint32{})
	}
	v := c.Field.value(d)
	switch c.Part {
	case LowHalf:
		v &= 0xffffffff
	case HighHalf:
		v >>= 32
	}
	if c.Mask != 0 {
		v &= c.Mask
	}
	if c.Op == OpOut {
		return v < c.Value || v > c.Value2
	}
	if int(c.Op) >= len(condOps) {
		return false
	}
	return cond.Compare(condOps[c.Op], v, c.Value, 0)
}

// condOps are the comparisons of package cond, which defines them for
// every package of the module.
var condOps = [...]cond.Op{OpEq: cond.Eq, OpNe: cond.Ne, OpLt: cond.Lt, OpLe: cond.Le, OpGt: cond.Gt, OpGe: cond.Ge, OpOut: 0}

// All reports whether every condition of cs holds on d.
func All(cs []Cond, d *seccomp.Data) bool {
	for _, c := range cs {
		if !c.Holds(d) {
			return false
		}
	}
	return true
}

// Join prints conditions joined with " && ", or "always" for none.
func Join(cs []Cond) string {
	if len(cs) == 0 {
		return "always"
	}
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = c.String()
	}
	return strings.Join(s, " && ")
}

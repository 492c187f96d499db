// Package cond is the one definition of what a condition on a system call
// argument means, and of when a set of conditions can never hold. The
// Filter (package seccomp), package profile and package analyze all use it,
// so that a rule means the same in each.
//
// A Cond compares one argument register with a value. Before it is
// evaluated it is resolved for the arch it is on (Resolve). On a 64-bit
// ABI (x86_64, aarch64, riscv64, and x32, whose system calls pass the full
// 64-bit registers) a condition compares the register, or with Width32 its
// low 32 bits, with Value and Mask cut to 32 bits. On a 32-bit ABI (i386,
// arm) the kernel zero-extends arguments: a condition compares that
// zero-extended value with its 64-bit Value, so a Value of 2^32 or more
// decides it for every argument (arg < 1<<32 always holds, arg == 1<<32
// never does). A resolved condition is what Holds evaluates and what the
// compiler emits code for.
package cond

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
)

// Op is the comparison of a condition. Its values are those of seccomp.Op.
type Op int

// The comparisons; all compare unsigned values.
const (
	Eq       Op = iota + 1 // arg == Value
	Ne                     // arg != Value
	Lt                     // arg < Value
	Le                     // arg <= Value
	Gt                     // arg > Value
	Ge                     // arg >= Value
	MaskedEq               // arg & Mask == Value
	MaskedNe               // arg & Mask != Value
)

var opNames = [...]string{Eq: "==", Ne: "!=", Lt: "<", Le: "<=", Gt: ">", Ge: ">=", MaskedEq: "&==", MaskedNe: "&!="}

// String returns the operator as ==, !=, <, <=, >, >=, &== or &!=.
func (o Op) String() string {
	if o.Valid() {
		return opNames[o]
	}
	return fmt.Sprintf("Op(%d)", int(o))
}

// Valid reports whether o is one of the comparisons.
func (o Op) Valid() bool { return o >= Eq && o <= MaskedNe }

// Masked reports whether o uses a mask.
func (o Op) Masked() bool { return o == MaskedEq || o == MaskedNe }

// Compare evaluates "v op value" (for the masked operators, "v & mask op
// value"): the comparison itself, on whatever width the caller gives.
func Compare(op Op, v, value, mask uint64) bool {
	switch op {
	case Eq:
		return v == value
	case Ne:
		return v != value
	case Lt:
		return v < value
	case Le:
		return v <= value
	case Gt:
		return v > value
	case Ge:
		return v >= value
	case MaskedEq:
		return v&mask == value
	case MaskedNe:
		return v&mask != value
	}
	return false
}

// Cond is a condition on one argument register. With Width32 only the low
// 32 bits of the argument are compared, and Value and Mask are cut to 32
// bits (see Normalize).
type Cond struct {
	Arg     int    // argument index, 0 to 5
	Op      Op     // comparison
	Value   uint64 // operand
	Mask    uint64 // for MaskedEq and MaskedNe
	Width32 bool   // compare only the low 32 bits
}

// String prints the condition, e.g. "arg0 == 0x1", "arg1 & 0x3 == 0x1",
// "arg2.lo32 < 0x10".
func (c Cond) String() string {
	arg := fmt.Sprintf("arg%d", c.Arg)
	if c.Width32 {
		arg += ".lo32"
	}
	switch c.Op {
	case MaskedEq:
		return fmt.Sprintf("%s & %#x == %#x", arg, c.Mask, c.Value)
	case MaskedNe:
		return fmt.Sprintf("%s & %#x != %#x", arg, c.Mask, c.Value)
	}
	return fmt.Sprintf("%s %s %#x", arg, c.Op, c.Value)
}

// Truth is what a condition is on an arch whatever the argument: true for
// some arguments only (Depends), or for all (Always), or for none (Never).
type Truth int

// The truths.
const (
	Depends Truth = iota
	Always
	Never
)

// Resolve returns the condition as it is evaluated on an arch, and whether
// it holds for every argument or for none. abi32 says that the arch's
// arguments are zero-extended 32-bit values (i386, arm): then the
// condition compares the argument's low 32 bits (Width32), and a Value or
// masked Value of 2^32 or more decides it whatever the argument, as the
// 64-bit comparison of a zero-extended value does:
//
//	==, >, >=   never hold
//	!=, <, <=   always hold
//	&==         never holds (the masked argument has no high bits)
//	&!=         always holds
//
// Otherwise the result is Normalize's, and Depends. Width32 conditions
// are always Normalize's: their Value and Mask are cut to 32 bits, on every
// arch.
func (c Cond) Resolve(abi32 bool) (Cond, Truth) {
	if abi32 && !c.Width32 && c.Value > 0xffffffff {
		switch c.Op {
		case Eq, Gt, Ge, MaskedEq:
			return c, Never
		case Ne, Lt, Le, MaskedNe:
			return c, Always
		}
	}
	return c.Normalize(abi32), Depends
}

// Normalize returns the condition as it is evaluated on an arch whose
// conditions are all 32-bit ones when w32 is set: with Width32, Value and
// Mask cut to 32 bits; Mask zero for the operators that do not use it. On
// a 32-bit ABI, Resolve tells the conditions that Normalize would cut
// wrongly.
func (c Cond) Normalize(w32 bool) Cond {
	if w32 {
		c.Width32 = true
	}
	if !c.Op.Masked() {
		c.Mask = 0
	}
	if c.Width32 {
		c.Value &= 0xffffffff
		c.Mask &= 0xffffffff
	}
	return c
}

// Holds evaluates a normalized condition on the argument registers.
func (c Cond) Holds(args *[6]uint64) bool {
	v := args[c.Arg]
	if c.Width32 {
		v &= 0xffffffff
	}
	return Compare(c.Op, v, c.Value, c.Mask)
}

// All reports whether every normalized condition of cs holds on args.
func All(cs []Cond, args *[6]uint64) bool {
	for _, c := range cs {
		if !c.Holds(args) {
			return false
		}
	}
	return true
}

// Subset reports whether every condition of a is also in b: then a holds
// whenever b does.
func Subset(a, b []Cond) bool {
	for _, c := range a {
		found := false
		for _, d := range b {
			if c == d {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Same reports whether a and b hold the same conditions.
func Same(a, b []Cond) bool { return Subset(a, b) && Subset(b, a) }

// Distinct returns the conditions of cs sorted (by argument, operator,
// value, mask, width), each once: the set Subset and Same compare.
func Distinct(cs []Cond) []Cond {
	set := slices.Clone(cs)
	slices.SortFunc(set, compare)
	return slices.Compact(set)
}

func compare(a, b Cond) int {
	if c := cmp.Compare(a.Arg, b.Arg); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Op, b.Op); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Value, b.Value); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Mask, b.Mask); c != 0 {
		return c
	}
	switch {
	case a.Width32 == b.Width32:
		return 0
	case a.Width32:
		return 1
	}
	return -1
}

// Key returns a key of the set of conditions cs: Key(a) == Key(b) exactly
// when Same(a, b). It lets many sets be compared through a map rather
// than pair by pair.
func Key(cs []Cond) string {
	set := Distinct(cs)
	b := make([]byte, 0, len(set)*19)
	for _, c := range set {
		w := byte(0)
		if c.Width32 {
			w = 1
		}
		b = append(b, byte(c.Arg), byte(c.Op), w)
		b = binary.LittleEndian.AppendUint64(b, c.Value)
		b = binary.LittleEndian.AppendUint64(b, c.Mask)
	}
	return string(b)
}

// List prints conditions joined with " && ".
func List(cs []Cond) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = c.String()
	}
	return strings.Join(s, " && ")
}

// Unsatisfiable returns why no argument values satisfy all the normalized
// conditions, or "" when they may be satisfiable. It finds what a range
// analysis per argument can prove; it never reports a satisfiable set.
func Unsatisfiable(conds []Cond) string {
	i, arg, on := unsatisfiable(conds, true)
	switch {
	case i >= 0 && conds[i].Op == MaskedEq:
		return fmt.Sprintf("%s is never true: the value has bits outside the mask", conds[i])
	case i >= 0:
		return conds[i].String() + " is never true"
	case arg >= 0:
		return fmt.Sprintf("the conditions on arg%d contradict each other (%s)", arg, List(on))
	}
	return ""
}

// Contradict reports what Unsatisfiable finds, without saying why: that
// no argument values satisfy all the normalized conditions.
func Contradict(conds []Cond) bool {
	i, arg, _ := unsatisfiable(conds, false)
	return i >= 0 || arg >= 0
}

// Disjoint reports that the range analysis of Unsatisfiable proves that
// no argument values satisfy both a and b, each satisfiable on its own:
// only the arguments both look at (on the same width) can tell.
func Disjoint(a, b []Cond) bool {
	if len(a) == 1 && len(b) == 1 && a[0].Op == Eq && b[0].Op == Eq && a[0].Arg == b[0].Arg && a[0].Width32 == b[0].Width32 {
		return a[0].Value != b[0].Value // the common case, quickly
	}
	var buf [16]Cond
	for _, x := range a {
		shared := false
		for _, y := range b {
			if x.Arg == y.Arg && x.Width32 == y.Width32 {
				shared = true
				break
			}
		}
		if !shared {
			continue
		}
		on := buf[:0]
		for _, c := range a {
			if c.Arg == x.Arg && c.Width32 == x.Width32 {
				on = append(on, c)
			}
		}
		for _, c := range b {
			if c.Arg == x.Arg && c.Width32 == x.Width32 {
				on = append(on, c)
			}
		}
		if Contradict(on) {
			return true
		}
	}
	return false
}

// unsatisfiable returns the index of a condition that holds for no value,
// or the argument whose conditions contradict each other, with them when
// collect is set (-1 for none).
func unsatisfiable(conds []Cond, collect bool) (never, arg int, on []Cond) {
	var keys uint16 // the (argument, width) pairs conds look at
	for _, c := range conds {
		if c.Arg >= 0 && c.Arg < 6 {
			k := 2 * c.Arg
			if c.Width32 {
				k++
			}
			keys |= 1 << k
		}
	}
	for arg := 0; arg < 6; arg++ {
		for _, w32 := range [2]bool{false, true} {
			k := 2 * arg
			if w32 {
				k++
			}
			if keys&(1<<k) == 0 {
				continue
			}
			lo, hi := uint64(0), uint64(1<<64-1)
			if w32 {
				hi = 0xffffffff
			}
			n := 0 // conditions on arg and w32
			for i, c := range conds {
				if c.Arg != arg || c.Width32 != w32 {
					continue
				}
				n++
				switch c.Op {
				case Eq:
					lo, hi = max(lo, c.Value), min(hi, c.Value)
				case Lt:
					if c.Value == 0 {
						return i, -1, nil
					}
					hi = min(hi, c.Value-1)
				case Le:
					hi = min(hi, c.Value)
				case Gt:
					if c.Value == 1<<64-1 || (w32 && c.Value == 0xffffffff) {
						return i, -1, nil
					}
					lo = max(lo, c.Value+1)
				case Ge:
					lo = max(lo, c.Value)
				case MaskedEq:
					if c.Value&^c.Mask != 0 {
						return i, -1, nil
					}
				}
			}
			if n == 0 {
				continue
			}
			contradict := lo > hi
			if !contradict && lo == hi {
				// A single value: every condition must hold for it.
				var args [6]uint64
				args[arg] = lo
				for _, c := range conds {
					if c.Arg == arg && c.Width32 == w32 && !c.Holds(&args) {
						contradict = true
						break
					}
				}
			}
			if contradict && collect {
				for _, c := range conds {
					if c.Arg == arg && c.Width32 == w32 {
						on = append(on, c)
					}
				}
			}
			if contradict {
				return -1, arg, on
			}
		}
	}
	return -1, -1, nil
}

package record

import (
	"fmt"
	"slices"
	"strings"

	"github.com/seccomp-go/seccomp"
)

// Recording is what a Recorder saw: each system call with its count and
// the values of its recorded arguments.
type Recording struct {
	// Calls has one entry per arch and system call number, sorted by arch
	// (in the order of seccomp.Arches) and name; of numbers without a name,
	// the first MaxUnnamedCalls only.
	Calls []Call `json:"calls"`
	// Total is the number of notifications recorded: every call, and
	// again every call that a signal interrupted before the recorder
	// answered and that the target then restarted.
	Total uint64 `json:"total"`
	// Threads is the number of distinct thread ids that made calls
	// (threads and processes, ids reused by the kernel counted once; a
	// thread that execs from another thread than its process's first
	// takes the process's id, and counts twice, as the command's own
	// execve does).
	Threads int `json:"threads"`
	// Errors lists what went wrong while recording (at most 100): a
	// failed answer, a clone3 whose flags could not be read. The calls
	// were recorded and let run all the same.
	Errors []string `json:"errors,omitempty"`
}

// Call is one system call of one arch, as recorded.
type Call struct {
	// Arch is the kernel's name of the arch (x86_64, i386, x32, aarch64,
	// arm, riscv64), "" for an audit arch without a table here.
	Arch string `json:"arch"`
	// AuditArch is seccomp_data.arch of the calls.
	AuditArch seccomp.AuditArch `json:"auditArch"`
	// Nr is seccomp_data.nr (with the x32 bit for x32).
	Nr int32 `json:"nr"`
	// Name is the call's name, "" when the arch's table has no name for
	// the number.
	Name string `json:"name,omitempty"`
	// Count is how many times it was called (notifications).
	Count uint64 `json:"count"`
	// Args are the values recorded for its arguments, by index (memory
	// fields, index -1, first).
	Args []ArgValues `json:"args,omitempty"`
}

// ArgValues are the values one argument of a call had.
type ArgValues struct {
	// Index is the argument register, 0 to 5; -1 for a value read from
	// the target's memory, named by Field.
	Index int `json:"index"`
	// Field names a value read from memory: FieldCloneFlags,
	// FieldCloneExitSignal, or FieldUnread for the calls whose struct
	// could not be read.
	Field string `json:"field,omitempty"`
	// Values are the distinct values seen, ascending, each with how often.
	Values []Value `json:"values"`
	// Dropped counts the calls whose value was not kept, past
	// Options.MaxValues distinct values.
	Dropped uint64 `json:"dropped,omitempty"`
}

// Value is an argument value and how many calls had it.
type Value struct {
	Value uint64 `json:"value"`
	Count uint64 `json:"count"`
}

// Arg returns the values of argument i (0 to 5), or nil if it was not
// recorded.
func (c *Call) Arg(i int) *ArgValues {
	for k := range c.Args {
		if c.Args[k].Index == i && i >= 0 {
			return &c.Args[k]
		}
	}
	return nil
}

// Field returns the values of a field read from memory, or nil.
func (c *Call) Field(name string) *ArgValues {
	for k := range c.Args {
		if c.Args[k].Index < 0 && c.Args[k].Field == name {
			return &c.Args[k]
		}
	}
	return nil
}

// String is "x86_64 openat" (or "x86_64 syscall 1000" without a name).
func (c *Call) String() string {
	name := c.Name
	if name == "" {
		name = fmt.Sprintf("syscall %d", c.Nr)
	}
	arch := c.Arch
	if arch == "" {
		arch = c.AuditArch.String()
	}
	return arch + " " + name
}

// Lookup returns the call named name on arch (a kernel arch name), or
// nil.
func (r *Recording) Lookup(arch, name string) *Call {
	for i := range r.Calls {
		if c := &r.Calls[i]; c.Arch == arch && c.Name == name {
			return c
		}
	}
	return nil
}

// Names returns the names of the calls recorded on arch, sorted.
func (r *Recording) Names(arch string) []string {
	var out []string
	for _, c := range r.Calls {
		if c.Arch == arch && c.Name != "" {
			out = append(out, c.Name)
		}
	}
	slices.Sort(out)
	return out
}

// Arches returns the arches calls were recorded on (kernel names, in the
// order of seccomp.Arches; arches without a table are left out).
func (r *Recording) Arches() []string {
	var out []string
	for _, a := range seccomp.Arches() {
		if slices.ContainsFunc(r.Calls, func(c Call) bool { return c.Arch == a.Name }) {
			out = append(out, a.Name)
		}
	}
	return out
}

// check returns an error for what a Recorder never records, as a
// recording read back from JSON can hold: an argument index other than 0
// to 5, or -1 with a field name; a FieldUnread without a count.
func (r *Recording) check() error {
	for i := range r.Calls {
		c := &r.Calls[i]
		for _, a := range c.Args {
			switch {
			case a.Index < -1 || a.Index > 5:
				return fmt.Errorf("record: %s: argument index %d, not 0 to 5 (or -1 for a field)", c.String(), a.Index)
			case a.Index == -1 && a.Field == "":
				return fmt.Errorf("record: %s: argument index -1 without a field name", c.String())
			case a.Field == FieldUnread && len(a.Values) == 0:
				return fmt.Errorf("record: %s: %s without a count", c.String(), FieldUnread)
			}
		}
	}
	return nil
}

// Merge adds the calls, counts and values of o to r: the recording of
// both runs. Threads adds up (ids are not kept), and so do Errors.
func (r *Recording) Merge(o *Recording) {
	for _, oc := range o.Calls {
		i := slices.IndexFunc(r.Calls, func(c Call) bool { return c.AuditArch == oc.AuditArch && c.Nr == oc.Nr })
		if i < 0 {
			r.Calls = append(r.Calls, cloneCall(oc))
			continue
		}
		c := &r.Calls[i]
		c.Count += oc.Count
		for _, oa := range oc.Args {
			j := slices.IndexFunc(c.Args, func(a ArgValues) bool { return a.Index == oa.Index && a.Field == oa.Field })
			if j < 0 {
				c.Args = append(c.Args, cloneArg(oa))
				continue
			}
			a := &c.Args[j]
			a.Dropped += oa.Dropped
			for _, v := range oa.Values {
				k, found := slices.BinarySearchFunc(a.Values, v.Value, func(x Value, t uint64) int { return cmpUint(x.Value, t) })
				if found {
					a.Values[k].Count += v.Count
				} else {
					a.Values = slices.Insert(a.Values, k, v)
				}
			}
		}
		sortArgs(c.Args)
	}
	r.Total += o.Total
	r.Threads += o.Threads
	r.Errors = append(r.Errors, o.Errors...)
	r.sort()
}

func cloneCall(c Call) Call {
	args := c.Args
	c.Args = nil
	for _, a := range args {
		c.Args = append(c.Args, cloneArg(a))
	}
	return c
}

func cloneArg(a ArgValues) ArgValues {
	a.Values = slices.Clone(a.Values)
	return a
}

func sortArgs(args []ArgValues) {
	slices.SortFunc(args, func(a, b ArgValues) int {
		if a.Index != b.Index {
			return a.Index - b.Index
		}
		return strings.Compare(a.Field, b.Field)
	})
}

// sort orders the calls by arch (seccomp.Arches' order, unknown arches
// last by token), then name, then number.
func (r *Recording) sort() {
	order := map[string]int{}
	for i, a := range seccomp.Arches() {
		order[a.Name] = i
	}
	rank := func(c *Call) int {
		if i, ok := order[c.Arch]; ok && c.Arch != "" {
			return i
		}
		return len(order)
	}
	slices.SortFunc(r.Calls, func(a, b Call) int {
		if x, y := rank(&a), rank(&b); x != y {
			return x - y
		}
		if a.AuditArch != b.AuditArch {
			return cmpUint(uint64(a.AuditArch), uint64(b.AuditArch))
		}
		if (a.Name == "") != (b.Name == "") {
			if a.Name == "" {
				return 1
			}
			return -1
		}
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return int(a.Nr) - int(b.Nr)
	})
}

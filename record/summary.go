package record

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteSummary writes what was recorded and what the profile made of it,
// for people: a line of totals, then a table of the calls (arch when
// several were recorded, name, count, "new" when the profile started from
// a Base that did not allow the call, the recorded argument values, and
// what the profile answers when it does not allow the call), then the
// warnings. withBase says the profile started from a Base (the NEW column
// is shown).
func WriteSummary(w io.Writer, r *Recording, rep *Report, withBase bool) error {
	arches := r.Arches()
	named, newCalls := 0, 0
	for _, c := range rep.Calls {
		named++
		if c.New {
			newCalls++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d calls of %d system calls on %s, by %d threads", r.Total, len(r.Calls), strings.Join(arches, ", "), r.Threads)
	if withBase {
		fmt.Fprintf(&b, "; %d new since the profile started from", newCalls)
	}
	fmt.Fprintf(&b, "; %d entries added\n", rep.Added)
	var table strings.Builder
	tw := tabwriter.NewWriter(&table, 0, 8, 2, ' ', 0)
	var head []string
	if len(arches) > 1 {
		head = append(head, "ARCH")
	}
	head = append(head, "SYSCALL", "COUNT")
	if withBase {
		head = append(head, "NEW")
	}
	head = append(head, "ARGUMENTS", "PROFILE")
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, c := range rep.Calls {
		var row []string
		if len(arches) > 1 {
			row = append(row, c.Arch)
		}
		row = append(row, c.Name, fmt.Sprint(c.Count))
		if withBase {
			row = append(row, map[bool]string{true: "new", false: ""}[c.New])
		}
		row = append(row, formatArgs(&c.Call))
		if c.Allowed {
			row = append(row, "")
		} else {
			row = append(row, c.Action.String())
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()
	// The padding of empty last columns is not kept: no line ends in spaces.
	for line := range strings.Lines(table.String()) {
		b.WriteString(strings.TrimRight(line, " \n"))
		b.WriteByte('\n')
	}
	for _, msg := range rep.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", msg)
	}
	for _, msg := range r.Errors {
		fmt.Fprintf(&b, "recorder error: %s\n", msg)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// formatArgs prints the recorded values of a call: "arg0=0x1,0x2",
// "clone_args.flags=0x50f00".
func formatArgs(c *Call) string {
	var parts []string
	for _, a := range c.Args {
		if a.Field == FieldUnread && len(a.Values) > 0 {
			parts = append(parts, fmt.Sprintf("unread=%d", a.Values[0].Count))
			continue
		}
		name := fmt.Sprintf("arg%d", a.Index)
		if a.Index < 0 {
			name = a.Field
		}
		var vs []string
		for i, v := range a.Values {
			if i == 8 {
				vs = append(vs, fmt.Sprintf("... (%d values)", len(a.Values)))
				break
			}
			vs = append(vs, fmt.Sprintf("%#x", v.Value))
		}
		if a.Dropped > 0 {
			vs = append(vs, fmt.Sprintf("+%d calls with other values", a.Dropped))
		}
		parts = append(parts, name+"="+strings.Join(vs, ","))
	}
	return strings.Join(parts, " ")
}

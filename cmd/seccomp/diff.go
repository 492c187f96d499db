package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/analyze"
)

var diffVerb = &verb{
	name:    "diff",
	summary: "show the system calls two filters decide differently",
	usage: `usage: seccomp diff [-arch NAME] [-json] [-all] [profile flags] A B

Compare what two filters decide, and print, per arch, the system calls (and
the argument conditions) on which their decisions differ: the call, its
number, what A returns, what B returns, and when. Both are analyzed on the
same arches: those either names (x32 with x86_64), or only -arch (a profile
is then compiled for that arch's machine, as with explain). Calls from
arches neither names are compared too ("other arches").

A and B are read as seccomp explain reads its input, at most one of them
from standard input (-).

` + inputUsage + `
More than 8 calls with the same change take one line, which names three
of them; -all lists every one.

Decisions that the kernel carries out alike count as equal: ALLOW and
ALLOW|0x5, ERRNO(4095) and ERRNO(5000), an unknown action and KILL_PROCESS.
Nothing is printed when the filters decide alike on every input.

-json prints one JSON object instead:

  {"differ": true,
   "arches": [{"arch": "x86_64",
     "syscalls": [{"name": "write", "nr": 1, "changes": [CHANGE...],
                   "too_complex": false}, ...],
     "other": [{"lo": 335, "hi": 423, "changes": [CHANGE...],
                "too_complex": false}, ...]}, ...],
   "bad_arch": [{"little_endian": true, "changes": [CHANGE...],
                 "too_complex": false}, ...]}

with CHANGE {"a": "ALLOW", "b": "ERRNO(1)", "when": [[COND...], ...]}
("when" as in explain's JSON; null: on every input). Arches without
differences are listed with empty "syscalls" and "other".

Flags:
  -arch NAME      the arch to compare, and the machine a profile is
                  compiled for
  -json           print JSON (see above)
  -all            list every call of a group of calls with the same change
` + profileFlagsUsage + `
` + archUsage + `
Exit status: 0 the filters decide alike, 3 they differ (or a part was too
complex to compare), 1 an input cannot be read or is not a valid program or
profile, 2 usage error.

Examples:
  seccomp diff old.bpf new.bpf
  seccomp diff default my-profile.json
  seccomp diff -arch aarch64 -json a.bpf b.bpf
`,
}

func init() { diffVerb.run = runDiff }

func runDiff(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	v := diffVerb
	fs := newFlags(v)
	archName := fs.String("arch", "", "")
	asJSON := fs.Bool("json", false, "")
	all := fs.Bool("all", false, "")
	pf := addProfileFlags(fs, false)
	if done, code := parse(v, fs, args, stdout, stderr); done {
		return code
	}
	if msg := pf.visit(fs); msg != "" {
		return usageError(v, stderr, "%s", msg)
	}
	if fs.NArg() != 2 {
		return usageError(v, stderr, "want two operands, A and B, got %d", fs.NArg())
	}
	if fs.Arg(0) == "-" && fs.Arg(1) == "-" {
		return usageError(v, stderr, "A and B cannot both be standard input")
	}
	rd, arch, code, ok := lookReader(v, *archName, pf, stdin, stderr)
	if !ok {
		return code
	}
	a, code := rd.load(fs.Arg(0))
	if a == nil {
		return code
	}
	b, code := rd.load(fs.Arg(1))
	if b == nil {
		return code
	}
	if code, ok := rd.unused(false, a, b); !ok {
		return code
	}
	var opts *analyze.Options
	if arch != nil {
		opts = &analyze.Options{Arches: []*seccomp.Arch{arch}}
	}
	for _, s := range []*source{a, b} {
		if err := seccomp.Verify(s.prog); err != nil {
			return failure(v, stderr, "%s: %v", s.name, err)
		}
	}
	d, err := analyze.Diff(a.prog, b.prog, opts)
	if err != nil {
		return failure(v, stderr, "%v", err)
	}
	if arch != nil {
		// Only the arch asked for (its siblings were analyzed too).
		var keep []*analyze.ArchDiff
		for _, ad := range d.Arches {
			if ad.Arch == arch {
				keep = append(keep, ad)
			}
		}
		d.Arches, d.BadArch = keep, nil
	}
	differ := !d.Empty()
	if *asJSON {
		if c := writeJSON(v, stdout, stderr, diffJSON(d)); c != exitOK {
			return c
		}
	} else if c := write(v, stdout, stderr, diffText(d, *all)); c != exitOK {
		return c
	}
	if differ {
		return exitFindings
	}
	return exitOK
}

// maxListed is the most system calls with the same changes that diff
// lists one by one.
const maxListed = 8

// changesKey is a printed form of changes, to compare them.
func changesKey(cs []analyze.Change, complex bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%t\n", complex)
	for _, c := range cs {
		b.WriteString(c.String() + "\n")
	}
	return b.String()
}

// changeRows prints changes as (a, b, condition) rows, one per
// alternative.
func changeRows(cs []analyze.Change, complex bool) [][3]string {
	var out [][3]string
	if complex {
		out = append(out, [3]string{"?", "?", "too complex to compare"})
	}
	for _, c := range cs {
		if c.When == nil {
			out = append(out, [3]string{c.From.ActionString(), c.To.ActionString(), ""})
			continue
		}
		for _, w := range c.When {
			out = append(out, [3]string{c.From.ActionString(), c.To.ActionString(), "when " + analyze.Join(w)})
		}
	}
	return out
}

// diffText prints d; all lists every call of a group with the same
// changes, however many.
func diffText(d *analyze.DiffReport, all bool) string {
	var b strings.Builder
	first := true
	for _, ad := range d.Arches {
		if len(ad.Syscalls) == 0 && len(ad.Other) == 0 {
			continue
		}
		if !first {
			b.WriteByte('\n')
		}
		first = false
		fmt.Fprintf(&b, "%s\n", archTitle(ad.Arch))
		rows := [][]string{{"SYSCALL", "NR", "A", "B", "CONDITION"}}
		// Calls with the same changes are listed one by one, unless there
		// are many of them: then they take one row.
		groups := map[string][]*analyze.SyscallDiff{}
		for _, sd := range ad.Syscalls {
			k := changesKey(sd.Changes, sd.TooComplex)
			groups[k] = append(groups[k], sd)
		}
		done := map[string]bool{}
		for _, sd := range ad.Syscalls {
			k := changesKey(sd.Changes, sd.TooComplex)
			g := groups[k]
			if len(g) > maxListed && !all {
				if done[k] {
					continue
				}
				done[k] = true
				var names []string
				for _, x := range g {
					names = append(names, x.Name)
				}
				what := strings.Join(names[:3], ", ") + fmt.Sprintf(" and %d more", len(names)-3)
				for j, r := range changeRows(sd.Changes, sd.TooComplex) {
					name := fmt.Sprintf("(%d calls)", len(g))
					cond := what
					if r[2] != "" {
						cond += ", " + r[2]
					}
					if j > 0 {
						name, cond = "", r[2]
					}
					rows = append(rows, []string{name, "", r[0], r[1], cond})
				}
				continue
			}
			for j, r := range changeRows(sd.Changes, sd.TooComplex) {
				name, nr := sd.Name, nrText(uint32(sd.Nr))
				if j > 0 {
					name, nr = "", ""
				}
				rows = append(rows, []string{name, nr, r[0], r[1], r[2]})
			}
		}
		// Numbers outside the table, grouped by changes.
		var keys []string
		rgroups := map[string][]*analyze.RangeDiff{}
		for _, rd := range ad.Other {
			k := changesKey(rd.Changes, rd.TooComplex)
			if rgroups[k] == nil {
				keys = append(keys, k)
			}
			rgroups[k] = append(rgroups[k], rd)
		}
		for _, k := range keys {
			g := rgroups[k]
			var rs []*analyze.Range
			for _, rd := range g {
				rs = append(rs, &analyze.Range{Lo: rd.Lo, Hi: rd.Hi})
			}
			what := "numbers " + rangesText(rs)
			for j, r := range changeRows(g[0].Changes, g[0].TooComplex) {
				name, cond := "(not in table)", what
				if r[2] != "" {
					cond += ", " + r[2]
				}
				if j > 0 {
					name, cond = "", r[2]
				}
				rows = append(rows, []string{name, "", r[0], r[1], cond})
			}
		}
		table(&b, "  ", rows)
	}
	if len(d.BadArch) > 0 {
		if !first {
			b.WriteByte('\n')
		}
		b.WriteString("other arches\n")
		rows := [][]string{{"TOKENS", "A", "B", "CONDITION"}}
		bad := d.BadArch
		same := len(bad) == 2 && changesKey(bad[0].Changes, bad[0].TooComplex) == changesKey(bad[1].Changes, bad[1].TooComplex)
		if same {
			bad = bad[:1]
		}
		for _, rd := range bad {
			order := "big-endian"
			switch {
			case same:
				order = "any"
			case rd.LittleEndian:
				order = "little-endian"
			}
			for j, r := range changeRows(rd.Changes, rd.TooComplex) {
				if j > 0 {
					order = ""
				}
				rows = append(rows, []string{order, r[0], r[1], r[2]})
			}
		}
		table(&b, "  ", rows)
	}
	return b.String()
}

type jsonChange struct {
	A    string     `json:"a"`
	B    string     `json:"b"`
	When [][]string `json:"when"`
}

func changesJSON(cs []analyze.Change) []jsonChange {
	out := []jsonChange{}
	for _, c := range cs {
		out = append(out, jsonChange{A: c.From.ActionString(), B: c.To.ActionString(), When: whenJSON(c.When)})
	}
	return out
}

func diffJSON(d *analyze.DiffReport) any {
	type jsyscall struct {
		Name       string       `json:"name"`
		Nr         uint32       `json:"nr"`
		Changes    []jsonChange `json:"changes"`
		TooComplex bool         `json:"too_complex"`
	}
	type jrange struct {
		Lo         uint32       `json:"lo"`
		Hi         uint32       `json:"hi"`
		Changes    []jsonChange `json:"changes"`
		TooComplex bool         `json:"too_complex"`
	}
	type jarch struct {
		Arch     string     `json:"arch"`
		Syscalls []jsyscall `json:"syscalls"`
		Other    []jrange   `json:"other"`
	}
	type jbad struct {
		LittleEndian bool         `json:"little_endian"`
		Changes      []jsonChange `json:"changes"`
		TooComplex   bool         `json:"too_complex"`
	}
	out := struct {
		Differ  bool    `json:"differ"`
		Arches  []jarch `json:"arches"`
		BadArch []jbad  `json:"bad_arch"`
	}{Differ: !d.Empty(), Arches: []jarch{}, BadArch: []jbad{}}
	for _, ad := range d.Arches {
		ja := jarch{Arch: ad.Arch.Name, Syscalls: []jsyscall{}, Other: []jrange{}}
		for _, sd := range ad.Syscalls {
			ja.Syscalls = append(ja.Syscalls, jsyscall{sd.Name, uint32(sd.Nr), changesJSON(sd.Changes), sd.TooComplex})
		}
		for _, rd := range ad.Other {
			ja.Other = append(ja.Other, jrange{rd.Lo, rd.Hi, changesJSON(rd.Changes), rd.TooComplex})
		}
		out.Arches = append(out.Arches, ja)
	}
	for _, rd := range d.BadArch {
		out.BadArch = append(out.BadArch, jbad{rd.LittleEndian, changesJSON(rd.Changes), rd.TooComplex})
	}
	return out
}

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/analyze"
)

var explainVerb = &verb{
	name:    "explain",
	summary: "say what a filter decides for each system call, from its program",
	usage: `usage: seccomp explain [-arch NAME] [-json] [-dot] [profile flags] PROFILE|FILE

Print what a filter decides, per arch and per system call: ALLOW, ERRNO(1),
KILL_THREAD, ..., or the conditions on the arguments under which it takes
each decision. The decisions are recovered from the program itself, by
running it symbolically for every system call of every arch it checks (see
package github.com/seccomp-go/seccomp/analyze), so they are exact for any
program: one compiled here, libseccomp's export, one written by hand.

` + inputUsage + `
The arches shown are those whose audit arch token the program compares
arch with; x32 comes with x86_64, as both use AUDIT_ARCH_X86_64 (x32 numbers
carry the bit 0x40000000). -arch shows one arch only, analyzing it even if
the program does not name it.

For each arch, the system calls whose decision is not the arch's default
are listed with their number and decision; a decision with conditions
takes one line per alternative, and the last decision of a call prints as
"otherwise". Conditions compare seccomp_data fields: argN (64 bits), ip,
nr, arch, or the halves argN.lo and argN.hi where the program compares
only one half. Comparisons are unsigned; "not in a..b" excludes a range.
Then the default, the numbers the arch's table does not have, and, without
-arch, what calls from any other arch get.

-dot prints the program's control flow as a Graphviz graph instead (see
seccomp dot).

Flags:
  -arch NAME      the arch to show, and the machine a profile is compiled
                  for
  -json           print JSON (see below)
  -dot            print the control flow as a Graphviz graph
` + profileFlagsUsage + `
` + archUsage + `
-json prints one JSON object:

  {"arches": [{"arch": "x86_64", "audit_arch": "AUDIT_ARCH_X86_64",
     "default": [DECISION...],
     "syscalls": [{"name": "write", "nr": 1, "decisions": [DECISION...],
                   "cacheable": false, "too_complex": false}, ...],
     "other": [{"lo": 335, "hi": 423, "decisions": [DECISION...],
                "too_complex": false}, ...]}, ...],
   "bad_arch": [{"little_endian": true, "decisions": [DECISION...],
                 "too_complex": false}, ...],
   "unreachable": [PC, ...]}

with DECISION {"action": "ERRNO(1)", "value": 327681, "when": [[COND...],
...], "otherwise": false}: when lists alternatives of conditions that must
all hold (null: always), COND is a string as printed, value is the 32-bit
return value (null when computed from the input). Every system call of the
table is listed; "default" is null when no decision is shared by two calls;
"bad_arch" has the tokens with the little-endian bit and those without.

Exit status: 0 explained, 1 the input cannot be read or is not a valid
program or profile, 2 usage error.

Examples:
  seccomp explain testdata/cmd/allowlist.bpf
  seccomp explain default
  seccomp explain -arch i386 my-profile.json
  seccomp explain -json filter.bpf | jq '.arches[0].syscalls[] | select(.name == "openat")'
  seccomp explain -dot filter.bpf | dot -Tsvg > filter.svg
`,
}

func init() { explainVerb.run = runExplain }

func runExplain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	v := explainVerb
	fs := newFlags(v)
	archName := fs.String("arch", "", "")
	asJSON := fs.Bool("json", false, "")
	asDot := fs.Bool("dot", false, "")
	pf := addProfileFlags(fs, false)
	if done, code := parse(v, fs, args, stdout, stderr); done {
		return code
	}
	if msg := pf.visit(fs); msg != "" {
		return usageError(v, stderr, "%s", msg)
	}
	if fs.NArg() != 1 {
		return usageError(v, stderr, "want one PROFILE or FILE, got %d operands", fs.NArg())
	}
	if *asJSON && *asDot {
		return usageError(v, stderr, "-json and -dot exclude each other")
	}
	rd, arch, code, ok := lookReader(v, *archName, pf, stdin, stderr)
	if !ok {
		return code
	}
	src, code := rd.loadOnly(fs.Arg(0), false)
	if src == nil {
		return code
	}
	if *asDot {
		return write(v, stdout, stderr, analyze.Dot(src.prog))
	}
	r, err := analyze.Analyze(src.prog, analyzeOptions(src.prog, arch))
	if err != nil {
		return failure(v, stderr, "%s: %v", src.name, err)
	}
	if *asJSON {
		return writeJSON(v, stdout, stderr, explainJSON(r, arch))
	}
	return write(v, stdout, stderr, explainText(r, arch))
}

// analyzeOptions returns the options to analyze p and show arch (nil:
// every arch the program names).
func analyzeOptions(p seccomp.Program, arch *seccomp.Arch) *analyze.Options {
	if arch == nil {
		return nil
	}
	arches := analyze.DetectArches(p)
	for _, a := range arches {
		if a == arch {
			return nil
		}
	}
	return &analyze.Options{Arches: append(arches, arch)}
}

// shown returns the arch reports to show.
func shown(r *analyze.Report, arch *seccomp.Arch) []*analyze.ArchReport {
	if arch == nil {
		return r.Arches
	}
	if a := r.Arch(arch.Name); a != nil {
		return []*analyze.ArchReport{a}
	}
	return nil
}

// write writes s to stdout.
func write(v *verb, stdout, stderr io.Writer, s string) int {
	if _, err := io.WriteString(stdout, s); err != nil {
		return failure(v, stderr, "writing standard output: %v", err)
	}
	return exitOK
}

// writeJSON writes x as indented JSON, with < > & as they are.
func writeJSON(v *verb, stdout, stderr io.Writer, x any) int {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(x); err != nil {
		return failure(v, stderr, "internal error: %v", err)
	}
	return write(v, stdout, stderr, b.String())
}

// table prints rows with aligned columns, two spaces apart, each line
// prefixed with indent; trailing blanks are cut.
func table(b *strings.Builder, indent string, rows [][]string) {
	var width []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], len(c))
		}
	}
	for _, r := range rows {
		var line strings.Builder
		line.WriteString(indent)
		for i, c := range r {
			line.WriteString(c)
			if i < len(r)-1 {
				line.WriteString(strings.Repeat(" ", width[i]-len(c)+2))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
}

// nrText prints a system call number as the disassembler prints
// immediates: decimal below 0x10000, hexadecimal from there on.
func nrText(n uint32) string {
	if n < 0x10000 {
		return fmt.Sprint(n)
	}
	return fmt.Sprintf("%#x", n)
}

// decisionRows prints decisions as (action, condition) rows: one per
// alternative, the last decision of several as "otherwise".
func decisionRows(ds []analyze.Decision) [][2]string {
	var out [][2]string
	for i := range ds {
		d := &ds[i]
		switch {
		case d.Otherwise:
			out = append(out, [2]string{d.ActionString(), "otherwise"})
		case d.When == nil:
			out = append(out, [2]string{d.ActionString(), ""})
		default:
			for _, w := range d.When {
				out = append(out, [2]string{d.ActionString(), "when " + analyze.Join(w)})
			}
		}
	}
	return out
}

// decisionsKey is a printed form of decisions, to compare them.
func decisionsKey(ds []analyze.Decision) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "%s/%t\n", d.String(), d.Otherwise)
	}
	return b.String()
}

// rangesText prints ranges of numbers: "335-423, 472-0x3fffffff", or how
// many there are when they are many.
func rangesText(rs []*analyze.Range) string {
	one := func(r *analyze.Range) string {
		if r.Lo == r.Hi {
			return nrText(r.Lo)
		}
		return nrText(r.Lo) + "-" + nrText(r.Hi)
	}
	if len(rs) > 4 {
		return fmt.Sprintf("in %d ranges from %s to %s", len(rs), nrText(rs[0].Lo), nrText(rs[len(rs)-1].Hi))
	}
	var parts []string
	for _, r := range rs {
		parts = append(parts, one(r))
	}
	return strings.Join(parts, ", ")
}

// archTitle is the heading of an arch's section.
func archTitle(a *seccomp.Arch) string {
	switch a {
	case seccomp.ArchX86_64:
		return fmt.Sprintf("%s (%v, numbers below 0x40000000)", a.Name, a.AuditArch)
	case seccomp.ArchX32:
		return fmt.Sprintf("%s (%v, numbers with the x32 bit 0x40000000)", a.Name, a.AuditArch)
	}
	return fmt.Sprintf("%s (%v)", a.Name, a.AuditArch)
}

func explainText(r *analyze.Report, arch *seccomp.Arch) string {
	var b strings.Builder
	if r.Detected && len(analyze.DetectArches(r.Program())) == 0 {
		fmt.Fprintf(&b, "note: the program compares arch with no known audit arch token: shown as %s\n\n", r.Arches[0].Arch.Name)
	}
	for i, ar := range shown(r, arch) {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s\n", archTitle(ar.Arch))
		rows := [][]string{{"SYSCALL", "NR", "ACTION", "CONDITION"}}
		defKey := decisionsKey(ar.Default)
		others := 0
		for _, sc := range ar.Syscalls {
			if sc.TooComplex {
				rows = append(rows, []string{sc.Name, nrText(uint32(sc.Nr)), "?", "too complex to analyze"})
				continue
			}
			if ar.Default != nil && decisionsKey(sc.Decisions) == defKey {
				others++
				continue
			}
			for j, dr := range decisionRows(sc.Decisions) {
				name, nr := sc.Name, nrText(uint32(sc.Nr))
				if j > 0 {
					name, nr = "", ""
				}
				rows = append(rows, []string{name, nr, dr[0], dr[1]})
			}
		}
		// Numbers outside the table, grouped by decisions.
		var groups [][]*analyze.Range
		var keys []string
		foldDefault := true
		for _, rg := range ar.Other {
			k := decisionsKey(rg.Decisions)
			if rg.TooComplex {
				k = "?"
			}
			if k != defKey || ar.Default == nil {
				foldDefault = false
			}
			found := false
			for g := range keys {
				if keys[g] == k {
					groups[g] = append(groups[g], rg)
					found = true
				}
			}
			if !found {
				keys = append(keys, k)
				groups = append(groups, []*analyze.Range{rg})
			}
		}
		if ar.Default != nil {
			what := fmt.Sprintf("the other %d system calls", others)
			if others == len(ar.Syscalls) {
				what = fmt.Sprintf("all %d system calls", others)
			}
			if foldDefault && len(ar.Other) > 0 {
				what += " and the numbers not in the table"
			}
			for j, dr := range decisionRows(ar.Default) {
				name := "(default)"
				if j > 0 {
					name = ""
				}
				cond := what
				if dr[1] != "" {
					cond = dr[1] + " (" + what + ")"
				}
				rows = append(rows, []string{name, "", dr[0], cond})
			}
		}
		if !foldDefault {
			for g, rs := range groups {
				name, what := "(not in table)", "numbers "+rangesText(rs)
				if keys[g] == "?" {
					rows = append(rows, []string{name, "", "?", what + ": too complex to analyze"})
					continue
				}
				drs := decisionRows(rs[0].Decisions)
				if len(drs) == 1 && drs[0][1] == "" {
					rows = append(rows, []string{name, "", drs[0][0], what})
					continue
				}
				rows = append(rows, []string{name, "", "", what + ":"})
				for _, dr := range drs {
					rows = append(rows, []string{"", "", dr[0], dr[1]})
				}
			}
		}
		table(&b, "  ", rows)
	}
	if arch == nil && len(r.BadArch) > 0 {
		var toks []string
		for _, ar := range r.Arches {
			if t := ar.Arch.AuditArch.String(); !contains(toks, t) {
				toks = append(toks, t)
			}
		}
		b.WriteByte('\n')
		fmt.Fprintf(&b, "other arches (any audit arch token but %s)\n", strings.Join(toks, ", "))
		same := len(r.BadArch) == 2 && decisionsKey(r.BadArch[0].Decisions) == decisionsKey(r.BadArch[1].Decisions) &&
			!r.BadArch[0].TooComplex && !r.BadArch[1].TooComplex
		for i, rg := range r.BadArch {
			if same && i > 0 {
				break
			}
			var rows [][]string
			if !same {
				order := "big-endian tokens"
				if rg.LittleEndian {
					order = "little-endian tokens"
				}
				b.WriteString("  " + order + "\n")
			}
			if rg.TooComplex {
				rows = append(rows, []string{"?", "too complex to analyze"})
			}
			for _, dr := range decisionRows(rg.Decisions) {
				if !rg.TooComplex {
					rows = append(rows, []string{dr[0], dr[1]})
				}
			}
			indent := "  "
			if !same {
				indent = "    "
			}
			table(&b, indent, rows)
		}
	}
	return b.String()
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// The JSON forms.

type jsonDecision struct {
	Action    string     `json:"action"`
	Value     *uint32    `json:"value"`
	When      [][]string `json:"when"`
	Otherwise bool       `json:"otherwise"`
}

func decisionsJSON(ds []analyze.Decision) []jsonDecision {
	out := []jsonDecision{}
	for _, d := range ds {
		j := jsonDecision{Action: d.ActionString(), When: whenJSON(d.When), Otherwise: d.Otherwise}
		if d.Computed == "" {
			v := uint32(d.Action)
			j.Value = &v
		}
		out = append(out, j)
	}
	return out
}

func whenJSON(w [][]analyze.Cond) [][]string {
	if w == nil {
		return nil
	}
	out := [][]string{}
	for _, alt := range w {
		s := []string{}
		for _, c := range alt {
			s = append(s, c.String())
		}
		out = append(out, s)
	}
	return out
}

type jsonSyscall struct {
	Name       string         `json:"name"`
	Nr         uint32         `json:"nr"`
	Decisions  []jsonDecision `json:"decisions"`
	Cacheable  bool           `json:"cacheable"`
	TooComplex bool           `json:"too_complex"`
}

type jsonRange struct {
	Lo         uint32         `json:"lo"`
	Hi         uint32         `json:"hi"`
	Decisions  []jsonDecision `json:"decisions"`
	TooComplex bool           `json:"too_complex"`
}

type jsonArch struct {
	Arch      string         `json:"arch"`
	AuditArch string         `json:"audit_arch"`
	Default   []jsonDecision `json:"default"`
	Syscalls  []jsonSyscall  `json:"syscalls"`
	Other     []jsonRange    `json:"other"`
}

type jsonBadArch struct {
	LittleEndian bool           `json:"little_endian"`
	Decisions    []jsonDecision `json:"decisions"`
	TooComplex   bool           `json:"too_complex"`
}

type jsonExplain struct {
	Arches      []jsonArch    `json:"arches"`
	BadArch     []jsonBadArch `json:"bad_arch"`
	Unreachable []int         `json:"unreachable"`
}

func explainJSON(r *analyze.Report, arch *seccomp.Arch) jsonExplain {
	out := jsonExplain{Arches: []jsonArch{}, BadArch: []jsonBadArch{}, Unreachable: []int{}}
	for _, ar := range shown(r, arch) {
		ja := jsonArch{Arch: ar.Arch.Name, AuditArch: ar.Arch.AuditArch.String(), Syscalls: []jsonSyscall{}, Other: []jsonRange{}}
		if ar.Default != nil {
			ja.Default = decisionsJSON(ar.Default)
		}
		for _, sc := range ar.Syscalls {
			ja.Syscalls = append(ja.Syscalls, jsonSyscall{Name: sc.Name, Nr: uint32(sc.Nr), Decisions: decisionsJSON(sc.Decisions),
				Cacheable: sc.Cacheable, TooComplex: sc.TooComplex})
		}
		for _, rg := range ar.Other {
			ja.Other = append(ja.Other, jsonRange{Lo: rg.Lo, Hi: rg.Hi, Decisions: decisionsJSON(rg.Decisions), TooComplex: rg.TooComplex})
		}
		out.Arches = append(out.Arches, ja)
	}
	if arch == nil {
		for _, rg := range r.BadArch {
			out.BadArch = append(out.BadArch, jsonBadArch{LittleEndian: rg.LittleEndian, Decisions: decisionsJSON(rg.Decisions), TooComplex: rg.TooComplex})
		}
	}
	for _, u := range r.Unreachable {
		out.Unreachable = append(out.Unreachable, u.PC)
	}
	return out
}

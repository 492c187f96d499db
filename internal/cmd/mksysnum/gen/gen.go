// Package gen holds the logic of internal/cmd/mksysnum: it turns the pinned,
// checked-in kernel files under internal/cmd/mksysnum/testdata into the
// syscall tables of package internal/sysnum.
//
// The inputs (see testdata/README.md for where each comes from) are
//
//   - the kernel's own syscall tables of Linux 7.2 (arch/*/…/*.tbl and
//     scripts/syscall.tbl with each generic arch's Makefile.syscalls), and
//     the 31-bit s390 table of Linux 6.12, the newest release here that
//     has that ABI;
//   - uapi headers of Linux 7.2 for the facts that are not in the tables:
//     the ARM-private calls and aliases (arch/arm/include/uapi/asm/unistd.h),
//     the audit arch tokens (include/uapi/linux/audit.h, elf-em.h) and the
//     socketcall and ipc sub-call numbers (include/uapi/linux/net.h, ipc.h);
//   - the release that added each call: libseccomp-kver.txt (from
//     libseccomp's syscalls.csv, which libseccomp computed from the kernel's
//     git history for releases 3.0 to 6.16), since-extra.txt (what that
//     data lacks, each line with its source) and absent.txt (which calls
//     the tables of Linux 6.1 and 6.12 lack, a cross-check computed by
//     "mksysnum -absent" from those releases' trees).
//
// Nothing here touches the network. Generate is a pure function of its
// Inputs, so that a test can regenerate the tables and compare them byte for
// byte with the checked-in files.
package gen

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// X32SyscallBit is the kernel's __X32_SYSCALL_BIT. An x32 task calls the
// x86_64 entry point with this bit set in the syscall number, and seccomp sees
// the number with the bit, so the x32 table stores it that way.
const X32SyscallBit = 0x40000000

// Entry is one syscall: its name as the kernel spells it and its number as
// seccomp sees it (with the numbering's bias).
type Entry struct {
	Nr   int32
	Name string
}

// Inputs are everything Generate reads: testdata-relative path -> contents.
type Inputs struct {
	Files map[string][]byte
}

// File is one generated file.
type File struct {
	Name string
	Data []byte
}

// Output is the result of Generate.
type Output struct {
	Files []File
	Notes []string // things worth knowing that are not errors
}

// ArchTable is one arch's table before the releases are added.
type ArchTable struct {
	Spec    Spec
	Entries []Entry // sorted by number
	Aliases []Alias
	ABIs    []string // the ABI column values taken
}

// Tables builds every arch's table from read, which returns a file by its
// testdata-relative path. Generic arches whose files read cannot supply
// are left out when skipMissingGeneric is set (older kernel trees have no
// scripts/syscall.tbl).
func Tables(read func(string) ([]byte, error), skipMissingGeneric bool) (map[string]*ArchTable, error) {
	rows := map[string][]TblRow{}
	tbl := func(path string) ([]TblRow, error) {
		if r, ok := rows[path]; ok {
			return r, nil
		}
		src, err := read(path)
		if err != nil {
			return nil, err
		}
		r, err := ParseTbl(src)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		rows[path] = r
		return r, nil
	}
	out := map[string]*ArchTable{}
	for _, s := range Specs {
		n := numbering(s.Numbering)
		if n == nil {
			return nil, fmt.Errorf("%s: no numbering %q", s.Name, s.Numbering)
		}
		at := &ArchTable{Spec: s}
		abis := n.ABIs
		if n.Generic {
			def, err1 := read(asmHeadersMake)
			mk, err2 := read(s.MakefileSyscalls)
			if err := errors.Join(err1, err2); err != nil {
				if skipMissingGeneric {
					continue
				}
				return nil, err
			}
			abis = append(SyscallABIs(def, s.WordSize), SyscallABIs(mk, s.WordSize)...)
			if len(abis) < 2 {
				return nil, fmt.Errorf("%s: ABIs %q from %s", s.Name, abis, s.MakefileSyscalls)
			}
		}
		r, err := tbl(n.Tbl)
		if err != nil {
			if n.Generic && skipMissingGeneric {
				continue
			}
			return nil, err
		}
		if len(abis) == 0 {
			for _, row := range r {
				if !containsString(abis, row.ABI) {
					abis = append(abis, row.ABI)
				}
			}
		}
		at.ABIs = abis
		at.Entries = TblEntries(r, n.Bias, abis...)
		if n.Key == "arm" {
			src, err := read(armUnistd)
			if err != nil {
				return nil, err
			}
			priv, aliases, err := ARMPrivate(src)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", armUnistd, err)
			}
			at.Entries = append(at.Entries, priv...)
			at.Aliases = aliases
		}
		if err := sortAndCheck(at.Entries); err != nil {
			return nil, fmt.Errorf("%s: %w", s.Name, err)
		}
		for _, a := range at.Aliases {
			if !slices.ContainsFunc(at.Entries, func(e Entry) bool { return e.Name == a.Of }) {
				return nil, fmt.Errorf("%s: alias %s of %s, which the table lacks", s.Name, a.Name, a.Of)
			}
			if slices.ContainsFunc(at.Entries, func(e Entry) bool { return e.Name == a.Name }) {
				return nil, fmt.Errorf("%s: alias %s is also a table name", s.Name, a.Name)
			}
		}
		out[s.Name] = at
	}
	return out, nil
}

// sortAndCheck sorts es by number and rejects duplicate numbers or names.
func sortAndCheck(es []Entry) error {
	if len(es) == 0 {
		return errors.New("empty table")
	}
	slices.SortStableFunc(es, func(a, b Entry) int { return cmp.Compare(a.Nr, b.Nr) })
	var errs []error
	seen := make(map[string]int32, len(es))
	for i, e := range es {
		if i > 0 && es[i-1].Nr == e.Nr {
			errs = append(errs, fmt.Errorf("number %d is both %s and %s", e.Nr, es[i-1].Name, e.Name))
		}
		if nr, ok := seen[e.Name]; ok {
			errs = append(errs, fmt.Errorf("name %s is both %d and %d", e.Name, nr, e.Nr))
		}
		seen[e.Name] = e.Nr
	}
	return errors.Join(errs...)
}

// s390Additions reads testdata/s390-additions.txt: "<nr> <name>" lines, the
// calls that Linux 6.13 to 6.18 added to the 31-bit s390 table.
func s390Additions(src []byte) ([]Entry, error) {
	var out []Entry
	for i, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var e Entry
		if _, err := fmt.Sscanf(line, "%d %s", &e.Nr, &e.Name); err != nil || !kernelName.MatchString(e.Name) {
			return nil, fmt.Errorf("line %d: want <nr> <name>, got %q", i+1, line)
		}
		out = append(out, e)
	}
	return out, nil
}

// Generate builds the table files from in.
func Generate(in Inputs) (*Output, error) {
	read := func(p string) ([]byte, error) {
		b, ok := in.Files[p]
		if !ok {
			return nil, fmt.Errorf("input %s missing", p)
		}
		return b, nil
	}
	tables, err := Tables(read, false)
	if err != nil {
		return nil, err
	}
	out := &Output{}

	// s390: add what 6.13 to 6.18 gave it; the numbers must be s390x's.
	addSrc, err := read(s390AdditionsTxt)
	if err != nil {
		return nil, err
	}
	adds, err := s390Additions(addSrc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s390AdditionsTxt, err)
	}
	for _, a := range adds {
		if nr, ok := number(tables["s390x"].Entries, a.Name); !ok || nr != a.Nr {
			return nil, fmt.Errorf("%s: %s %d is %d (%t) on s390x", s390AdditionsTxt, a.Name, a.Nr, nr, ok)
		}
		if _, ok := number(tables["s390"].Entries, a.Name); ok {
			return nil, fmt.Errorf("%s: the 6.12 s390 table already has %s", s390AdditionsTxt, a.Name)
		}
	}
	tables["s390"].Entries = append(tables["s390"].Entries, adds...)
	if err := sortAndCheck(tables["s390"].Entries); err != nil {
		return nil, fmt.Errorf("s390: %w", err)
	}

	audit, err := readAudit(read)
	if err != nil {
		return nil, err
	}
	netSrc, err1 := read(netH)
	ipcSrc, err2 := read(ipcH)
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	sock, err := SocketcallCalls(netSrc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", netH, err)
	}
	ipc, err := IPCCalls(ipcSrc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ipcH, err)
	}

	since, notes, err := Since(tables, read)
	if err != nil {
		return nil, err
	}
	out.Notes = append(out.Notes, notes...)

	// One file per numbering; the generic one holds rows for every generic
	// arch.
	for _, n := range Numberings {
		var users []*ArchTable
		for _, s := range Specs {
			if s.Numbering == n.Key {
				users = append(users, tables[s.Name])
			}
		}
		var data []byte
		if n.Generic {
			data, err = renderGeneric(n, read, users, since)
		} else {
			data, err = renderNumbering(n, users, since)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n.Key, err)
		}
		out.Files = append(out.Files, File{Name: "zsysnum_" + n.Key + "_table.go", Data: data})
	}
	data, err := renderArches(tables, audit, since)
	if err != nil {
		return nil, err
	}
	out.Files = append(out.Files, File{Name: "zsysnum_arches_table.go", Data: data})
	data, err = renderMultiplex(sock, ipc, tables)
	if err != nil {
		return nil, err
	}
	out.Files = append(out.Files, File{Name: "zsysnum_multiplex_table.go", Data: data})
	sort.Slice(out.Files, func(i, j int) bool { return out.Files[i].Name < out.Files[j].Name })
	return out, nil
}

func number(es []Entry, name string) (int32, bool) {
	for _, e := range es {
		if e.Name == name {
			return e.Nr, true
		}
	}
	return 0, false
}

func readAudit(read func(string) ([]byte, error)) (map[string]uint32, error) {
	a, err1 := read(auditH)
	e, err2 := read(elfEmH)
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	return AuditArches(a, e)
}

// Since returns, for every arch, the release that added each call of its
// table (aliases excepted: they share their call's).
//
// The method, in order of precedence:
//  1. since-extra.txt lines for that arch;
//  2. for an arch that does not use the generic table: libseccomp's
//     kernel version for that arch and call (libseccomp-kver.txt), whose
//     number must be ours; SCMP_KV_UNDEF (numbers never implemented, and
//     ARM's breakpoint) counts as Floor;
//  3. since-extra.txt lines for every arch ("*");
//  4. for a generic arch: the oldest release libseccomp gives the call on
//     any non-generic arch (the release the call entered Linux), because
//     libseccomp's own columns for aarch64, riscv64 and loongarch64 say
//     3.0 for every call;
//
// then never older than the arch's Birth. The result must agree with
// absent.txt: a call the arch's table at release R lacks was added after R,
// a call it has was added at R or before.
func Since(tables map[string]*ArchTable, read func(string) ([]byte, error)) (map[string]map[string]Release, []string, error) {
	lscSrc, err1 := read(libseccompKver)
	exSrc, err2 := read(sinceExtra)
	abSrc, err3 := read(absentFile)
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, nil, err
	}
	lsc, err := ParseLibseccompKver(lscSrc)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", libseccompKver, err)
	}
	extras, err := ParseSinceExtra(exSrc)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", sinceExtra, err)
	}
	absent, err := ParseAbsent(abSrc)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", absentFile, err)
	}
	extra := func(arch, name string) (Release, bool) {
		for _, e := range extras {
			if e.Arch == arch && e.Name == name {
				return e.Since, true
			}
		}
		return Release{}, false
	}
	backported := func(arch, name string) bool {
		for _, e := range extras {
			if (e.Arch == arch || e.Arch == "*") && e.Name == name && e.Backported {
				return true
			}
		}
		return false
	}
	generic := map[string]bool{}
	for _, s := range Specs {
		if numbering(s.Numbering).Generic {
			generic[s.Libseccomp] = true
		}
	}
	// firstAnywhere is the oldest release libseccomp gives name on a
	// non-generic arch; a name every arch has only as SCMP_KV_UNDEF (never
	// implemented) is Floor.
	firstAnywhere := func(name string) (Release, bool) {
		var best Release
		found, undef := false, false
		for col, m := range lsc {
			if generic[col] {
				continue
			}
			k, ok := m[name]
			if !ok {
				continue
			}
			if k.Since == (Release{}) {
				undef = true
				continue
			}
			if !found || k.Since.Less(best) {
				best, found = k.Since, true
			}
		}
		if !found && undef {
			return Floor, true
		}
		return best, found
	}

	var errs []error
	var notes []string
	out := map[string]map[string]Release{}
	for _, s := range Specs {
		t := tables[s.Name]
		n := numbering(s.Numbering)
		birth, err := ParseRelease(s.Birth)
		if err != nil {
			return nil, nil, err
		}
		m := map[string]Release{}
		for _, e := range t.Entries {
			r, ok := extra(s.Name, e.Name)
			if !ok && !n.Generic {
				if k, has := lsc[s.Libseccomp][e.Name]; has {
					if want := unbias(e.Nr, n.Bias); k.Nr != want {
						errs = append(errs, fmt.Errorf("%s: %s is %d in libseccomp's table, %d in the kernel's", s.Name, e.Name, k.Nr, want))
					}
					r, ok = k.Since, true
					if r == (Release{}) {
						r = Floor
					}
				}
			}
			if !ok {
				r, ok = extra("*", e.Name)
			}
			if !ok && n.Generic {
				r, ok = firstAnywhere(e.Name)
			}
			if !ok {
				errs = append(errs, fmt.Errorf("%s: no release known for %s (%d)", s.Name, e.Name, e.Nr))
				continue
			}
			m[e.Name] = maxRelease(r, birth)
		}
		if n.Generic {
			// The generic numbering below the unified range (403 on) was
			// allocated in ascending order, so no call is older than one
			// numbered before it; the arch-private range 244-259 is apart.
			var floor Release
			for _, e := range t.Entries {
				if e.Nr >= 403 || e.Nr >= 244 && e.Nr <= 259 {
					continue
				}
				r, ok := m[e.Name]
				if !ok {
					continue
				}
				if _, fixed := extra(s.Name, e.Name); !fixed && r.Less(floor) {
					notes = append(notes, fmt.Sprintf("%s: %s (%d) dated %s, raised to %s, the release of a lower number", s.Name, e.Name, e.Nr, r, floor))
					m[e.Name] = floor
					continue
				}
				floor = maxRelease(floor, r)
			}
		}
		// Cross-check with the older tables.
		for rel, perArch := range absent {
			lacks, ok := perArch[s.Name]
			if !ok {
				continue
			}
			for _, e := range t.Entries {
				r, ok := m[e.Name]
				if !ok {
					continue
				}
				switch {
				case lacks[e.Name] && !rel.Less(r):
					errs = append(errs, fmt.Errorf("%s: %s is dated %s, but the %s table lacks it", s.Name, e.Name, r, rel))
				case !lacks[e.Name] && rel.Less(r) && !backported(s.Name, e.Name):
					errs = append(errs, fmt.Errorf("%s: %s is dated %s, but the %s table has it", s.Name, e.Name, r, rel))
				}
			}
			for name := range lacks {
				if _, ok := m[name]; !ok {
					errs = append(errs, fmt.Errorf("%s: %s lists %s as absent in %s, but the table lacks it", absentFile, s.Name, name, rel))
				}
			}
		}
		out[s.Name] = m
	}
	for _, e := range extras {
		if e.Arch == "*" {
			continue
		}
		if _, ok := tables[e.Arch]; !ok {
			errs = append(errs, fmt.Errorf("%s: unknown arch %q", sinceExtra, e.Arch))
		} else if _, ok := out[e.Arch][e.Name]; !ok {
			errs = append(errs, fmt.Errorf("%s: %s has no call %s", sinceExtra, e.Arch, e.Name))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	return out, notes, nil
}

func unbias(nr, bias int32) int32 {
	if bias == X32SyscallBit {
		return nr &^ X32SyscallBit
	}
	return nr - bias
}

// header is the first line of every generated file.
func header(source string) string {
	return fmt.Sprintf("// Code generated by internal/cmd/mksysnum from %s; DO NOT EDIT.\n\npackage sysnum\n\n", source)
}

func tblSource(n *Numbering, abis []string) string {
	return fmt.Sprintf("Linux %s %s (ABIs %s)", n.Release, strings.TrimPrefix(strings.TrimPrefix(n.Tbl, linux72), linux612), strings.Join(abis, ","))
}

func goNr(nr, bias int32) string {
	switch {
	case bias == X32SyscallBit && nr == X32SyscallBit:
		return "x32Bit"
	case bias == X32SyscallBit:
		return fmt.Sprintf("x32Bit + %d", nr&^X32SyscallBit)
	}
	return fmt.Sprint(nr)
}

func goRel(r Release) string { return fmt.Sprintf("Release{%d, %d}", r.Major, r.Minor) }

// renderNumbering writes the entries of a non-generic numbering. Every arch
// using it must have the same entries and releases.
func renderNumbering(n Numbering, users []*ArchTable, since map[string]map[string]Release) ([]byte, error) {
	if len(users) == 0 {
		return nil, errors.New("no arch uses it")
	}
	first := users[0]
	for _, u := range users[1:] {
		if !slices.Equal(u.Entries, first.Entries) {
			return nil, fmt.Errorf("%s and %s differ", first.Spec.Name, u.Spec.Name)
		}
		for k, v := range since[first.Spec.Name] {
			if since[u.Spec.Name][k] != v {
				return nil, fmt.Errorf("%s and %s date %s differently", first.Spec.Name, u.Spec.Name, k)
			}
		}
	}
	var b bytes.Buffer
	src := tblSource(&n, first.ABIs)
	if n.Key == "arm" {
		src += " and arch/arm/include/uapi/asm/unistd.h"
	}
	if n.Key == "s390" {
		src += " and testdata/" + s390AdditionsTxt
	}
	b.WriteString(header(src))
	if n.Bias == X32SyscallBit {
		b.WriteString("// x32Bit is the kernel's __X32_SYSCALL_BIT, which every x32 syscall\n// number carries as seccomp sees it.\nconst x32Bit = 0x40000000\n\n")
	}
	var names []string
	for _, u := range users {
		names = append(names, u.Spec.Name)
	}
	es := first.Entries
	fmt.Fprintf(&b, "// %sEntries is the numbering of %s: %d calls, numbered %s to %s,\n// each with the release that added it.\n",
		n.Key, strings.Join(names, " and "), len(es), goNr(es[0].Nr, n.Bias), goNr(es[len(es)-1].Nr, n.Bias))
	fmt.Fprintf(&b, "var %sEntries = []entry{\n", n.Key)
	for _, e := range es {
		fmt.Fprintf(&b, "{%s, %q, %s},\n", goNr(e.Nr, n.Bias), e.Name, goRel(since[first.Spec.Name][e.Name]))
	}
	b.WriteString("}\n")
	if len(first.Aliases) > 0 {
		fmt.Fprintf(&b, "\n// %sAliases are second names for calls of %sEntries, from the uapi header.\n", n.Key, n.Key)
		fmt.Fprintf(&b, "var %sAliases = []alias{\n", n.Key)
		for _, a := range first.Aliases {
			fmt.Fprintf(&b, "{%q, %q},\n", a.Name, a.Of)
		}
		b.WriteString("}\n")
	}
	return format.Source(b.Bytes())
}

// renderGeneric writes scripts/syscall.tbl's rows once, each with its ABI
// and the release it entered Linux; each generic arch picks its rows by ABI
// (see renderArches), and the few calls whose release differs on an arch
// are listed there.
func renderGeneric(n Numbering, read func(string) ([]byte, error), users []*ArchTable, since map[string]map[string]Release) ([]byte, error) {
	src, err := read(n.Tbl)
	if err != nil {
		return nil, err
	}
	rows, err := ParseTbl(src)
	if err != nil {
		return nil, err
	}
	// The release of a row: the oldest any generic arch gives it, before
	// the arch's birth is applied (recomputed as the minimum over users,
	// which is exact for a call every user has from its birth on).
	rel := map[string]Release{}
	for _, u := range users {
		for name, r := range since[u.Spec.Name] {
			if old, ok := rel[name]; !ok || r.Less(old) {
				rel[name] = r
			}
		}
	}
	var b bytes.Buffer
	b.WriteString(header(fmt.Sprintf("Linux %s %s", n.Release, strings.TrimPrefix(n.Tbl, linux72))))
	b.WriteString("// genericRows are the rows of the kernel's scripts/syscall.tbl, the\n// numbering of the asm-generic arches (aarch64, riscv64, loongarch64),\n// each with its ABI column and the release that added it to Linux; a\n// generic arch takes the rows whose ABI is in its list.\n")
	b.WriteString("var genericRows = []genericRow{\n")
	used := 0
	for _, r := range rows {
		rr, ok := rel[r.Name]
		if !ok {
			// A row no generic arch of ours takes (arc, csky, time32, ...).
			rr = Release{}
		} else {
			used++
		}
		fmt.Fprintf(&b, "{%d, %q, %q, %s},\n", r.Nr, r.Name, r.ABI, goRel(rr))
	}
	b.WriteString("}\n")
	if used == 0 {
		return nil, errors.New("no row used")
	}
	return format.Source(b.Bytes())
}

func genericRel(users []*ArchTable, since map[string]map[string]Release, name string) Release {
	var best Release
	found := false
	for _, u := range users {
		if r, ok := since[u.Spec.Name][name]; ok && (!found || r.Less(best)) {
			best, found = r, true
		}
	}
	return best
}

func renderArches(tables map[string]*ArchTable, audit map[string]uint32, since map[string]map[string]Release) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(header("internal/cmd/mksysnum/gen/arches.go, Linux 7.2 include/uapi/linux/audit.h and the tables"))
	var genericUsers []*ArchTable
	for _, s := range Specs {
		if numbering(s.Numbering).Generic {
			genericUsers = append(genericUsers, tables[s.Name])
		}
	}
	for _, s := range Specs {
		t := tables[s.Name]
		n := numbering(s.Numbering)
		av, ok := audit[s.Audit]
		if !ok {
			return nil, fmt.Errorf("%s: no %s in audit.h", s.Name, s.Audit)
		}
		mux := func(name string) int32 {
			if nr, ok := number(t.Entries, name); ok {
				return nr
			}
			return -1
		}
		order := "binary.LittleEndian"
		if s.BigEndian {
			order = "binary.BigEndian"
		}
		es := t.Entries
		src := tblSource(n, t.ABIs)
		if n.Key == "s390" {
			src += " with the calls Linux 6.13 to 6.18 added"
		}
		fmt.Fprintf(&b, "// %s is the syscall table of %s.\n", s.Ident, s.Doc)
		fmt.Fprintf(&b, "// It has %d syscalls, numbered %s to %s, from %s.\n", len(es), goNr(es[0].Nr, n.Bias), goNr(es[len(es)-1].Nr, n.Bias), src)
		fmt.Fprintf(&b, "var %s = &Table{\n", s.Ident)
		fmt.Fprintf(&b, "arch: %q,\nscmp: %q,\ngoarch: %q,\nauditName: %q,\nauditArch: %#08x,\norder: %s,\nwordSize: %d,\nbias: %#x,\nsocketcall: %d,\nipc: %d,\nsource: %q,\n",
			s.Name, s.SCMP, s.GOARCH, s.Audit, av, order, s.WordSize, n.Bias, mux("socketcall"), mux("ipc"), src)
		if n.Generic {
			birth, _ := ParseRelease(s.Birth)
			fmt.Fprintf(&b, "entries: genericEntries(%s, []string{", goRel(birth))
			for i, a := range t.ABIs {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "%q", a)
			}
			b.WriteString("}, map[string]Release{")
			var names []string
			for name, r := range since[s.Name] {
				if maxRelease(genericRel(genericUsers, since, name), birth) != r {
					names = append(names, name)
				}
			}
			sort.Strings(names)
			for _, name := range names {
				fmt.Fprintf(&b, "\n%q: %s,", name, goRel(since[s.Name][name]))
			}
			if len(names) > 0 {
				b.WriteString("\n")
			}
			b.WriteString("}),\n")
		} else {
			fmt.Fprintf(&b, "entries: %sEntries,\n", n.Key)
			if len(t.Aliases) > 0 {
				fmt.Fprintf(&b, "aliases: %sAliases,\n", n.Key)
			}
		}
		b.WriteString("}\n\n")
	}
	b.WriteString("// all lists every table in the order All returns them.\nvar all = []*Table{")
	for i, s := range Specs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s.Ident)
	}
	b.WriteString("}\n")
	src := b.String()
	src = strings.Replace(src, "package sysnum\n\n", "package sysnum\n\nimport \"encoding/binary\"\n\n", 1)
	return format.Source([]byte(src))
}

func renderMultiplex(sock, ipc []SubCall, tables map[string]*ArchTable) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(header("Linux 7.2 include/uapi/linux/net.h and include/uapi/linux/ipc.h"))
	b.WriteString("// socketcallCalls are the first arguments of socketcall(2) (SYS_SOCKET\n// ... of net.h), each with the call it stands for.\nvar socketcallCalls = []SubCall{\n")
	for _, c := range sock {
		fmt.Fprintf(&b, "{%d, %q},\n", c.Call, c.Name)
	}
	b.WriteString("}\n\n// ipcCalls are the SysV IPC calls of ipc(2) (SEMOP ... of ipc.h): the\n// low 16 bits of its first argument; the high 16 bits carry a version.\nvar ipcCalls = []SubCall{\n")
	for _, c := range ipc {
		fmt.Fprintf(&b, "{%d, %q},\n", c.Call, c.Name)
	}
	b.WriteString("}\n")
	// Every multiplexed name should be a syscall on some arch (send and recv
	// are not everywhere, but are on some).
	for _, c := range append(slices.Clone(sock), ipc...) {
		found := false
		for _, t := range tables {
			if _, ok := number(t.Entries, c.Name); ok {
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("multiplexed call %s (%d) is no table's syscall", c.Name, c.Call)
		}
	}
	return format.Source(b.Bytes())
}

// ModuleRoot returns the directory of the main module's go.mod, as seen from
// the current directory.
func ModuleRoot() (string, error) {
	cmd := exec.Command("go", "env", "GOMOD")
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOWORK=off")
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside a Go module")
	}
	return filepath.Dir(gomod), nil
}

// TestdataDir returns internal/cmd/mksysnum/testdata of the module at root.
func TestdataDir(root string) string {
	return filepath.Join(root, "internal", "cmd", "mksysnum", "testdata")
}

// LoadInputs reads every input file from the testdata directory dir.
func LoadInputs(dir string) (Inputs, error) {
	in := Inputs{Files: map[string][]byte{}}
	for _, p := range InputFiles() {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			return in, err
		}
		in.Files[p] = b
	}
	return in, nil
}

// WriteFiles writes files into dir.
func WriteFiles(dir string, files []File) error {
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

package gen

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Release is a kernel release, major.minor.
type Release struct{ Major, Minor int }

func (r Release) String() string { return fmt.Sprintf("%d.%d", r.Major, r.Minor) }

// Less reports whether r is older than o.
func (r Release) Less(o Release) bool {
	return r.Major < o.Major || r.Major == o.Major && r.Minor < o.Minor
}

func maxRelease(a, b Release) Release {
	if a.Less(b) {
		return b
	}
	return a
}

// ParseRelease parses "6.12" (also libseccomp's "SCMP_KV_6_12" and "6_12").
func ParseRelease(s string) (Release, error) {
	t := strings.TrimPrefix(s, "SCMP_KV_")
	t = strings.ReplaceAll(t, "_", ".")
	maj, min, ok := strings.Cut(t, ".")
	a, err1 := strconv.Atoi(maj)
	b, err2 := strconv.Atoi(min)
	if !ok || err1 != nil || err2 != nil || a < 2 || a > 99 || b < 0 || b > 99 {
		return Release{}, fmt.Errorf("bad kernel release %q", s)
	}
	return Release{a, b}, nil
}

// Floor is the oldest release the data tells apart: libseccomp's versions
// start at 3.0, so 3.0 means "3.0 or earlier".
var Floor = Release{3, 0}

// LibseccompKver is one (arch column, name) of libseccomp's syscalls.csv.
type LibseccompKver struct {
	Nr    int32   // number without bias, as libseccomp writes it
	Since Release // zero if libseccomp says SCMP_KV_UNDEF
}

// ParseLibseccompKver parses testdata/libseccomp-kver.txt: lines of
// "<name> <column>=<nr>@<release|undef> ...". It returns column -> name ->
// entry.
func ParseLibseccompKver(src []byte) (map[string]map[string]LibseccompKver, error) {
	out := map[string]map[string]LibseccompKver{}
	for i, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		name := f[0]
		if !kernelName.MatchString(name) {
			return nil, fmt.Errorf("line %d: odd name %q", i+1, name)
		}
		for _, cell := range f[1:] {
			col, rest, ok1 := strings.Cut(cell, "=")
			nrs, rel, ok2 := strings.Cut(rest, "@")
			nr, err := strconv.ParseInt(nrs, 10, 32)
			if !ok1 || !ok2 || err != nil {
				return nil, fmt.Errorf("line %d: bad cell %q", i+1, cell)
			}
			k := LibseccompKver{Nr: int32(nr)}
			if rel != "undef" {
				if k.Since, err = ParseRelease(rel); err != nil {
					return nil, fmt.Errorf("line %d: %w", i+1, err)
				}
			}
			if out[col] == nil {
				out[col] = map[string]LibseccompKver{}
			}
			out[col][name] = k
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no data")
	}
	return out, nil
}

// ConvertLibseccompCSV turns libseccomp's src/syscalls.csv (with its
// per-arch kernel-version columns) into the compact form of
// testdata/libseccomp-kver.txt: numbers and releases only.
func ConvertLibseccompCSV(csv []byte, header string) ([]byte, error) {
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "#syscall") {
		return nil, fmt.Errorf("not a libseccomp syscalls.csv")
	}
	hdr := strings.Split(lines[0], ",")
	var b strings.Builder
	b.WriteString(header)
	for _, l := range lines[1:] {
		c := strings.Split(l, ",")
		if len(c) != len(hdr) {
			return nil, fmt.Errorf("%q: %d columns, header has %d", l, len(c), len(hdr))
		}
		var cells []string
		for i := 1; i+1 < len(c); i += 2 {
			if c[i] == "PNR" {
				continue
			}
			rel := "undef"
			if c[i+1] != "SCMP_KV_UNDEF" {
				r, err := ParseRelease(c[i+1])
				if err != nil {
					return nil, err
				}
				rel = r.String()
			}
			cells = append(cells, fmt.Sprintf("%s=%s@%s", hdr[i], c[i], rel))
		}
		if len(cells) > 0 {
			fmt.Fprintf(&b, "%s %s\n", c[0], strings.Join(cells, " "))
		}
	}
	return []byte(b.String()), nil
}

// ExtraSince is one line of testdata/since-extra.txt.
type ExtraSince struct {
	Arch  string // a Spec name, or "*" for every arch
	Name  string
	Since Release
	// Backported marks a call that stable updates brought to older
	// releases: absent.txt's trees (late stable releases) have it although
	// the release named here added it. Its source column starts with
	// "backported".
	Backported bool
}

// ParseSinceExtra parses "<arch|*> <name> <release> [source ...]" lines.
func ParseSinceExtra(src []byte) ([]ExtraSince, error) {
	var out []ExtraSince
	for i, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 {
			return nil, fmt.Errorf("line %d: want <arch> <name> <release> [source]", i+1)
		}
		r, err := ParseRelease(f[2])
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		out = append(out, ExtraSince{Arch: f[0], Name: f[1], Since: r, Backported: len(f) > 3 && f[3] == "backported"})
	}
	return out, nil
}

// Absent is testdata/absent.txt: release -> arch -> names of the arch's
// pinned table that its table at that release lacks.
type Absent map[Release]map[string]map[string]bool

// ParseAbsent parses "<release> <arch> [names ...]" lines. An arch without a
// line for a release is not checked against it.
func ParseAbsent(src []byte) (Absent, error) {
	out := Absent{}
	for i, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			return nil, fmt.Errorf("line %d: want <release> <arch> and names", i+1)
		}
		r, err := ParseRelease(f[0])
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		if out[r] == nil {
			out[r] = map[string]map[string]bool{}
		}
		set := map[string]bool{}
		for _, n := range f[2:] {
			set[n] = true
		}
		out[r][f[1]] = set
	}
	return out, nil
}

// FormatAbsent writes the absent.txt lines for one release.
func FormatAbsent(r Release, perArch map[string][]string) string {
	var b strings.Builder
	for _, s := range Specs {
		names, ok := perArch[s.Name]
		if !ok {
			continue
		}
		sort.Strings(names)
		fmt.Fprintf(&b, "%s %s", r, s.Name)
		for _, n := range names {
			b.WriteString(" " + n)
		}
		b.WriteString("\n")
	}
	return b.String()
}

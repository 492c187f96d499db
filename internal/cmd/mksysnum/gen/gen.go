// Package gen holds the logic of internal/cmd/mksysnum: it turns pinned,
// local inputs into the syscall tables of package internal/sysnum.
//
// The inputs are
//
//   - golang.org/x/sys/unix's zsysnum_linux_{amd64,386,arm64,arm,riscv64}.go
//     from the module cache, at the version go.mod pins, for x86_64, i386,
//     aarch64, arm and riscv64;
//   - the kernel's arch/x86/entry/syscalls/syscall_64.tbl, checked in verbatim
//     as internal/cmd/mksysnum/testdata/syscall_64.tbl, for x32 (x/sys has no
//     x32 table), and as an independent cross-check of the x86_64 numbers.
//
// Nothing here touches the network: x/sys is located with
// "go list -m" under GOPROXY=off.
//
// Generate is a pure function of its Inputs, so that a test can regenerate
// the tables and compare them byte for byte with the checked-in files.
package gen

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The checked-in syscall_64.tbl.
//
// It is torvalds/linux arch/x86/entry/syscalls/syscall_64.tbl at commit
// 7237cb3e1544718a972b732e66ebcf0f63b128a5, whose top-level Makefile reads
// VERSION 6, PATCHLEVEL 11, EXTRAVERSION -rc3. Its newest rows are
// 335 uretprobe (new in v6.11) and 462 mseal (v6.10). It has neither
// 336 uprobe nor any of 463-471 (setxattrat, getxattrat, listxattrat,
// removexattrat, open_tree_attr, file_getattr, file_setattr, listns,
// rseq_slice_yield), which later kernels added; those syscalls therefore have
// no x32 number in the generated tables. It is the newest version of the file
// that could be fetched when the table was pinned (without internet access,
// through a read-only mirror of public repositories).
//
// To move to a newer kernel, replace the file verbatim, then update these
// constants and run "go generate ./internal/sysnum".
const (
	Syscall64TblKernel = "Linux v6.11-rc3"
	Syscall64TblCommit = "7237cb3e1544718a972b732e66ebcf0f63b128a5"
	Syscall64TblSHA256 = "980ce3115028c71c5618e7864d262017bde8103bcfe7b413147a14fd312c92ac"
	Syscall64TblPath   = "arch/x86/entry/syscalls/syscall_64.tbl"
)

// X32SyscallBit is the kernel's __X32_SYSCALL_BIT. An x32 task calls the
// x86_64 entry point with this bit set in the syscall number, and seccomp sees
// the number with the bit, so the x32 table stores it that way.
const X32SyscallBit = 0x40000000

// XSysModule is the module that provides every table except x32.
const XSysModule = "golang.org/x/sys"

// Arch describes one generated table.
type Arch struct {
	Kernel string // kernel name, e.g. "x86_64"; also part of the file name
	GOARCH string // x/sys file suffix, e.g. "amd64"; empty for x32
	Ident  string // exported variable in package sysnum, e.g. "X86_64"
	Doc    string // first sentence of the variable's doc comment
}

// Arches lists the generated tables in the order sysnum.All returns them.
var Arches = []Arch{
	{"x86_64", "amd64", "X86_64", "is the syscall table of the x86_64 ABI (GOARCH amd64)."},
	{"i386", "386", "I386", "is the syscall table of the i386 ABI (GOARCH 386)."},
	{"x32", "", "X32", "is the syscall table of the x32 ABI (x86_64 with 32-bit pointers)."},
	{"aarch64", "arm64", "AArch64", "is the syscall table of the aarch64 ABI (GOARCH arm64)."},
	{"arm", "arm", "ARM", "is the syscall table of the 32-bit arm EABI (GOARCH arm)."},
	{"riscv64", "riscv64", "RISCV64", "is the syscall table of the riscv64 ABI (GOARCH riscv64)."},
}

// FileName returns the name of the generated file for a. The fixed "_table"
// suffix keeps Go from reading the kernel name as a GOARCH constraint (arm and
// riscv64 are both GOARCH values), so the file compiles on every target.
func (a Arch) FileName() string { return "zsysnum_" + a.Kernel + "_table.go" }

// xsysSkip lists x/sys constants that are not syscalls.
var xsysSkip = map[string][]string{
	// __NR_arch_specific_syscall (244) is the base of the arch-private range
	// in asm-generic/unistd.h, not a syscall. x/sys keeps it only for API
	// compatibility (see the comment in x/sys unix/linux/mksysnum.go).
	"aarch64": {"arch_specific_syscall"},
	"riscv64": {"arch_specific_syscall"},
	// SYS_SYSCALL_MASK = 0 is an artifact of x/sys's arm header scan; 0 is
	// restart_syscall.
	"arm": {"syscall_mask"},
}

// Entry is one syscall: its name as the kernel spells it and its number as
// seccomp sees it (with X32SyscallBit for x32).
type Entry struct {
	Nr   int32
	Name string
}

// Inputs are everything Generate reads.
type Inputs struct {
	// XSysVersion is the version of golang.org/x/sys, e.g. "v0.50.0".
	XSysVersion string
	// XSys maps a GOARCH ("amd64", ...) to the contents of that arch's
	// unix/zsysnum_linux_GOARCH.go.
	XSys map[string][]byte
	// Syscall64Tbl is the contents of the kernel's syscall_64.tbl.
	Syscall64Tbl []byte
}

// File is one generated file.
type File struct {
	Name string
	Data []byte
}

// Output is the result of Generate.
type Output struct {
	Files []File   // one per Arches entry, in that order
	Notes []string // things worth knowing that are not errors
}

// Generate builds the table files from in. It fails if an input cannot be
// parsed, if a table has two names for one number or two numbers for one name,
// or if syscall_64.tbl and x/sys disagree about an x86_64 syscall.
func Generate(in Inputs) (*Output, error) {
	rows, err := ParseSyscallTbl(in.Syscall64Tbl)
	if err != nil {
		return nil, fmt.Errorf("syscall_64.tbl: %w", err)
	}
	out := &Output{}
	tables := make(map[string][]Entry)
	for _, a := range Arches {
		var es []Entry
		if a.GOARCH == "" {
			es = TblEntries(rows, X32SyscallBit, "common", "x32")
		} else {
			src, ok := in.XSys[a.GOARCH]
			if !ok {
				return nil, fmt.Errorf("no x/sys input for GOARCH %s", a.GOARCH)
			}
			es, err = ParseXSys(xsysFile(a.GOARCH), src)
			if err != nil {
				return nil, err
			}
			es = slices.DeleteFunc(es, func(e Entry) bool {
				return slices.Contains(xsysSkip[a.Kernel], e.Name)
			})
		}
		if err := sortAndCheck(es); err != nil {
			return nil, fmt.Errorf("%s: %w", a.Kernel, err)
		}
		tables[a.Kernel] = es
	}

	// The x86_64 rows of syscall_64.tbl are an oracle for x/sys's amd64
	// table, independent of x/sys's header scan and of our name transform.
	x86 := TblEntries(rows, 0, "common", "64")
	if err := sortAndCheck(x86); err != nil {
		return nil, fmt.Errorf("syscall_64.tbl x86_64 rows: %w", err)
	}
	diff := CrossCheck(x86, tables["x86_64"])
	if len(diff.Disagree) > 0 || len(diff.OnlyA) > 0 {
		var msgs []string
		for _, d := range diff.Disagree {
			msgs = append(msgs, fmt.Sprintf("%s is %d in syscall_64.tbl but %d in x/sys", d.Name, d.A, d.B))
		}
		for _, e := range diff.OnlyA {
			msgs = append(msgs, fmt.Sprintf("%s (%d) is in syscall_64.tbl but not in x/sys", e.Name, e.Nr))
		}
		return nil, fmt.Errorf("syscall_64.tbl (%s) and x/sys %s amd64 disagree:\n\t%s",
			Syscall64TblKernel, in.XSysVersion, strings.Join(msgs, "\n\t"))
	}
	if len(diff.OnlyB) > 0 {
		var s []string
		for _, e := range diff.OnlyB {
			s = append(s, fmt.Sprintf("%s %d", e.Name, e.Nr))
		}
		out.Notes = append(out.Notes, fmt.Sprintf(
			"x/sys %s knows %d x86_64 syscalls that the pinned syscall_64.tbl (%s) predates; "+
				"x32 has no number for them: %s",
			in.XSysVersion, len(s), Syscall64TblKernel, strings.Join(s, ", ")))
	}

	for _, a := range Arches {
		var source string
		if a.GOARCH == "" {
			source = Syscall64TblKernel + " " + Syscall64TblPath
		} else {
			source = XSysModule + " " + in.XSysVersion + " " + xsysFile(a.GOARCH)
		}
		data, err := render(a, source, tables[a.Kernel])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a.Kernel, err)
		}
		out.Files = append(out.Files, File{Name: a.FileName(), Data: data})
	}
	return out, nil
}

func xsysFile(goarch string) string { return "unix/zsysnum_linux_" + goarch + ".go" }

var kernelName = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// ParseXSys parses one of x/sys/unix's zsysnum_linux_*.go files and returns
// its SYS_* constants in file order. Names are lower-cased and lose the SYS_
// prefix, which gives the kernel's name: SYS_NEWFSTATAT is "newfstatat" and
// SYS__LLSEEK is "_llseek".
func ParseXSys(filename string, src []byte) ([]Entry, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filename, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	if f.Name.Name != "unix" {
		return nil, fmt.Errorf("%s: package %s, want unix", filename, f.Name.Name)
	}
	var es []Entry
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			if len(vs.Values) != len(vs.Names) {
				return nil, fmt.Errorf("%s: want one value per name", fset.Position(vs.Pos()))
			}
			for i, id := range vs.Names {
				pos := fset.Position(id.Pos())
				name, ok := strings.CutPrefix(id.Name, "SYS_")
				if !ok {
					return nil, fmt.Errorf("%s: constant %s lacks the SYS_ prefix", pos, id.Name)
				}
				name = strings.ToLower(name)
				if !kernelName.MatchString(name) {
					return nil, fmt.Errorf("%s: odd syscall name %q", pos, name)
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.INT {
					return nil, fmt.Errorf("%s: %s is not an integer literal", pos, id.Name)
				}
				nr, err := strconv.ParseInt(lit.Value, 0, 32)
				if err != nil || nr < 0 {
					return nil, fmt.Errorf("%s: %s = %s: bad number", pos, id.Name, lit.Value)
				}
				es = append(es, Entry{Nr: int32(nr), Name: name})
			}
		}
	}
	if len(es) == 0 {
		return nil, fmt.Errorf("%s: no SYS_* constants", filename)
	}
	return es, nil
}

// TblRow is one row of a kernel syscall_*.tbl file.
type TblRow struct {
	Line int    // 1-based line number
	Nr   int32  // number without any ABI bit
	ABI  string // "common", "64" or "x32"
	Name string
}

// ParseSyscallTbl parses arch/x86/entry/syscalls/syscall_64.tbl. Each row is
// "<number> <abi> <name> [<entry point> [<compat entry point> [noreturn]]]",
// separated by any mix of tabs and spaces; blank lines and lines starting
// with '#' are skipped. Rows without an entry point are kept: they name
// unimplemented syscalls, whose numbers still reach seccomp.
func ParseSyscallTbl(src []byte) ([]TblRow, error) {
	var rows []TblRow
	for i, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 {
			return nil, fmt.Errorf("line %d: want <number> <abi> <name>, got %q", i+1, line)
		}
		nr, err := strconv.ParseUint(f[0], 10, 30)
		if err != nil {
			return nil, fmt.Errorf("line %d: bad number %q", i+1, f[0])
		}
		switch f[1] {
		case "common", "64", "x32":
		default:
			return nil, fmt.Errorf("line %d: unknown ABI %q", i+1, f[1])
		}
		if !kernelName.MatchString(f[2]) {
			return nil, fmt.Errorf("line %d: odd syscall name %q", i+1, f[2])
		}
		rows = append(rows, TblRow{Line: i + 1, Nr: int32(nr), ABI: f[1], Name: f[2]})
	}
	if len(rows) == 0 {
		return nil, errors.New("no rows")
	}
	return rows, nil
}

// TblEntries returns the rows whose ABI is one of abis, with bit or-ed into
// each number.
func TblEntries(rows []TblRow, bit int32, abis ...string) []Entry {
	var es []Entry
	for _, r := range rows {
		if slices.Contains(abis, r.ABI) {
			es = append(es, Entry{Nr: r.Nr | bit, Name: r.Name})
		}
	}
	return es
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

// Diff is the result of CrossCheck.
type Diff struct {
	Disagree []Disagreement // same name, different numbers; sorted by name
	OnlyA    []Entry        // names only in a, in a's order
	OnlyB    []Entry        // names only in b, in b's order
}

// Disagreement is a name that two tables number differently.
type Disagreement struct {
	Name string
	A, B int32
}

// CrossCheck compares two tables by name.
func CrossCheck(a, b []Entry) Diff {
	var d Diff
	inA := make(map[string]int32, len(a))
	for _, e := range a {
		inA[e.Name] = e.Nr
	}
	inB := make(map[string]int32, len(b))
	for _, e := range b {
		inB[e.Name] = e.Nr
	}
	for _, e := range a {
		nr, ok := inB[e.Name]
		switch {
		case !ok:
			d.OnlyA = append(d.OnlyA, e)
		case nr != e.Nr:
			d.Disagree = append(d.Disagree, Disagreement{Name: e.Name, A: e.Nr, B: nr})
		}
	}
	for _, e := range b {
		if _, ok := inA[e.Name]; !ok {
			d.OnlyB = append(d.OnlyB, e)
		}
	}
	slices.SortFunc(d.Disagree, func(x, y Disagreement) int { return strings.Compare(x.Name, y.Name) })
	return d
}

// render writes one gofmt'ed table file. es must be sorted by number.
func render(a Arch, source string, es []Entry) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by internal/cmd/mksysnum from %s; DO NOT EDIT.\n\n", source)
	b.WriteString("package sysnum\n\n")
	x32 := a.GOARCH == ""
	if x32 {
		b.WriteString("// x32Bit is the kernel's __X32_SYSCALL_BIT, which every x32 syscall\n")
		b.WriteString("// number carries as seccomp sees it.\n")
		fmt.Fprintf(&b, "const x32Bit = %#x\n\n", X32SyscallBit)
	}
	fmt.Fprintf(&b, "// %s %s\n", a.Ident, a.Doc)
	if x32 {
		b.WriteString("// It holds the \"common\" and \"x32\" rows of syscall_64.tbl,\n")
		b.WriteString("// each number or-ed with x32Bit.\n")
	}
	fmt.Fprintf(&b, "// It has %d syscalls, numbered %s to %s.\n", len(es), fmtNr(es[0].Nr, x32), fmtNr(es[len(es)-1].Nr, x32))
	fmt.Fprintf(&b, "var %s = &Table{\n", a.Ident)
	fmt.Fprintf(&b, "arch: %q,\n", a.Kernel)
	b.WriteString("entries: []entry{\n")
	for _, e := range es {
		fmt.Fprintf(&b, "{%s, %q},\n", goNr(e.Nr, x32), e.Name)
	}
	b.WriteString("},\n}\n")
	return format.Source(b.Bytes())
}

func goNr(nr int32, x32 bool) string {
	if !x32 {
		return strconv.Itoa(int(nr))
	}
	if nr == X32SyscallBit {
		return "x32Bit"
	}
	return fmt.Sprintf("x32Bit + %d", nr&^X32SyscallBit)
}

func fmtNr(nr int32, x32 bool) string {
	if !x32 {
		return strconv.Itoa(int(nr))
	}
	return fmt.Sprintf("x32Bit+%d", nr&^X32SyscallBit)
}

// ModuleRoot returns the directory of the main module's go.mod, as seen from
// the current directory.
func ModuleRoot() (string, error) {
	out, err := goCmd("", "env", "GOMOD")
	if err != nil {
		return "", err
	}
	gomod := strings.TrimSpace(out)
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside a Go module")
	}
	return filepath.Dir(gomod), nil
}

// LoadInputs reads the inputs for the module rooted at root: syscall_64.tbl
// from tblPath, and x/sys from the module cache at the version root's go.mod
// requires. It runs the go command with GOPROXY=off, so it never downloads
// anything; if x/sys is not in the module cache, it says so.
func LoadInputs(root, tblPath string) (Inputs, error) {
	var in Inputs
	tbl, err := os.ReadFile(tblPath)
	if err != nil {
		return in, err
	}
	in.Syscall64Tbl = tbl
	out, err := goCmd(root, "list", "-m", "-f", "{{.Version}} {{.Dir}}", XSysModule)
	if err != nil {
		return in, err
	}
	version, dir, _ := strings.Cut(strings.TrimSpace(out), " ")
	if version == "" || dir == "" {
		return in, fmt.Errorf("%s is not in the module cache (run go mod download %s)", XSysModule, XSysModule)
	}
	in.XSysVersion = version
	in.XSys = make(map[string][]byte)
	for _, a := range Arches {
		if a.GOARCH == "" {
			continue
		}
		src, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(xsysFile(a.GOARCH))))
		if err != nil {
			return in, err
		}
		in.XSys[a.GOARCH] = src
	}
	return in, nil
}

func goCmd(dir string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go %s: %w: %s", strings.Join(args, " "), err, bytes.TrimSpace(stderr.Bytes()))
	}
	return string(out), nil
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

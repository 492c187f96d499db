// ParseXSys and CrossCheck serve the tests that compare the generated tables
// with golang.org/x/sys/unix, an independent source (its tables come from
// the kernel's installed headers).

package gen

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
)

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

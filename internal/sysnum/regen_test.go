package sysnum_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp/internal/cmd/mksysnum/gen"
)

// TestGeneratedTablesUpToDate regenerates the tables from the pinned inputs
// and fails if the checked-in files differ, e.g. after a change to the
// generator or to its pinned inputs under internal/cmd/mksysnum/testdata.
func TestGeneratedTablesUpToDate(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is needed to locate the module:", err)
	}
	root, err := gen.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	in, err := gen.LoadInputs(gen.TestdataDir(root))
	if err != nil {
		t.Fatal(err)
	}
	out, err := gen.Generate(in)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := gen.WriteFiles(dir, out.Files); err != nil {
		t.Fatal(err)
	}

	generated, err := filepath.Glob(filepath.Join(dir, "zsysnum_*_table.go"))
	if err != nil {
		t.Fatal(err)
	}
	checkedIn, err := filepath.Glob("zsysnum_*_table.go")
	if err != nil {
		t.Fatal(err)
	}
	for i := range generated {
		generated[i] = filepath.Base(generated[i])
	}
	if !slices.Equal(generated, checkedIn) {
		t.Errorf("generator writes %q, package has %q", generated, checkedIn)
	}
	for _, name := range generated {
		want, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Error(err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale (%s); run go generate ./internal/sysnum", name, firstDiff(got, want))
		}
	}
}

func firstDiff(got, want []byte) string {
	g := strings.Split(string(got), "\n")
	w := strings.Split(string(want), "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d: have %q, regenerated %q", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("have %d lines, regenerated %d", len(g), len(w))
}

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var built struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

// TestMain removes the command built by buildCommand.
func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// buildCommand builds the command once per test binary, for the tests that
// need the real binary (run replaces its own process; exit codes and
// streams as a script sees them), and returns its path. It skips with -short
// and where there is no go command.
func buildCommand(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the command")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "seccomp-cmd-test"); built.err != nil {
			return
		}
		built.bin = filepath.Join(built.dir, "seccomp")
		if out, err := exec.Command(gobin, "build", "-o", built.bin, ".").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

package record_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/seccomp-go/seccomp"
)

func TestMain(m *testing.M) {
	// The tests record commands with record.Command, whose helper is this
	// test binary run again.
	seccomp.RunCommandHelper()
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

var built struct {
	once sync.Once
	dir  string
	err  error
}

// buildGo builds the Go program in testdata/NAME once per test binary and
// returns its path.
func buildGo(t testing.TB, name string) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	built.once.Do(func() { built.dir, built.err = os.MkdirTemp("", "record-test") })
	if built.err != nil {
		t.Fatal(built.err)
	}
	bin := filepath.Join(built.dir, name)
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	if out, err := exec.Command(gobin, "build", "-o", bin, "./testdata/"+name).CombinedOutput(); err != nil {
		t.Fatal(fmt.Errorf("go build ./testdata/%s: %v\n%s", name, err, out))
	}
	return bin
}

package kernelskip

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestSkipf runs the helper test in a child with and without Env and checks
// that it skips in one and fails in the other.
func TestSkipf(t *testing.T) {
	for _, c := range []struct {
		env, want string
		fails     bool
	}{
		{"", "--- SKIP: TestSkipfHelper", false},
		{"0", "--- SKIP: TestSkipfHelper", false},
		{"1", "--- FAIL: TestSkipfHelper", true},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSkipfHelper$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), "KERNELSKIP_HELPER=1", Env+"="+c.env)
		out, err := cmd.CombinedOutput()
		if (err != nil) != c.fails || !strings.Contains(string(out), c.want) || !strings.Contains(string(out), "no such feature 7") {
			t.Errorf("%s=%q: err %v, output:\n%s", Env, c.env, err, out)
		}
	}
}

func TestSkipfHelper(t *testing.T) {
	if os.Getenv("KERNELSKIP_HELPER") != "1" {
		t.Skip("runs as a child of TestSkipf")
	}
	Skipf(t, "no such feature %d", 7)
}

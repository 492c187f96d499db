// Package childcase runs test cases in child processes: the test binary run
// again with -test.run naming a helper test and the case's name in an
// environment variable. Tests that install seccomp filters use it, since a
// filter can never be removed from the process that installed it.
//
// A set of cases (New) has three kinds:
//
//   - Add: a function that prints what it saw and returns an error, run
//     by the helper test (Helper) in the child; Command starts it, Run
//     and MustPass also wait for it;
//   - AddTest: a function that takes the helper test's *testing.T, for
//     cases that are written with assertions; RunTest starts it and
//     fails, or skips, as the child did;
//   - AddMain: a function that runs on the main goroutine of the child,
//     before the tests start (from TestMain, which calls Main first);
//     MainCommand starts it.
package childcase

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/seccomp-go/seccomp/internal/kernelskip"
)

// Cases is a set of named cases selected by an environment variable.
type Cases struct {
	env   string
	cases map[string]func() error
	tests map[string]func(t *testing.T)
	mains map[string]func() error
}

// New returns an empty set of cases selected by the environment variable
// env.
func New(env string) *Cases {
	return &Cases{env: env, cases: map[string]func() error{}, tests: map[string]func(t *testing.T){}, mains: map[string]func() error{}}
}

// Add registers a case. It prints what it saw on stdout; returning an
// error makes the child print it and exit 1.
func (c *Cases) Add(name string, run func() error) { c.cases[name] = run }

// AddTest registers a case written as a test: it runs in the helper test
// with its *testing.T, and the child passes, fails or skips as that test
// does.
func (c *Cases) AddTest(name string, run func(t *testing.T)) { c.tests[name] = run }

// AddMain registers a case that runs on the main goroutine of the child,
// before the tests start (see Main).
func (c *Cases) AddMain(name string, run func() error) { c.mains[name] = run }

// Helper is the body of the helper test: in a child it runs the selected
// case and exits (0, 1 on error, 3 for an unknown case), or, for a case
// added with AddTest, runs it as this test; in a normal run it skips.
func (c *Cases) Helper(t *testing.T) {
	name := os.Getenv(c.env)
	if name == "" {
		t.Skip("runs only as a child process of other tests")
	}
	if run, ok := c.tests[name]; ok {
		run(t)
		return
	}
	run, ok := c.cases[name]
	if !ok {
		fmt.Printf("no case %q\n", name)
		os.Exit(3)
	}
	exit(run())
}

func exit(err error) {
	if err != nil {
		fmt.Printf("error: %v\n", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// Main runs the selected case if it was added with AddMain, and exits;
// otherwise it returns. Call it first thing in TestMain.
func (c *Cases) Main() {
	name := os.Getenv(c.env)
	if name == "" {
		return
	}
	if run, ok := c.mains[name]; ok {
		exit(run())
	}
}

// Command returns the command that runs case name in a child, through the
// helper test named helperTest, with extra environment variables.
func (c *Cases) Command(helperTest, name string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^"+helperTest+"$", "-test.count=1")
	cmd.Env = append(append(os.Environ(), c.env+"="+name), env...)
	return cmd
}

// MainCommand returns the command that runs case name, added with
// AddMain, in a child, with extra environment variables.
func (c *Cases) MainCommand(name string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(append(os.Environ(), c.env+"="+name), env...)
	return cmd
}

// Run runs case name in a child (see Command) and returns its output,
// standard output and standard error together, and its wait status. It
// fails the test if the child cannot be run.
func (c *Cases) Run(t testing.TB, helperTest, name string, env ...string) (string, syscall.WaitStatus) {
	t.Helper()
	return wait(t, c.Command(helperTest, name, env...), name)
}

// RunMain is Run for a case added with AddMain.
func (c *Cases) RunMain(t testing.TB, name string, env ...string) (string, syscall.WaitStatus) {
	t.Helper()
	return wait(t, c.MainCommand(name, env...), name)
}

func wait(t testing.TB, cmd *exec.Cmd, name string) (string, syscall.WaitStatus) {
	t.Helper()
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("case %s: %v", name, err)
	}
	return string(out), cmd.ProcessState.Sys().(syscall.WaitStatus)
}

// MustPass runs case name in a child and fails the test unless the child
// exits 0; it returns the output.
func (c *Cases) MustPass(t testing.TB, helperTest, name string, env ...string) string {
	t.Helper()
	out, ws := c.Run(t, helperTest, name, env...)
	if !ws.Exited() || ws.ExitStatus() != 0 {
		t.Fatalf("case %s: %v\n%s", name, ws, out)
	}
	return out
}

// RunTest runs case name, added with AddTest, in a child, verbosely, and
// returns its output: the test fails if the child's test failed, and skips
// (kernelskip.Skipf: a failure where the run requires the kernel) if it
// skipped.
func (c *Cases) RunTest(t testing.TB, helperTest, name string, env ...string) string {
	t.Helper()
	cmd := c.Command(helperTest, name, env...)
	cmd.Args = append(cmd.Args, "-test.v")
	out, err := cmd.CombinedOutput()
	switch {
	case strings.Contains(string(out), "--- SKIP: "+helperTest):
		kernelskip.Skipf(t, "case %s skipped in the child:\n%s", name, out)
	case err != nil:
		t.Fatalf("case %s: %v; its output:\n%s", name, err, out)
	case !strings.Contains(string(out), "--- PASS: "+helperTest):
		t.Fatalf("case %s did not pass; its output:\n%s", name, out)
	}
	return string(out)
}

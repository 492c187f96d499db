// Package childcase runs test cases in child processes: the test binary run
// again with -test.run naming a helper test and the case's name in an
// environment variable. Tests that install seccomp filters use it, since a
// filter can never be removed from the process that installed it.
package childcase

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// Cases is a set of named cases selected by an environment variable.
type Cases struct {
	env   string
	cases map[string]func() error
}

// New returns an empty set of cases selected by the environment variable
// env.
func New(env string) *Cases { return &Cases{env: env, cases: map[string]func() error{}} }

// Add registers a case. It prints what it saw on stdout; returning an
// error makes the child print it and exit 1.
func (c *Cases) Add(name string, run func() error) { c.cases[name] = run }

// Helper is the body of the helper test: in a child it runs the selected
// case and exits (0, 1 on error, 3 for an unknown case); in a normal run it
// skips.
func (c *Cases) Helper(t *testing.T) {
	name := os.Getenv(c.env)
	if name == "" {
		t.Skip("runs only as a child process of other tests")
	}
	run, ok := c.cases[name]
	if !ok {
		fmt.Printf("no case %q\n", name)
		os.Exit(3)
	}
	if err := run(); err != nil {
		fmt.Printf("error: %v\n", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// Command returns the command that runs case name in a child, through the
// helper test named helperTest, with extra environment variables.
func (c *Cases) Command(helperTest, name string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^"+helperTest+"$", "-test.count=1")
	cmd.Env = append(append(os.Environ(), c.env+"="+name), env...)
	return cmd
}

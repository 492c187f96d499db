package childcase

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

var cases = New("CHILDCASE_TEST_CASE")

func TestMain(m *testing.M) {
	cases.Main()
	os.Exit(m.Run())
}

func TestHelper(t *testing.T) { cases.Helper(t) }

func init() {
	cases.Add("ok", func() error { fmt.Println("ran ok", os.Getenv("EXTRA")); return nil })
	cases.Add("err", func() error { return errors.New("it broke") })
	cases.AddTest("pass", func(t *testing.T) { t.Log("ran pass") })
	cases.AddTest("fail", func(t *testing.T) { t.Error("it failed") })
	cases.AddTest("skip", func(t *testing.T) { t.Skip("nothing to do here") })
	cases.AddMain("main", func() error { fmt.Println("ran main"); return nil })
}

// fakeT records what RunTest and MustPass do to a test.
type fakeT struct {
	testing.TB
	failed, skipped bool
	msg             string
}

func (f *fakeT) Helper() {}
func (f *fakeT) Fatalf(format string, a ...any) {
	f.failed, f.msg = true, fmt.Sprintf(format, a...)
	panic(f)
}
func (f *fakeT) Skip(a ...any) { f.skipped, f.msg = true, fmt.Sprint(a...); panic(f) }

func TestCases(t *testing.T) {
	out, ws := cases.Run(t, "TestHelper", "ok", "EXTRA=x")
	if !ws.Exited() || ws.ExitStatus() != 0 || out != "ran ok x\n" {
		t.Errorf("ok: %v %q", ws, out)
	}
	out, ws = cases.Run(t, "TestHelper", "err")
	if ws.ExitStatus() != 1 || out != "error: it broke\n" {
		t.Errorf("err: %v %q", ws, out)
	}
	out, ws = cases.Run(t, "TestHelper", "nope")
	if ws.ExitStatus() != 3 || !strings.Contains(out, `no case "nope"`) {
		t.Errorf("unknown: %v %q", ws, out)
	}
	if out := cases.MustPass(t, "TestHelper", "ok"); out != "ran ok \n" {
		t.Errorf("MustPass: %q", out)
	}
	out, ws = cases.RunMain(t, "main")
	if ws.ExitStatus() != 0 || out != "ran main\n" {
		t.Errorf("main: %v %q", ws, out)
	}
	if out := cases.RunTest(t, "TestHelper", "pass"); !strings.Contains(out, "ran pass") {
		t.Errorf("pass: %q", out)
	}
}

// TestRunTestOutcomes: a failed child test fails the test, a skipped one
// skips it (or fails it, where the run requires the kernel).
func TestRunTestOutcomes(t *testing.T) {
	run := func(name string) *fakeT {
		f := &fakeT{TB: t}
		func() {
			defer func() {
				if r := recover(); r != nil && r != any(f) {
					panic(r)
				}
			}()
			cases.RunTest(f, "TestHelper", name)
		}()
		return f
	}
	if f := run("fail"); !f.failed || !strings.Contains(f.msg, "it failed") {
		t.Errorf("fail: %+v", f)
	}
	f := run("skip")
	if os.Getenv("SECCOMP_TEST_REQUIRE_KERNEL") == "1" {
		if !f.failed {
			t.Errorf("skip, where the kernel is required: %+v", f)
		}
	} else if !f.skipped || !strings.Contains(f.msg, "nothing to do here") {
		t.Errorf("skip: %+v", f)
	}
	if f := run("pass"); f.failed || f.skipped {
		t.Errorf("pass: %+v", f)
	}
}

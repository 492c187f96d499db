package seccomptest

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp"
)

// RequireKernel makes the helpers below fail a test where seccomp cannot be
// used, instead of skipping it: for a CI job that must not pass without
// having tested on a kernel. Set it in TestMain, before calling Main:
//
//	func TestMain(m *testing.M) {
//		seccomptest.RequireKernel = os.Getenv("CI") != ""
//		seccomptest.Main(m)
//	}
var RequireKernel bool

// The helpers below make tests short. Those that call Decide or Run skip
// the test where seccomp cannot be used (ErrUnsupported; unless
// RequireKernel is set) and stop it (t.Fatal) on any other error. The Assert functions follow testify's
// style, without depending on it: a failure is reported with t.Errorf, the
// test goes on, and the result says whether the assertion held; msgAndArgs
// is an optional message, a format string and its arguments.

// MustDecide is Decide for a test.
func MustDecide(t testing.TB, p seccomp.Program, inputs ...seccomp.Data) []seccomp.Action {
	t.Helper()
	got, err := Decide(p, inputs...)
	check(t, err)
	return got
}

// MustRun is Run for a test.
func MustRun(t testing.TB, p seccomp.Program, f *Func, opts *Options) *Result {
	t.Helper()
	r, err := Run(p, f, opts)
	check(t, err)
	return r
}

func check(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, ErrUnsupported) {
		if RequireKernel {
			t.Fatalf("%v (seccomptest.RequireKernel is set)", err)
		}
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// Case is an input and what the kernel must return for it.
type Case struct {
	Data seccomp.Data
	Want seccomp.Action
}

// AssertDecides checks, with one call of Decide, that the kernel returns
// each case's Want for its Data.
func AssertDecides(t testing.TB, p seccomp.Program, cases ...Case) bool {
	t.Helper()
	inputs := make([]seccomp.Data, len(cases))
	for i, c := range cases {
		inputs[i] = c.Data
	}
	got := MustDecide(t, p, inputs...)
	ok := true
	for i, c := range cases {
		if got[i] != c.Want {
			t.Errorf("%s: the kernel returns %v, want %v", describe(c.Data), got[i], c.Want)
			ok = false
		}
	}
	return ok
}

// AssertEmulatorAgrees checks, with one call of Decide, that the kernel
// returns for each input what seccomp.Emulator returns: the check that a
// unit test which trusts the emulator may trust it on this machine.
func AssertEmulatorAgrees(t testing.TB, p seccomp.Program, inputs ...seccomp.Data) bool {
	t.Helper()
	emu, err := seccomp.NewEmulator(p)
	if err != nil {
		t.Fatal(err)
	}
	got := MustDecide(t, p, inputs...)
	ok := true
	for i, d := range inputs {
		if want := emu.Action(d); got[i] != want {
			t.Errorf("%s: the kernel returns %v, the emulator %v", describe(d), got[i], want)
			ok = false
		}
	}
	return ok
}

// AssertSucceeded checks that the function Run ran returned nil and its
// process exited with status 0.
func AssertSucceeded(t testing.TB, r *Result, msgAndArgs ...any) bool {
	t.Helper()
	if r.Succeeded() {
		return true
	}
	t.Errorf("%swant success, the child %v%s", message(msgAndArgs), r, details(r))
	return false
}

// AssertSIGSYS checks that the filter killed or trapped the child's call
// named syscall (a name of the native arch's table): the process died of
// SIGSYS, or Run killed it after a KILL_THREAD, or a TRAP's signal reached
// it, and Run saw the call (see the package documentation for where it
// can).
func AssertSIGSYS(t testing.TB, r *Result, syscall string, msgAndArgs ...any) bool {
	t.Helper()
	if r.SIGSYS != nil && r.SIGSYS.Name == syscall {
		return true
	}
	t.Errorf("%swant a SIGSYS in %s, the child %v%s", message(msgAndArgs), syscall, r, details(r))
	return false
}

// describe prints an input for a message.
func describe(d seccomp.Data) string {
	name := ""
	if native, err := seccomp.NativeArch(); err == nil && d.Arch == native.AuditArch {
		name = syscallName(native, d.Nr)
	}
	if name == "" {
		name = fmt.Sprintf("nr %d", d.Nr)
	}
	var args []string
	last := -1
	for i, a := range d.Args {
		if a != 0 {
			last = i
		}
	}
	for _, a := range d.Args[:last+1] {
		args = append(args, fmt.Sprintf("%#x", a))
	}
	return fmt.Sprintf("%s(%s)", name, strings.Join(args, ", "))
}

func message(msgAndArgs []any) string {
	if len(msgAndArgs) == 0 {
		return ""
	}
	if f, ok := msgAndArgs[0].(string); ok {
		return fmt.Sprintf(f, msgAndArgs[1:]...) + ": "
	}
	return fmt.Sprint(msgAndArgs...) + ": "
}

// details adds what the child said to a failure message.
func details(r *Result) string {
	var b strings.Builder
	if r.Stack != "" {
		b.WriteString("\npanic stack:\n" + r.Stack)
	}
	if out := strings.TrimSpace(r.Output); out != "" {
		if len(out) > 4000 {
			out = "..." + out[len(out)-4000:]
		}
		b.WriteString("\noutput:\n" + out)
	}
	return b.String()
}

package seccomptest

import (
	"os"
	"testing"
)

// Main is the TestMain of a package whose tests use Decide or Run:
//
//	func TestMain(m *testing.M) { seccomptest.Main(m) }
//
// In the test process it runs the tests and exits with their status, as
// os.Exit(m.Run()) does. In a child process that Decide or Run started it
// does the child's work and exits instead, without running any test. A
// TestMain with work of its own calls Main at its start (Main runs the
// tests itself), or uses Child.
func Main(m *testing.M) {
	if code, ok := Child(); ok {
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// Child does the work of a child process that Decide or Run started, and
// returns its exit status and true; in any other process it does nothing
// and returns false. Main calls it; call it first thing in a TestMain that
// cannot call Main, and exit with the status it returns:
//
//	if code, ok := seccomptest.Child(); ok {
//		os.Exit(code)
//	}
func Child() (code int, ok bool) { return child() }

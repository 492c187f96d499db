package sysnum_test

import (
	"testing"

	"github.com/seccomp-go/seccomp/internal/sysnum"
)

// ParseRelease reads user input (a target kernel given on a command line or
// in a profile): it must never panic, and what it accepts must print and
// parse back to the same release.
func FuzzParseRelease(f *testing.F) {
	for _, s := range []string{"5.10", "v6.1", "6.1.0-13-amd64", "7.0-rc1", "", "5", "1.2.3.4", "0.1", "999.999", "5.10.x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := sysnum.ParseRelease(s)
		if err != nil {
			if r != (sysnum.Release{}) {
				t.Fatalf("ParseRelease(%q) = %v with error %v", s, r, err)
			}
			return
		}
		if r.Major < 1 || r.Minor < 0 {
			t.Fatalf("ParseRelease(%q) = %v", s, r)
		}
		back, err := sysnum.ParseRelease(r.String())
		if err != nil || back != r {
			t.Fatalf("ParseRelease(%q) = %v, which prints as %q and parses back as %v, %v", s, r, r.String(), back, err)
		}
	})
}

//go:build race

package policytest

// raceEnabled reports whether the test binary runs with the race detector,
// whose runtime makes system calls of its own.
const raceEnabled = true

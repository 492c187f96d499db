// Package record writes seccomp profiles from real runs: it records the
// system calls a command makes, through seccomp user notification, and
// turns the recording into an OCI or Docker profile that allows exactly
// those calls.
package record

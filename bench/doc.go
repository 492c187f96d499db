// Package bench holds the tests that compare this module with libseccomp,
// through cgo: a module of its own, so that the library stays pure Go.
//
// It needs a C compiler and libseccomp's headers and library (Debian's
// libseccomp-dev; .ci/run installs it). Without cgo the package builds but
// has nothing to test.
//
// The tests:
//
//   - TestDifferentialRandom: random OCI profiles and random calls,
//     compiled by package profile and by libseccomp (the way runc adds the
//     rules), both programs run in seccomp.Emulator: the same decisions,
//     except the documented differences of package profile, which are
//     counted and logged.
//   - TestDockerDefaultAgainstLibseccomp: Docker's default profile for
//     amd64 (with i386 and x32) and arm64 (with arm): the same decisions
//     for every system call number of each arch and every argument rule,
//     at the edges of its values.
//   - TestOverlapResearch: what libseccomp does with conditional rules of
//     one system call that overlap with different actions, pinned next to
//     what package profile does.
//   - TestResolveAgainstMoby: package profile's Docker resolution against
//     github.com/moby/profiles/seccomp's, on Docker's default profile and
//     random Docker profiles (for the arch the test runs on, which is all
//     moby can resolve for).
package bench

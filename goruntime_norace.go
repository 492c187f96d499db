//go:build !race

package seccomp

// buildRace says this program was built with -race: GoRuntime's default
// is then GoRuntimeOptions.Race.
const buildRace = false

//go:build !cgo

package seccomp

// buildCgo says this program was built with cgo enabled: GoRuntime's
// default is then GoRuntimeOptions.Cgo.
const buildCgo = false

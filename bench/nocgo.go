//go:build !linux || !cgo

package bench

// Available reports whether libseccomp is linked in: not without cgo.
const Available = false

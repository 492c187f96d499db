//go:build !amd64 && !arm64

package seccomp

// nativeArch is nil: the syscall tables of every arch are available, but
// none is chosen as native for this GOARCH.
var nativeArch *Arch

//go:build linux && !amd64

package seccomp_test

func int80Available() bool { return false }
func int80Getpid() int32   { return 0 }

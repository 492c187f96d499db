package seccomp_test

import "github.com/seccomp-go/seccomp/internal/int80"

func int80Available() bool { return int80.Available() }

// int80Getpid makes i386 getpid (20) through int $0x80.
func int80Getpid() int32 { return int80.Call(20, 0, 0, 0) }

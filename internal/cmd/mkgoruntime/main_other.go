//go:build !linux

// Command mkgoruntime derives the Go-runtime baseline; it records programs
// with seccomp user notification, which only Linux has.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "mkgoruntime: recording needs Linux")
	os.Exit(1)
}

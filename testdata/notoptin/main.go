// Command notoptin imports the seccomp package but does not call
// seccomp.RunCommandHelper: whatever its arguments, environment and
// descriptors, it only ever runs its own main, and seccomp.Command refuses
// to work in it. The exec tests build and run it.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/seccomp-go/seccomp"
)

func main() {
	fmt.Printf("notoptin: main ran with %d arguments\n", len(os.Args))
	p, err := seccomp.NewFilter(seccomp.ActAllow).Compile()
	if err != nil {
		fmt.Println("notoptin:", err)
		os.Exit(1)
	}
	_, err = seccomp.Command(p, seccomp.InstallOptions{}, "true")
	fmt.Printf("notoptin: Command: is ErrNoCommandHelper %v: %v\n", errors.Is(err, seccomp.ErrNoCommandHelper), err)
}

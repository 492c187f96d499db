package seccomp_test

import (
	"fmt"
	"os"
	"runtime"
)

// Cases that run on the main goroutine of a child process, before the
// tests (from TestMain), selected by SECCOMP_MAIN_CASE.
var mainCases = map[string]func() error{}

// mainCaseEnv selects a main case; mainLockedEnv makes init lock the main
// goroutine to the main thread first.
const (
	mainCaseEnv   = "SECCOMP_MAIN_CASE"
	mainLockedEnv = "SECCOMP_MAIN_LOCKED"
)

func init() {
	if os.Getenv(mainLockedEnv) != "" {
		runtime.LockOSThread() // held in init: main runs locked to the main thread
	}
}

// runMainCase runs the selected main case and exits; without one it returns.
func runMainCase() {
	name := os.Getenv(mainCaseEnv)
	if name == "" {
		return
	}
	run, ok := mainCases[name]
	if !ok {
		fmt.Printf("no main case %q\n", name)
		os.Exit(3)
	}
	if err := run(); err != nil {
		fmt.Printf("error: %v\n", err)
		os.Exit(1)
	}
	os.Exit(0)
}

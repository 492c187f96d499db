package seccomp_test

import (
	"os"
	"runtime"

	"github.com/seccomp-go/seccomp/internal/childcase"
)

// Cases that run on the main goroutine of a child process, before the
// tests (from TestMain), selected by SECCOMP_MAIN_CASE (see
// childcase.Cases.AddMain).
var mainCases = childcase.New(mainCaseEnv)

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

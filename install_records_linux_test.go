package seccomp

import (
	"errors"
	"fmt"
	"runtime"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp/internal/childcase"
	"github.com/seccomp-go/seccomp/internal/kernelskip"
)

// Cases of the package's own tests that install filters: each runs in a
// child process (see internal/childcase).
var internalCases = childcase.New("SECCOMP_INTERNAL_CASE")

// TestInternalHelper runs a case in a child process; it does nothing in a
// normal run.
func TestInternalHelper(t *testing.T) { internalCases.Helper(t) }

func runInternalCase(t *testing.T, name string) string {
	t.Helper()
	return internalCases.MustPass(t, "TestInternalHelper", name)
}

func init() {
	// A record left by an ended thread whose id the calling thread now
	// has: the stacking check must not count it.
	internalCases.Add("tid_reuse", func() error {
		runtime.LockOSThread()
		tid := unix.Gettid()
		start, ok := threadStartTime(tid)
		if !ok {
			return errors.New("no start time for this thread")
		}
		// A filter installed by other code, which the records do not know.
		allow := Program{{Op: opRetK, K: uint32(ActAllow)}}
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return err
		}
		fprog := unix.SockFprog{Len: 1, Filter: (*unix.SockFilter)(unsafe.Pointer(&allow[0]))}
		if _, _, e := unix.RawSyscall(unix.SYS_SECCOMP, seccompSetModeFilter, 0, uintptr(unsafe.Pointer(&fprog))); e != 0 {
			return e
		}
		runtime.KeepAlive(allow)
		// The record of an ended thread with the same id: a filter that
		// leaves no room for another.
		installed.Lock()
		installed.byThread = map[threadKey][]int{{tid, start + 1}: {MaxStackInstructions}}
		installed.Unlock()
		err := Install(allow, InstallOptions{ThisThreadOnly: true})
		fmt.Printf("install over a reused id: %v\n", err)

		// Pruning drops the records of threads that are gone.
		installed.Lock()
		installed.byThread[threadKey{tid + 1<<22, 1}] = []int{1} // no such thread
		pruneThreadRecords()
		_, stale := installed.byThread[threadKey{tid, start + 1}]
		own := installed.byThread[threadKey{tid, start}]
		fmt.Printf("after pruning: %d records, the stale one kept %v, this thread's %v\n", len(installed.byThread), stale, own)
		installed.Unlock()
		return nil
	})
}

func TestInstallRecordsTIDReuse(t *testing.T) {
	if _, err := FlagSupported(FlagLog); err != nil {
		kernelskip.Skipf(t, "no seccomp(2) here: %v", err)
	}
	out := runInternalCase(t, "tid_reuse")
	assert.Contains(t, out, "install over a reused id: <nil>")
	assert.Contains(t, out, fmt.Sprintf("after pruning: 1 records, the stale one kept false, this thread's [%d]", KernelLen(Program{{Op: opRetK}})))
}

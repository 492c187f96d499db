//go:build linux

package seccomp

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// goLocked starts f on a new goroutine locked to an OS thread that is not
// the process's main thread, and returns a channel closed when f has
// returned and, if f's thread is discarded, that thread is gone.
//
// What f does to its thread (no_new_privs, a filter) stays there: if f
// returns false, the goroutine ends still locked and the runtime ends the
// thread with all it carries; if f returns true, the thread goes back to
// the runtime's pool for other goroutines.
//
// The main thread matters because the runtime never ends it: a goroutine
// that ends locked to it leaves it wedged, with whatever f set. A new
// goroutine can well start on the main thread: whichever thread is free
// runs it, and the main thread is free whenever the goroutine it was
// running waits (as the caller of goLocked does). So the goroutine checks
// where it landed (the main thread's id is the process id). If it is the
// main thread, it keeps it locked, which stops the runtime from running
// any other goroutine there, and starts f on another goroutine from there,
// which therefore runs on another thread; it then waits for f and gives
// the untouched main thread back.
func goLocked(f func() (keep bool)) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		tid := unix.Gettid()
		if tid == unix.Getpid() {
			<-goLocked(f)
			runtime.UnlockOSThread()
			close(done)
			return
		}
		if f() {
			close(done)
			runtime.UnlockOSThread()
			return
		}
		// The goroutine ends locked: the runtime ends the thread, soon.
		go func() {
			waitThreadGone(tid)
			close(done)
		}()
	}()
	return done
}

// waitThreadGone waits until thread tid of this process has ended, or
// gives up after a while (a second or so). A thread the runtime ends is
// gone microseconds after its goroutine.
func waitThreadGone(tid int) {
	path := "/proc/self/task/" + strconv.Itoa(tid)
	for range 10_000 {
		if _, err := os.Stat(path); err != nil {
			return // gone, or no /proc to tell
		}
		time.Sleep(100 * time.Microsecond)
	}
}

// threadStartTime returns the start time of thread tid of this process
// (field 22 of its stat file, in clock ticks after boot), which with the
// id names a thread for good: the kernel reuses ids, not ids with their
// start times. ok is false when the file cannot be read or parsed (the
// thread is gone, or /proc is not mounted).
func threadStartTime(tid int) (start uint64, ok bool) {
	b, err := os.ReadFile("/proc/self/task/" + strconv.Itoa(tid) + "/stat")
	if err != nil {
		return 0, false
	}
	// The command name (field 2) is in parentheses and may hold anything,
	// spaces and parentheses included: the fields after it follow its last
	// ')'. Field 3 is then the first of them.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	fields := strings.Fields(s[i+1:])
	if len(fields) < 22-2 {
		return 0, false
	}
	start, err = strconv.ParseUint(fields[22-3], 10, 64)
	return start, err == nil
}

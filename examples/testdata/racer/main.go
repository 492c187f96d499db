// Command racer tries to get a directory named "denied" past a supervisor
// that refuses such names after reading the path from its memory: one
// thread calls mkdir on a buffer while another flips the name in it between
// "allow0" and "denied". It exits 1 if a directory named "denied" was ever
// made, 0 otherwise. Used by the examples' tests against examples/notify.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"syscall"
	"unsafe"
)

func main() {
	dir := os.Args[1]
	buf := []byte(filepath.Join(dir, "allow0") + "\x00")
	base := len(buf) - 1 - len("allow0")
	var stop atomic.Bool
	go func() {
		runtime.LockOSThread()
		names := [2]string{"allow0", "denied"}
		for i := 0; !stop.Load(); i++ {
			copy(buf[base:], names[i&1])
		}
	}()
	made := 0
	for range 3000 {
		_, _, e := syscall.Syscall(syscall.SYS_MKDIRAT, uintptr(^uint(99)), uintptr(unsafe.Pointer(&buf[0])), 0o755) // AT_FDCWD
		if e == 0 {
			made++
		}
		if _, err := os.Stat(filepath.Join(dir, "denied")); err == nil {
			stop.Store(true)
			fmt.Println("racer: a directory named denied was made")
			os.Exit(1)
		}
		os.Remove(filepath.Join(dir, "allow0"))
	}
	stop.Store(true)
	fmt.Printf("racer: %d directories made, none named denied\n", made)
}

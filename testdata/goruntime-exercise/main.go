// Command exercise makes the Go runtime do what it does behind a program's
// back, after the program has sandboxed itself: it installs the seccomp
// filter given (raw BPF, in the kernel's form) on all its threads, then
// runs workloads that exercise the runtime (goroutines and threads, the
// garbage collector under memory pressure, timers, the network poller on
// sockets and pipes, signals, preemption, os/exec, large allocations).
//
//	exercise [-filter FILE [-listener]] WORKLOAD...
//
// With -listener the filter is installed with a user-notification
// listener, sent on descriptor 3 (a unix socket) to the supervisor: the
// recorder that derives the baseline, or the test that collects the calls
// the baseline does not allow. The filter must let sendmsg run (the
// listener is sent after the filter is on). The program writes nothing
// and exits with status 0 when every workload succeeded (so that every
// write recorded is the runtime's); otherwise it says what failed on
// standard error and exits with status 1. The workloads' own calls (the
// sockets they open, the program they run) are listed in package
// internal/goruntime of the seccomp module.
//
// It uses nothing but the standard library and the syscall package, so
// that any Go toolchain since 1.22 builds it.
package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"runtime/debug"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

func main() {
	args := os.Args[1:]
	var filter string
	listener := false
	for len(args) > 0 && len(args[0]) > 0 && args[0][0] == '-' {
		switch args[0] {
		case "-filter":
			if len(args) < 2 {
				usage()
			}
			filter, args = args[1], args[1:]
		case "-listener":
			listener = true
		default:
			usage()
		}
		args = args[1:]
	}
	if len(args) == 0 {
		usage()
	}
	for _, w := range args {
		if workloads[w] == nil {
			fmt.Fprintf(os.Stderr, "exercise: unknown workload %q\n", w)
			os.Exit(2)
		}
	}
	if filter != "" {
		if err := sandbox(filter, listener); err != nil {
			fmt.Fprintln(os.Stderr, "exercise:", err)
			os.Exit(1)
		}
	}
	for _, w := range args {
		if err := workloads[w](); err != nil {
			fmt.Fprintf(os.Stderr, "exercise: %s: %v\n", w, err)
			os.Exit(1)
		}
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: exercise [-filter FILE [-listener]] WORKLOAD...")
	os.Exit(2)
}

var sock *os.File

// sandbox installs the filter in file on every thread (TSYNC), as a
// self-sandboxing program does, and sends its listener on descriptor 3.
func sandbox(file string, listener bool) error {
	prog, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if len(prog) == 0 || len(prog)%8 != 0 {
		return fmt.Errorf("%s: not a raw BPF program", file)
	}
	if listener {
		// Kept in a global: a garbage-collected *os.File would close it,
		// a call of this program's rather than the runtime's.
		sock = os.NewFile(3, "supervisor")
		if sock == nil {
			return fmt.Errorf("no descriptor 3 for the listener")
		}
	}
	const (
		prSetNoNewPrivs = 38
		setModeFilter   = 1
		flagTSync       = 1
		flagNewListener = 8
		flagTSyncESRCH  = 16
	)
	fprog := struct {
		n      uint16
		filter unsafe.Pointer
	}{uint16(len(prog) / 8), unsafe.Pointer(&prog[0])}
	flags := uintptr(flagTSync)
	if listener {
		flags |= flagNewListener | flagTSyncESRCH
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if _, _, e := syscall.RawSyscall(syscall.SYS_PRCTL, prSetNoNewPrivs, 1, 0); e != 0 {
		return fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %v", e)
	}
	nr, ok := sysSeccomp[runtime.GOARCH]
	if !ok {
		return fmt.Errorf("no seccomp(2) number for %s here", runtime.GOARCH)
	}
	r, _, e := syscall.RawSyscall(nr, setModeFilter, flags, uintptr(unsafe.Pointer(&fprog)))
	runtime.KeepAlive(prog)
	if e != 0 {
		return fmt.Errorf("seccomp(SECCOMP_SET_MODE_FILTER): %v", e)
	}
	if !listener {
		return nil
	}
	// One sendmsg, nothing else, until the supervisor has the listener:
	// every other call waits for it.
	if err := syscall.Sendmsg(int(sock.Fd()), []byte{'L'}, syscall.UnixRights(int(r)), nil, 0); err != nil {
		return fmt.Errorf("sending the listener: %v", err)
	}
	return nil
}

// sysSeccomp is seccomp(2)'s number per GOARCH (the syscall package has
// none).
var sysSeccomp = map[string]uintptr{"amd64": 317, "arm64": 277, "riscv64": 277, "386": 354, "arm": 383}

var workloads = map[string]func() error{
	"goroutines":   goroutines,
	"gc":           gc,
	"bigalloc":     bigalloc,
	"timers":       timers,
	"netpoll-tcp":  netpollTCP,
	"netpoll-pipe": netpollPipe,
	"signals":      signals,
	"preempt":      preempt,
	"lockedthread": lockedThread,
	"exec":         execTrue,
	"idle":         idle,
}

// goroutines: thousands of goroutines on more threads than before,
// channels, mutexes, Gosched.
func goroutines() error {
	old := runtime.GOMAXPROCS(8)
	defer runtime.GOMAXPROCS(old)
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	ch := make(chan int)
	for i := 0; i < 2000; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := 0
			for j := 0; j < 1000; j++ {
				s += j
				if j%100 == 0 {
					runtime.Gosched()
				}
			}
			mu.Lock()
			total += s
			mu.Unlock()
			select {
			case ch <- s:
			default:
			}
		}()
	}
	go func() {
		for range ch {
		}
	}()
	wg.Wait()
	close(ch)
	if total != 2000*499500 {
		return fmt.Errorf("sum %d", total)
	}
	return nil
}

// gc: allocation under a memory limit, the garbage collector and the
// scavenger returning memory to the kernel.
func gc() error {
	old := debug.SetMemoryLimit(64 << 20)
	defer debug.SetMemoryLimit(old)
	var keep [][]byte
	for i := 0; i < 4000; i++ {
		b := make([]byte, 64<<10)
		b[0] = byte(i)
		if i%4 == 0 {
			keep = append(keep, b)
		}
		if len(keep) > 200 {
			keep = keep[100:]
		}
	}
	runtime.KeepAlive(keep)
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if ms.NumGC == 0 {
		return fmt.Errorf("no GC ran")
	}
	return nil
}

// bigalloc: large allocations, mapped and unmapped, and deep stacks.
func bigalloc() error {
	for i := 0; i < 8; i++ {
		b := make([]byte, 128<<20)
		for j := 0; j < len(b); j += 1 << 20 {
			b[j] = 1
		}
		runtime.KeepAlive(b)
	}
	runtime.GC()
	debug.FreeOSMemory()
	if deep(20000) != 20000 {
		return fmt.Errorf("recursion")
	}
	return nil
}

func deep(n int) int {
	var pad [64]byte
	if n == 0 {
		return int(pad[0])
	}
	return deep(n-1) + 1
}

// timers: sleeps, timers, tickers, a timer stopped and reset.
func timers() error {
	start := time.Now()
	time.Sleep(2 * time.Millisecond)
	t := time.NewTimer(time.Hour)
	tick := time.NewTicker(time.Millisecond)
	for i := 0; i < 5; i++ {
		<-tick.C
	}
	tick.Stop()
	t.Reset(time.Millisecond)
	<-t.C
	var wg sync.WaitGroup
	for i := 0; i < 100; i++ {
		wg.Add(1)
		time.AfterFunc(time.Duration(i)*10*time.Microsecond, wg.Done)
	}
	wg.Wait()
	<-time.NewTimer(time.Millisecond).C
	if time.Since(start) < 5*time.Millisecond {
		return fmt.Errorf("time went too fast")
	}
	return nil
}

// netpollTCP: a TCP server and client on loopback, with deadlines.
func netpollTCP() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	errc := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			errc <- err
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		_, err = io.Copy(c, io.LimitReader(c, 1<<20))
		errc <- err
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	go c.Write(make([]byte, 1<<20))
	if _, err := io.ReadFull(c, make([]byte, 1<<20)); err != nil {
		return err
	}
	c.Close()
	// A read that times out: the poller's deadline.
	ln2, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln2.Close()
	go func() {
		if c, err := ln2.Accept(); err == nil {
			time.Sleep(50 * time.Millisecond)
			c.Close()
		}
	}()
	c2, err := net.Dial("tcp", ln2.Addr().String())
	if err != nil {
		return err
	}
	defer c2.Close()
	c2.SetReadDeadline(time.Now().Add(5 * time.Millisecond))
	if _, err := c2.Read(make([]byte, 1)); err == nil {
		return fmt.Errorf("read did not time out")
	}
	return <-errc
}

// netpollPipe: pipes read and written by goroutines through the poller,
// with a deadline.
func netpollPipe() error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer r.Close()
	go func() {
		for i := 0; i < 100; i++ {
			w.Write(make([]byte, 4096))
		}
		w.Close()
	}()
	n, err := io.Copy(io.Discard, r)
	if err != nil || n != 409600 {
		return fmt.Errorf("read %d bytes: %v", n, err)
	}
	r2, w2, err := os.Pipe()
	if err != nil {
		return err
	}
	defer r2.Close()
	defer w2.Close()
	r2.SetReadDeadline(time.Now().Add(5 * time.Millisecond))
	if _, err := r2.Read(make([]byte, 1)); err == nil {
		return fmt.Errorf("pipe read did not time out")
	}
	return nil
}

// signals: a signal handler installed after the sandbox, a signal sent
// to the process and delivered on a channel, one ignored and one reset.
func signals() error {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	defer signal.Stop(ch)
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGUSR1); err != nil {
		return err
	}
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		return fmt.Errorf("no SIGUSR1")
	}
	signal.Ignore(syscall.SIGUSR2)
	signal.Reset(syscall.SIGUSR2)
	return nil
}

// preempt: goroutines in tight loops, preempted asynchronously (SIGURG).
func preempt() error {
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var spins [4]int
	for i := range spins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				for j := 0; j < 1e6; j++ {
					spins[i]++
				}
			}
		}()
	}
	// More goroutines than threads, each needing its turn: the scheduler
	// preempts the loops.
	done := make(chan struct{})
	go func() {
		deadline := time.Now().Add(100 * time.Millisecond)
		for time.Now().Before(deadline) {
			runtime.Gosched()
		}
		close(done)
	}()
	<-done
	close(stop)
	wg.Wait()
	return nil
}

// lockedThread: goroutines that lock their thread and exit locked, which
// ends the thread.
func lockedThread() error {
	for i := 0; i < 4; i++ {
		done := make(chan struct{})
		go func() {
			runtime.LockOSThread()
			close(done)
		}()
		<-done
	}
	time.Sleep(10 * time.Millisecond)
	return nil
}

// idle: nothing for 2.5 seconds, while the runtime's background work goes
// on: sysmon, the scavenger and, since Go 1.25, the check of the CPU
// limit (affinity and cgroup) every second that updates GOMAXPROCS.
func idle() error {
	time.Sleep(2500 * time.Millisecond)
	return nil
}

// execTrue: os/exec runs true, with its output through a pipe.
func execTrue() error {
	out, err := exec.Command("true").CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, out)
	}
	return nil
}

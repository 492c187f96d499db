// Command goprog is a small Go program for the recording tests: goroutines
// on several threads, a timer, a pipe and output that does not depend on
// the run.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
)

func main() {
	runtime.GOMAXPROCS(4)
	var wg sync.WaitGroup
	sums := make([]int, 8)
	for i := range sums {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread() // a thread of its own
			for j := 0; j < 200000; j++ {
				sums[i] += j % (i + 3)
			}
		}()
	}
	wg.Wait()
	<-time.After(5 * time.Millisecond)
	r, w, err := os.Pipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	go func() { fmt.Fprint(w, "through a pipe"); w.Close() }()
	buf := make([]byte, 64)
	n, _ := r.Read(buf)
	fmt.Println(sums, string(buf[:n]))
}

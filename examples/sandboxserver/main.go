//go:build linux

// Command sandboxserver is an HTTP server that sandboxes itself once it
// has started: it listens, then installs a filter that allows the Go
// runtime's own calls (seccomp.GoRuntime) and what serving HTTP on a
// socket it already has needs, fails opening files and executing programs
// with EPERM, and kills the process on anything else; then it serves.
//
//	go run ./examples/sandboxserver -addr 127.0.0.1:8080
//	curl localhost:8080/          # hello
//	curl localhost:8080/file      # open /etc/hostname: operation not permitted
//	curl localhost:8080/exec      # exec /bin/true: operation not permitted
//
// The allowlist of the server's own calls was found by recording it:
// seccomp record -- sandboxserver -sandbox=false, with requests made, lists
// every call; the runtime's are in seccomp syscalls -go-runtime.
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"syscall"

	"github.com/seccomp-go/seccomp"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "the address to listen on")
	sandbox := flag.Bool("sandbox", true, "install the filter (false: to record what the server calls)")
	flag.Parse()

	// Start-up, unfiltered: everything the server needs to open.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "hello from a sandboxed server")
	})
	mux.HandleFunc("/file", func(w http.ResponseWriter, r *http.Request) {
		f, err := os.Open("/etc/hostname")
		if err == nil {
			f.Close()
		}
		fmt.Fprintf(w, "open /etc/hostname: %v\n", errText(err))
	})
	mux.HandleFunc("/exec", func(w http.ResponseWriter, r *http.Request) {
		// Were execve allowed, this would replace the server with true.
		err := syscall.Exec("/bin/true", []string{"true"}, nil)
		fmt.Fprintf(w, "exec /bin/true: %v\n", errText(err))
	})

	if *sandbox {
		if err := sandboxSelf(); err != nil {
			log.Fatal(err)
		}
	}
	// The address goes out after the sandbox is on: whoever waits for it
	// knows the server is sandboxed.
	fmt.Printf("listening on http://%s/\n", ln.Addr())
	log.Fatal(http.Serve(ln, mux))
}

// sandboxSelf installs the filter on every thread of the process.
func sandboxSelf() error {
	rt, err := seccomp.GoRuntime(nil, nil) // this arch, this build (cgo, -race)
	if err != nil {
		return err
	}
	f := seccomp.NewFilter(seccomp.ActKillProcess) // anything unforeseen: stop
	f.Add(rt...)
	// Serving HTTP on the listener: accepting, the connections' addresses
	// and options, reading, writing, closing.
	f.AddSyscalls(seccomp.ActAllow, "accept4", "getsockname", "getpeername", "setsockopt",
		"read", "write", "writev", "close", "shutdown")
	// What the server must never do fails, where code may try it.
	f.AddSyscalls(seccomp.Errno(uint16(syscall.EPERM)), "open", "openat", "openat2", "creat",
		"execve", "execveat")
	return f.Install(seccomp.InstallOptions{})
}

func errText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	if err == nil {
		return "allowed"
	}
	return err.Error()
}

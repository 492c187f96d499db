//go:build unix

package notify_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/notify"
)

// The target's side: install a filter that sends mkdirat to a supervisor,
// and hand the listener to the supervisor over a unix socket.
func ExampleSendListener() {
	f := seccomp.NewFilter(seccomp.ActAllow)
	f.AddSyscalls(seccomp.ActUserNotif, "mkdirat")
	prog, err := f.Compile()
	if err != nil {
		log.Fatal(err)
	}
	lf, err := seccomp.InstallListener(prog, seccomp.InstallOptions{})
	if err != nil {
		log.Fatal(err)
	}
	l, err := notify.NewListener(lf)
	if err != nil {
		log.Fatal(err)
	}
	conn, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: "/run/supervisor.sock", Net: "unix"})
	if err != nil {
		log.Fatal(err)
	}
	if err := notify.SendListener(conn, l); err != nil {
		log.Fatal(err)
	}
	conn.Close()
	l.Close() // the supervisor's copy is the only one now
	// ... run the workload, whose mkdir calls the supervisor answers.
}

// The supervisor's side, an agent listening at an OCI runtime's seccomp
// listenerPath: receive the listener with the container's state, and
// answer until the container is gone.
func ExampleReceiveListenerMsg() {
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: "/run/supervisor.sock", Net: "unix"})
	if err != nil {
		log.Fatal(err)
	}
	conn, err := ln.AcceptUnix()
	if err != nil {
		log.Fatal(err)
	}
	state := make([]byte, 64<<10)
	l, n, err := notify.ReceiveListenerMsg(conn, state)
	if err != nil {
		log.Fatal(err)
	}
	conn.Close()
	defer l.Close()
	fmt.Printf("container state: %s\n", state[:n])

	err = l.Serve(context.Background(), notify.HandlerFunc(func(ctx context.Context, r *notify.Request) notify.Response {
		// mkdirat(dirfd, path, mode): read a copy of the path.
		path, err := r.ReadString(r.Data.Args[1], unix.PathMax-1)
		if errors.Is(err, notify.ErrGone) {
			return notify.Errno(unix.ENOENT) // nobody waits for this answer
		} else if err != nil {
			return notify.Errno(unix.EFAULT)
		}
		if strings.HasPrefix(filepath.Clean(path), "/etc") {
			return notify.Errno(unix.EROFS)
		}
		// Not Continue(): the target could change the path after this
		// check. Make the directory here, from the copy (relative to the
		// target's working directory, /proc/<pid>/cwd, for a relative
		// path), and answer with the result.
		if !filepath.IsAbs(path) {
			return notify.Errno(unix.EPERM)
		}
		if err := r.Valid(); err != nil {
			return notify.Errno(unix.ENOENT)
		}
		if err := os.Mkdir(path, os.FileMode(r.Data.Args[2]&0o777)); err != nil {
			var errno unix.Errno
			if errors.As(err, &errno) {
				return notify.Errno(errno)
			}
			return notify.Errno(unix.EIO)
		}
		return notify.Return(0)
	}))
	if err != nil {
		log.Fatal(err)
	}
}

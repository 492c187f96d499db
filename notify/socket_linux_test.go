package notify

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// TestListenerPath: the listener handed to an agent listening on a named
// unix socket, with the state that comes with it, the way an OCI runtime
// hands it to the agent at the seccomp listenerPath; the agent serves it.
func TestListenerPath(t *testing.T) {
	tg := startTarget(t, "idle") // the "runtime" received the target's listener
	path := filepath.Join(t.TempDir(), "agent.sock")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	require.NoError(t, err)
	defer ln.Close()

	state := []byte(`{"ociVersion":"1.2.0","fds":["seccompFd"],"pid":1234}`)
	sent := make(chan error, 1)
	go func() {
		c, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: path, Net: "unix"})
		if err != nil {
			sent <- err
			return
		}
		defer c.Close()
		sent <- SendListenerMsg(c, tg.l, state)
	}()
	c, err := ln.AcceptUnix()
	require.NoError(t, err)
	defer c.Close()
	buf := make([]byte, 4096)
	l, n, err := ReceiveListenerMsg(c, buf)
	require.NoError(t, err)
	defer l.Close()
	require.NoError(t, <-sent)
	assert.Equal(t, string(state), string(buf[:n]))

	// The runtime closes its copy; the agent answers.
	require.NoError(t, tg.l.Close())
	tg.l = nil
	serve(t, l, &Server{Handler: HandlerFunc(func(context.Context, *Request) Response { return Return(77) })})
	tg.send("call")
	assert.Equal(t, "getppid: 77 errno 0", tg.waitLine("getppid:", 20*time.Second))
}

func TestReceiveListenerErrors(t *testing.T) {
	skipUnlessNotify(t)
	pair := func() (*net.UnixConn, *net.UnixConn) {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		require.NoError(t, err)
		conn := func(fd int) *net.UnixConn {
			f := os.NewFile(uintptr(fd), "sock")
			defer f.Close()
			c, err := net.FileConn(f)
			require.NoError(t, err)
			t.Cleanup(func() { c.Close() })
			return c.(*net.UnixConn)
		}
		return conn(fds[0]), conn(fds[1])
	}
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()

	// No descriptor.
	a, b := pair()
	_, err = a.Write([]byte("x"))
	require.NoError(t, err)
	_, err = ReceiveListener(b)
	assert.ErrorContains(t, err, "carried 0 descriptors")

	// Two descriptors: both closed.
	_, _, err = a.WriteMsgUnix([]byte("x"), unix.UnixRights(int(r.Fd()), int(w.Fd())), nil)
	require.NoError(t, err)
	before := countFDs(t)
	_, err = ReceiveListener(b)
	assert.ErrorContains(t, err, "carried 2 descriptors")
	assert.Equal(t, before, countFDs(t), "the received descriptors are closed")

	// Not a listener.
	_, _, err = a.WriteMsgUnix([]byte("x"), unix.UnixRights(int(r.Fd())), nil)
	require.NoError(t, err)
	_, err = ReceiveListener(b)
	assert.ErrorContains(t, err, "not a seccomp listener")
	assert.Equal(t, before, countFDs(t))

	// The peer went away.
	a.Close()
	_, err = ReceiveListener(b)
	assert.Error(t, err)

	_, err = NewListener(r)
	assert.ErrorContains(t, err, "not a seccomp listener")
}

func countFDs(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	return len(ents)
}

//go:build linux

package notify

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// SendListener sends a copy of l's descriptor over conn (SCM_RIGHTS), with
// one byte of data. l stays open: close it once the receiver has taken
// over, so that the receiver is the only supervisor (any copy can receive
// notifications) and so that the targets' calls fail with ENOSYS rather
// than hang if the receiver dies.
func SendListener(conn *net.UnixConn, l *Listener) error {
	return SendListenerMsg(conn, l, nil)
}

// SendListenerMsg is SendListener with msg as the data that comes with
// the descriptor (one zero byte if msg is empty: a descriptor needs some
// data to travel with). An OCI runtime sends the container's state (JSON)
// this way to the agent listening at the seccomp listenerPath.
func SendListenerMsg(conn *net.UnixConn, l *Listener, msg []byte) error {
	if len(msg) == 0 {
		msg = []byte{0}
	}
	var werr error
	if err := l.rc.Control(func(fd uintptr) {
		n, _, err := conn.WriteMsgUnix(msg, unix.UnixRights(int(fd)), nil)
		if err == nil && n < len(msg) {
			err = io.ErrShortWrite
		}
		werr = err
	}); err != nil {
		return errClosed
	}
	if werr != nil {
		return fmt.Errorf("notify: sending the listener: %w", werr)
	}
	return nil
}

// ReceiveListener receives a listener sent with SendListener (SCM_RIGHTS)
// and takes it over (see NewListener). It reads one byte of the data that
// came with it; on a stream socket the rest stays to be read. Use
// ReceiveListenerMsg to get the data, such as an OCI runtime's state.
func ReceiveListener(conn *net.UnixConn) (*Listener, error) {
	l, _, err := ReceiveListenerMsg(conn, make([]byte, 1))
	return l, err
}

// ReceiveListenerMsg receives a listener and the data that came with it
// into buf (len(buf) at least 1), returning the number of bytes of data.
// A message carrying no descriptor, or more than one, is an error, and
// every descriptor it carried is closed. The descriptor is received
// close-on-exec.
func ReceiveListenerMsg(conn *net.UnixConn, buf []byte) (*Listener, int, error) {
	if len(buf) == 0 {
		return nil, 0, errors.New("notify: ReceiveListenerMsg: empty buffer")
	}
	// Room for a few descriptors, to close the extra ones of a bad message.
	oob := make([]byte, unix.CmsgSpace(8*4))
	n, oobn, flags, _, err := conn.ReadMsgUnix(buf, oob)
	if err != nil {
		return nil, 0, fmt.Errorf("notify: receiving the listener: %w", err)
	}
	var fds []int
	msgs, perr := unix.ParseSocketControlMessage(oob[:oobn])
	for _, m := range msgs {
		if m.Header.Level == unix.SOL_SOCKET && m.Header.Type == unix.SCM_RIGHTS {
			got, err := unix.ParseUnixRights(&m)
			if err == nil {
				fds = append(fds, got...)
			}
		}
	}
	closeAll := func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	}
	switch {
	case perr != nil:
		closeAll()
		return nil, n, fmt.Errorf("notify: receiving the listener: bad control message: %w", perr)
	case flags&unix.MSG_CTRUNC != 0:
		closeAll()
		return nil, n, errors.New("notify: receiving the listener: control message truncated (too many descriptors)")
	case len(fds) == 0 && n == 0:
		return nil, 0, fmt.Errorf("notify: receiving the listener: %w", io.EOF)
	case len(fds) != 1:
		closeAll()
		return nil, n, fmt.Errorf("notify: receiving the listener: the message carried %d descriptors, want 1", len(fds))
	}
	f := os.NewFile(uintptr(fds[0]), "seccomp-listener")
	l, err := NewListener(f)
	if err != nil {
		f.Close()
		return nil, n, err
	}
	return l, n, nil
}

package sysnum

import (
	"fmt"
	"strconv"
	"strings"
)

// A Release is a Linux kernel release, major.minor: Release{5, 10} is 5.10.
// The zero Release is older than every real one.
type Release struct {
	Major, Minor int
}

// OldestRelease is the oldest release the tables tell apart: a call dated
// 3.0 was added in 3.0 or earlier.
var OldestRelease = Release{3, 0}

// String returns "major.minor".
func (r Release) String() string { return fmt.Sprintf("%d.%d", r.Major, r.Minor) }

// Compare returns -1, 0 or +1 as r is older than, the same as, or newer than
// o.
func (r Release) Compare(o Release) int {
	switch {
	case r.Major != o.Major:
		return cmpInt(r.Major, o.Major)
	default:
		return cmpInt(r.Minor, o.Minor)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ParseRelease parses a kernel release: "5.10", "v5.10", "5.10.3", or what
// uname -r prints ("6.1.0-13-amd64", "5.15.0-rc1"). Only major and minor
// are kept.
func ParseRelease(s string) (Release, error) {
	t := strings.TrimPrefix(strings.TrimSpace(s), "v")
	if i := strings.IndexFunc(t, func(r rune) bool { return r != '.' && (r < '0' || r > '9') }); i >= 0 {
		t = t[:i]
	}
	parts := strings.Split(t, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return Release{}, fmt.Errorf("bad kernel release %q: want major.minor, like 5.10", s)
	}
	var n [2]int
	for i := range n {
		v, err := strconv.Atoi(parts[i])
		if err != nil || v < 0 || v > 999 {
			return Release{}, fmt.Errorf("bad kernel release %q: want major.minor, like 5.10", s)
		}
		n[i] = v
	}
	if len(parts) == 3 {
		if _, err := strconv.Atoi(parts[2]); err != nil {
			return Release{}, fmt.Errorf("bad kernel release %q: want major.minor, like 5.10", s)
		}
	}
	if n[0] == 0 {
		return Release{}, fmt.Errorf("bad kernel release %q: there is no Linux 0.x", s)
	}
	return Release{n[0], n[1]}, nil
}

// A SubCall is one call a multiplexer dispatches to: the multiplexer's
// first argument and the name of the syscall it stands for.
type SubCall struct {
	Call int32
	Name string
}

// SocketcallCalls returns the calls of socketcall(2): its first argument
// (SYS_SOCKET = 1 ... SYS_SENDMMSG = 20 of include/uapi/linux/net.h) and
// the call each stands for ("socket" ... "sendmmsg"; "send" and "recv"
// are syscalls on few arches). The slice is new on each call.
func SocketcallCalls() []SubCall { return append([]SubCall(nil), socketcallCalls...) }

// IPCCalls returns the calls of ipc(2): the low 16 bits of its first
// argument (SEMOP = 1 ... SHMCTL = 24 of include/uapi/linux/ipc.h; the high
// 16 bits carry an interface version, IPCCALL(version, op)) and the call
// each stands for. The slice is new on each call.
func IPCCalls() []SubCall { return append([]SubCall(nil), ipcCalls...) }

// MultiplexedBy returns, for the syscall called name, the multiplexer of t
// that can also make it and the first argument that selects it: for
// "socket" on i386, (102, 1, true): socketcall(SYS_SOCKET, ...). It returns
// false where t has no such multiplexer or name is not one of its calls.
// For ipc the argument is the call's number without a version (version 0).
func (t *Table) MultiplexedBy(name string) (mux int32, arg0 int32, ok bool) {
	if canon, isAlias := t.Aliases()[name]; isAlias {
		name = canon
	}
	if nr, has := t.Socketcall(); has {
		for _, c := range socketcallCalls {
			if c.Name == name {
				return nr, c.Call, true
			}
		}
	}
	if nr, has := t.IPC(); has {
		for _, c := range ipcCalls {
			if c.Name == name {
				return nr, c.Call, true
			}
		}
	}
	return 0, 0, false
}

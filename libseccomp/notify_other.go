//go:build !linux

package seccomp

import "syscall"

// NotifReceive waits for a notification on the listener fd. Seccomp exists
// only on Linux: elsewhere it returns EOPNOTSUPP.
func NotifReceive(fd ScmpFd) (*ScmpNotifReq, error) {
	if err := notifSupported(); err != nil {
		return nil, err
	}
	return nil, syscall.EOPNOTSUPP
}

// NotifRespond answers a notification. Seccomp exists only on Linux:
// elsewhere it returns EOPNOTSUPP.
func NotifRespond(fd ScmpFd, scmpResp *ScmpNotifResp) error {
	if err := notifSupported(); err != nil {
		return err
	}
	return syscall.EOPNOTSUPP
}

// NotifIDValid reports whether a notification is live. Seccomp exists only
// on Linux: elsewhere it returns EOPNOTSUPP.
func NotifIDValid(fd ScmpFd, id uint64) error {
	if err := notifSupported(); err != nil {
		return err
	}
	return syscall.EOPNOTSUPP
}

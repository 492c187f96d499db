//go:build linux

package bench

// pool holds names that libseccomp 2.5 and this module's tables both know
// on the arches they exist on; open and chown32 exist on some arches only.
var pool = []string{"read", "write", "openat", "close", "personality", "socket", "ioctl", "mprotect",
	"futex", "clone", "kill", "prctl", "open", "chown32", "exit_group"}

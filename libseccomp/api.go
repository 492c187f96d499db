package seccomp

import (
	"fmt"
	"os"
	"sync"
	"syscall"

	scmp "github.com/seccomp-go/seccomp"
)

// The version GetLibraryVersion reports: the libseccomp release whose API
// this package provides in full (see the package documentation).
const (
	verMajor = 2
	verMinor = 6
	verMicro = 0
)

// GetLibraryVersion returns 2.6.0: the libseccomp release whose features
// this package has (wait-killable notifications, Precompute, transactions,
// ExportBPFMem, API level 7), for callers that gate features on the
// version. There is no C library; what the kernel supports is GetAPI's.
func GetLibraryVersion() (major, minor, micro uint) {
	return verMajor, verMinor, verMicro
}

// support is what the running kernel supports, as libseccomp keeps it for
// the process: each item asked of the kernel the first time it is needed
// (-1 until then), or set by SetAPI.
type support struct {
	mu sync.Mutex

	syscall     int8 // seccomp(2)
	tsync       int8 // SECCOMP_FILTER_FLAG_TSYNC
	logFlag     int8 // SECCOMP_FILTER_FLAG_LOG
	logAction   int8 // SECCOMP_RET_LOG
	killProcess int8 // SECCOMP_RET_KILL_PROCESS
	specAllow   int8 // SECCOMP_FILTER_FLAG_SPEC_ALLOW
	newListener int8 // SECCOMP_FILTER_FLAG_NEW_LISTENER
	userNotif   int8 // SECCOMP_RET_USER_NOTIF
	tsyncESRCH  int8 // SECCOMP_FILTER_FLAG_TSYNC_ESRCH
	waitKill    int8 // SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV

	level uint // the API level, 0 until computed

	// listener is the user-notification listener of the first filter
	// loaded with one (libseccomp keeps one per process).
	listener *os.File
}

var sup = newSupport()

func newSupport() *support {
	return &support{syscall: -1, tsync: -1, logFlag: -1, logAction: -1, killProcess: -1,
		specAllow: -1, newListener: -1, userNotif: -1, tsyncESRCH: -1, waitKill: -1}
}

// The probes, replaceable in tests.
var (
	probeSyscall = func() bool {
		// seccomp(2) exists when asking about a flag gets an answer.
		_, err := scmp.FlagSupported(scmp.FlagTSync)
		return err == nil
	}
	probeFlag = func(f scmp.FilterFlag) bool {
		ok, err := scmp.FlagSupported(f)
		return err == nil && ok
	}
	probeAction = func(a scmp.Action) bool {
		ok, err := scmp.ActionAvailable(a)
		return err == nil && ok
	}
	probeNotif = func() bool {
		_, err := scmp.GetNotifSizes()
		return err == nil
	}
)

func yes(b bool) int8 {
	if b {
		return 1
	}
	return 0
}

// The questions, each asked of the kernel once; s.mu is held.
func (s *support) hasSyscall() bool {
	if s.syscall < 0 {
		s.syscall = yes(probeSyscall())
	}
	return s.syscall == 1
}

func (s *support) hasFlag(f scmp.FilterFlag) bool {
	var p *int8
	switch f {
	case scmp.FlagTSync:
		p = &s.tsync
	case scmp.FlagLog:
		p = &s.logFlag
	case scmp.FlagSpecAllow:
		p = &s.specAllow
	case scmp.FlagNewListener:
		p = &s.newListener
	case scmp.FlagTSyncESRCH:
		p = &s.tsyncESRCH
	case scmp.FlagWaitKillableRecv:
		p = &s.waitKill
	default:
		return false
	}
	if *p < 0 {
		*p = yes(s.hasSyscall() && probeFlag(f))
	}
	return *p == 1
}

// actionValid is libseccomp's check of an action: one the kernel has, with
// an errno below 4095.
func (s *support) actionValid(a uint32) bool {
	var p *int8
	var probe func() bool
	switch {
	case a == retKillProcess:
		p, probe = &s.killProcess, func() bool { return probeAction(scmp.ActKillProcess) }
	case a == retLog:
		p, probe = &s.logAction, func() bool { return probeAction(scmp.ActLog) }
	case a == retUserNotif:
		p, probe = &s.userNotif, probeNotif
	case a == retKillThread, a == retTrap, a == retAllow:
		return true
	case a&retActionFull == retErrno:
		return a&0xffff < scmp.MaxErrno
	case a&retActionFull == retTrace:
		return true
	default:
		return false
	}
	if *p < 0 {
		*p = yes(s.hasSyscall() && probe())
	}
	return *p == 1
}

// api returns the API level: the levels libseccomp defines, each needing
// the kernel features of the one below and its own.
func (s *support) api() uint {
	if s.level >= 1 {
		return s.level
	}
	level := uint(1)
	if s.hasSyscall() && s.hasFlag(scmp.FlagTSync) {
		level = 2
	}
	if level == 2 && s.hasFlag(scmp.FlagLog) && s.actionValid(retLog) && s.actionValid(retKillProcess) {
		level = 3
	}
	if level == 3 && s.hasFlag(scmp.FlagSpecAllow) {
		level = 4
	}
	if level == 4 && s.hasFlag(scmp.FlagNewListener) && s.actionValid(retUserNotif) {
		level = 5
	}
	if level == 5 && s.hasFlag(scmp.FlagTSyncESRCH) {
		level = 6
	}
	if level == 6 && s.hasFlag(scmp.FlagWaitKillableRecv) {
		level = 7
	}
	s.level = level
	return level
}

// GetAPI returns the API level of the running kernel, as libseccomp 2.6
// computes it the first time it is asked (or as SetAPI set it):
//
//	1: filters without seccomp(2) (prctl only);
//	2: seccomp(2) and SECCOMP_FILTER_FLAG_TSYNC (Linux 3.17);
//	3: SECCOMP_FILTER_FLAG_LOG, SECCOMP_RET_LOG and SECCOMP_RET_KILL_PROCESS (4.14);
//	4: SECCOMP_FILTER_FLAG_SPEC_ALLOW (4.17);
//	5: SECCOMP_FILTER_FLAG_NEW_LISTENER and SECCOMP_RET_USER_NOTIF (5.0);
//	6: SECCOMP_FILTER_FLAG_TSYNC_ESRCH (5.7);
//	7: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (5.19).
//
// Each level needs every feature of the levels below it, each asked of the
// kernel (never inferred from its version).
func GetAPI() (uint, error) {
	sup.mu.Lock()
	defer sup.mu.Unlock()
	return sup.api(), nil
}

// SetAPI forces the API level (1 to 7), for the whole process: the
// features of the higher levels are taken as missing, those of the level
// and below as present, whatever the kernel says. It exists for testing;
// a program should not need it.
func SetAPI(api uint) error {
	sup.mu.Lock()
	defer sup.mu.Unlock()
	if api < 1 || api > 7 {
		return fmt.Errorf("could not set API level: %w", syscall.EINVAL)
	}
	at := func(l uint) int8 { return yes(api >= l) }
	sup.syscall, sup.tsync = at(2), at(2)
	sup.logFlag, sup.logAction, sup.killProcess = at(3), at(3), at(3)
	sup.specAllow = at(4)
	sup.newListener, sup.userNotif = at(5), at(5)
	sup.tsyncESRCH = at(6)
	sup.waitKill = at(7)
	sup.level = api
	return nil
}

// checkAPI returns a *VersionError when the API level is below minLevel
// (the library version always suffices: it is the one GetLibraryVersion
// reports, and major.minor.micro is at most that).
func checkAPI(op string, minLevel uint, major, minor, micro uint) error {
	level, _ := GetAPI()
	if level >= minLevel && versionAtLeast(major, minor, micro) {
		return nil
	}
	if level >= minLevel {
		return &VersionError{op: op, major: major, minor: minor, micro: micro}
	}
	return &VersionError{op: op, curAPI: level, minAPI: minLevel, major: major, minor: minor, micro: micro}
}

func versionAtLeast(major, minor, micro uint) bool {
	return verMajor > major || verMajor == major && (verMinor > minor || verMinor == minor && verMicro >= micro)
}

// notifSupported is the check before every user-notification call.
func notifSupported() error {
	return checkAPI("seccomp notification", 6, 2, 5, 0)
}

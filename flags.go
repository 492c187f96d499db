package seccomp

import (
	"fmt"
	"strings"
)

// FilterFlag is a flag of seccomp(SECCOMP_SET_MODE_FILTER).
type FilterFlag uint

// The filter flags the kernel knows (include/uapi/linux/seccomp.h).
const (
	// FlagTSync installs the filter on every thread of the process at once.
	FlagTSync FilterFlag = 1 << 0
	// FlagLog logs every action of the filter other than ALLOW (subject to
	// /proc/sys/kernel/seccomp/actions_logged).
	FlagLog FilterFlag = 1 << 1
	// FlagSpecAllow leaves the speculative store bypass mitigation off.
	FlagSpecAllow FilterFlag = 1 << 2
	// FlagNewListener returns a user-notification file descriptor.
	FlagNewListener FilterFlag = 1 << 3
	// FlagTSyncESRCH reports a thread that cannot be synchronised with
	// ESRCH instead of its id; needed to combine FlagTSync with
	// FlagNewListener.
	FlagTSyncESRCH FilterFlag = 1 << 4
	// FlagWaitKillableRecv makes the target of a received notification
	// ignore non-fatal signals until the reply; needs FlagNewListener.
	FlagWaitKillableRecv FilterFlag = 1 << 5
)

var flagInfo = []struct {
	flag  FilterFlag
	name  string
	since string
}{
	{FlagTSync, "TSYNC", "3.17"},
	{FlagLog, "LOG", "4.14"},
	{FlagSpecAllow, "SPEC_ALLOW", "4.17"},
	{FlagNewListener, "NEW_LISTENER", "5.0"},
	{FlagTSyncESRCH, "TSYNC_ESRCH", "5.7"},
	{FlagWaitKillableRecv, "WAIT_KILLABLE_RECV", "5.19"},
}

// AllFilterFlags lists every flag, lowest bit first.
func AllFilterFlags() []FilterFlag {
	out := make([]FilterFlag, len(flagInfo))
	for i, f := range flagInfo {
		out[i] = f.flag
	}
	return out
}

// String returns the flags' names without the SECCOMP_FILTER_FLAG_ prefix,
// joined with "|", e.g. "TSYNC|LOG"; unknown bits print in hexadecimal.
func (f FilterFlag) String() string {
	if f == 0 {
		return "0"
	}
	var parts []string
	for _, fi := range flagInfo {
		if f&fi.flag != 0 {
			parts = append(parts, fi.name)
			f &^= fi.flag
		}
	}
	if f != 0 {
		parts = append(parts, fmt.Sprintf("%#x", uint(f)))
	}
	return strings.Join(parts, "|")
}

// Since returns the Linux release that added a single flag ("5.0"), or ""
// for an unknown or combined value.
func (f FilterFlag) Since() string {
	for _, fi := range flagInfo {
		if fi.flag == f {
			return fi.since
		}
	}
	return ""
}

// checkFlagCombination returns why the kernel would refuse the combination
// with EINVAL whatever it supports, or "".
func checkFlagCombination(f FilterFlag) string {
	var known FilterFlag
	for _, fi := range flagInfo {
		known |= fi.flag
	}
	switch {
	case f&^known != 0:
		return fmt.Sprintf("unknown filter flag bits %#x", uint(f&^known))
	case f&FlagTSync != 0 && f&FlagNewListener != 0 && f&FlagTSyncESRCH == 0:
		return "TSYNC with NEW_LISTENER needs TSYNC_ESRCH"
	case f&FlagWaitKillableRecv != 0 && f&FlagNewListener == 0:
		return "WAIT_KILLABLE_RECV needs NEW_LISTENER"
	}
	return ""
}

// actionNames is the kernel's name of each action, as
// /proc/sys/kernel/seccomp/actions_avail lists them.
var actionNames = []struct {
	action Action
	name   string
	since  string
}{
	{ActKillProcess, "kill_process", "4.14"},
	{ActKillThread, "kill_thread", "3.5"},
	{ActTrap, "trap", "3.5"},
	{ActErrno, "errno", "3.5"},
	{ActUserNotif, "user_notif", "5.0"},
	{ActTrace, "trace", "3.5"},
	{ActLog, "log", "4.14"},
	{ActAllow, "allow", "3.5"},
}

// AllActions lists the eight actions, most restrictive first, with zero
// data.
func AllActions() []Action {
	out := make([]Action, len(actionNames))
	for i, a := range actionNames {
		out[i] = a.action
	}
	return out
}

// ActionSince returns the Linux release that added the action part of a,
// or "" for an unknown action.
func ActionSince(a Action) string {
	for _, n := range actionNames {
		if n.action == a.Kind() {
			return n.since
		}
	}
	return ""
}

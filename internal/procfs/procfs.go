// Package procfs reads the little of /proc the packages need: the fields of
// a task's status file and the thread ids of a process. One reader, so that
// the install pre-checks, Dump, the test kit and the test machinery read the
// kernel's text the same way.
package procfs

import (
	"os"
	"slices"
	"strconv"
	"strings"
)

// StatusPath is the status file of thread tid of process pid
// (/proc/PID/task/TID/status); pid "self" is written as 0.
func StatusPath(pid, tid int) string {
	p := "self"
	if pid != 0 {
		p = strconv.Itoa(pid)
	}
	return "/proc/" + p + "/task/" + strconv.Itoa(tid) + "/status"
}

// Status is the fields of a status file ("Name:\tvalue" lines), values
// with the white space around them trimmed.
type Status map[string]string

// ReadStatus reads the status file at path.
func ReadStatus(path string) (Status, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s := Status{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			s[k] = strings.TrimSpace(v)
		}
	}
	return s, nil
}

// Int returns field name as a decimal number, and whether it is there and
// one.
func (s Status) Int(name string) (int, bool) {
	v, ok := s[name]
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}

// Threads returns the thread ids of process pid (/proc/PID/task), sorted.
func Threads(pid int) ([]int, error) {
	ents, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	if err != nil {
		return nil, err
	}
	tids := make([]int, 0, len(ents))
	for _, e := range ents {
		if tid, err := strconv.Atoi(e.Name()); err == nil {
			tids = append(tids, tid)
		}
	}
	slices.Sort(tids)
	return tids, nil
}

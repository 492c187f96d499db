package procfs

import (
	"os"
	"runtime"
	"slices"
	"testing"
)

func TestReadStatus(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/status"
	if err := os.WriteFile(path, []byte("Name:\tx y\nTgid:\t42\nSeccomp:\t2\nUid:\t0\t0\t0\t0\nNoColon\nBad:\tx1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := ReadStatus(path)
	if err != nil {
		t.Fatal(err)
	}
	if s["Name"] != "x y" || s["Uid"] != "0\t0\t0\t0" {
		t.Errorf("fields: %q", s)
	}
	if n, ok := s.Int("Tgid"); !ok || n != 42 {
		t.Errorf("Tgid: %d %t", n, ok)
	}
	if _, ok := s.Int("Bad"); ok {
		t.Error("Bad parsed as a number")
	}
	if _, ok := s.Int("Missing"); ok {
		t.Error("Missing found")
	}
	if _, err := ReadStatus(dir + "/none"); err == nil {
		t.Error("no error for a missing file")
	}
}

// On Linux: this process's own files, against what the runtime says.
func TestSelf(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	tids, err := Threads(os.Getpid())
	if err != nil || !slices.Contains(tids, os.Getpid()) || !slices.IsSorted(tids) {
		t.Fatalf("Threads: %v, %v", tids, err)
	}
	s, err := ReadStatus(StatusPath(0, os.Getpid()))
	if err != nil {
		t.Fatal(err)
	}
	if n, ok := s.Int("Tgid"); !ok || n != os.Getpid() {
		t.Errorf("Tgid %d %t, want %d", n, ok, os.Getpid())
	}
	if got := StatusPath(12, 34); got != "/proc/12/task/34/status" {
		t.Errorf("StatusPath: %s", got)
	}
	if got := StatusPath(0, 34); got != "/proc/self/task/34/status" {
		t.Errorf("StatusPath: %s", got)
	}
}

package sysnum_test

import (
	"bufio"
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/seccomp-go/seccomp/internal/sysnum"
)

// The installed Linux UAPI headers (Debian's linux-libc-dev, from the
// kernel's own syscall tables by its scripts) are a source independent of
// x/sys and of our generator: every call they define must be in our table
// with the same number. Ours may have more (the headers may be older).
func TestX86TablesMatchLinuxHeaders(t *testing.T) {
	dir := "/usr/include/x86_64-linux-gnu/asm"
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no x86 UAPI headers (Debian's linux-libc-dev for amd64): %v", err)
	}
	for _, c := range []struct {
		file  string
		table *sysnum.Table
	}{
		{"unistd_64.h", sysnum.X86_64},
		{"unistd_32.h", sysnum.I386},
		{"unistd_x32.h", sysnum.X32},
	} {
		defs := readUnistd(t, dir+"/"+c.file)
		if len(defs) < 300 {
			t.Fatalf("%s: only %d definitions read", c.file, len(defs))
		}
		for name, nr := range defs {
			if got, ok := c.table.Number(name); !ok || got != nr {
				t.Errorf("%s: %s is %#x in the header, %#x (%t) in the table", c.table.Arch(), name, nr, got, ok)
			}
		}
	}
}

var (
	unistdDef    = regexp.MustCompile(`^#define __NR_(\w+) (\d+)$`)
	unistdDefX32 = regexp.MustCompile(`^#define __NR_(\w+) \(__X32_SYSCALL_BIT \+ (\d+)\)$`)
)

// readUnistd reads "#define __NR_name N" (and x32's "(__X32_SYSCALL_BIT + N)").
func readUnistd(t *testing.T, path string) map[string]int32 {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]int32{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var bit int64
		m := unistdDef.FindStringSubmatch(sc.Text())
		if m == nil {
			if m = unistdDefX32.FindStringSubmatch(sc.Text()); m == nil {
				continue
			}
			bit = 0x40000000
		}
		n, err := strconv.ParseInt(m[2], 10, 32)
		if err != nil {
			t.Fatalf("%s: %q: %v", path, sc.Text(), err)
		}
		out[m[1]] = int32(n | bit)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

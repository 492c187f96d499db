package sysnum_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp/internal/cmd/mksysnum/gen"
	"github.com/seccomp-go/seccomp/internal/sysnum"
)

// xsysDiffs lists every known difference between our tables and
// golang.org/x/sys/unix's zsysnum_linux_<GOARCH>.go (which x/sys generates
// from the kernel's installed uapi headers, Linux 7.2 for v0.50.0): anything
// else is a test failure.
var xsysDiffs = map[string][]string{
	// __NR_arch_specific_syscall (244) is the base of the arch-private range
	// of asm-generic/unistd.h, not a syscall; x/sys keeps it for API
	// compatibility.
	"aarch64":     {"x/sys only: arch_specific_syscall 244"},
	"riscv64":     {"x/sys only: arch_specific_syscall 244"},
	"loongarch64": {"x/sys only: arch_specific_syscall 244"},
	// SYS_SYSCALL_MASK = 0 is an artifact of x/sys's header scan (0 is
	// restart_syscall). x/sys reads only __NR_*, so it lacks the
	// ARM-private calls (__ARM_NR_*, arch/arm/include/uapi/asm/unistd.h).
	"arm": {
		"x/sys only: syscall_mask 0",
		"ours only: breakpoint 983041", "ours only: cacheflush 983042", "ours only: usr26 983043",
		"ours only: usr32 983044", "ours only: set_tls 983045", "ours only: get_tls 983046",
	},
}

func xsysDir(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is needed to locate golang.org/x/sys:", err)
	}
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "golang.org/x/sys")
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOWORK=off")
	out, err := cmd.Output()
	if err != nil || strings.TrimSpace(string(out)) == "" {
		t.Fatalf("golang.org/x/sys is not in the module cache (go mod download): %v", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "unix")
}

// Every table of an arch x/sys knows must agree with it number for number.
func TestTablesMatchXSys(t *testing.T) {
	dir := xsysDir(t)
	checked := 0
	for _, tab := range sysnum.All() {
		goarch := tab.GOARCH()
		if goarch == "" {
			continue
		}
		file := filepath.Join(dir, "zsysnum_linux_"+goarch+".go")
		src, err := os.ReadFile(file)
		if err != nil {
			t.Errorf("%s: %v", tab.Arch(), err)
			continue
		}
		xs, err := gen.ParseXSys(file, src)
		if err != nil {
			t.Fatal(err)
		}
		var ours []gen.Entry
		for _, name := range tab.Names() {
			nr, _ := tab.Number(name)
			ours = append(ours, gen.Entry{Nr: nr, Name: name})
		}
		d := gen.CrossCheck(ours, xs)
		var got []string
		for _, x := range d.Disagree {
			got = append(got, "differ: "+x.Name)
		}
		for _, e := range d.OnlyA {
			got = append(got, "ours only: "+e.Name+" "+itoa(e.Nr))
		}
		for _, e := range d.OnlyB {
			got = append(got, "x/sys only: "+e.Name+" "+itoa(e.Nr))
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(xsysDiffs[tab.Arch()]))
		if !slices.Equal(got, want) {
			t.Errorf("%s vs x/sys %s:\n got  %q\n want %q", tab.Arch(), goarch, got, want)
		}
		checked++
	}
	// amd64 386 arm64 arm riscv64 loong64 mips mipsle mips64 mips64le ppc64
	// ppc64le s390x: every Linux port of Go.
	if checked != 13 {
		t.Errorf("checked %d tables against x/sys, want 13", checked)
	}
}

func itoa(n int32) string {
	return strconv.Itoa(int(n))
}

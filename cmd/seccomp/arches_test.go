package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/analyze"
)

// TestCompileDockerEveryArch: Docker's default profile compiles for every
// arch of its archMap, and for ppc64le (which the archMap lacks: its native
// arch alone), by GOARCH name and by SCMP_ARCH name alike, without a
// warning about an arch; the program, written in the target's byte order,
// covers the target and the archMap's sub-arches and decides as the
// profile does.
func TestCompileDockerEveryArch(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		names  []string // GOARCH (if any), table and SCMP_ARCH names
		covers []string
	}{
		{[]string{"amd64", "x86_64", "SCMP_ARCH_X86_64"}, []string{"i386", "x32", "x86_64"}},
		{[]string{"arm64", "aarch64", "SCMP_ARCH_AARCH64"}, []string{"aarch64", "arm"}},
		{[]string{"s390x", "SCMP_ARCH_S390X"}, []string{"s390", "s390x"}},
		{[]string{"mips64", "SCMP_ARCH_MIPS64"}, []string{"mips", "mips64", "mips64n32"}},
		{[]string{"mips64le", "mipsel64", "SCMP_ARCH_MIPSEL64"}, []string{"mipsel", "mipsel64", "mipsel64n32"}},
		{[]string{"mips64n32", "SCMP_ARCH_MIPS64N32"}, []string{"mips", "mips64", "mips64n32"}},
		{[]string{"mipsel64n32", "SCMP_ARCH_MIPSEL64N32"}, []string{"mipsel", "mipsel64", "mipsel64n32"}},
		{[]string{"loong64", "loongarch64", "SCMP_ARCH_LOONGARCH64"}, []string{"loongarch64"}},
		{[]string{"riscv64", "SCMP_ARCH_RISCV64"}, []string{"riscv64"}},
		{[]string{"ppc64le", "SCMP_ARCH_PPC64LE"}, []string{"ppc64le"}},
	} {
		var ref []byte
		for _, name := range tc.names {
			out := filepath.Join(dir, strings.ToLower(name)+".bpf")
			_, errs, code := seccompCmd(t, "", "compile", "-arch", name, "-kernel", "6.1", "-o", out, "default")
			if code != 0 {
				t.Errorf("-arch %s: exit %d: %s", name, code, errs)
				continue
			}
			for _, bad := range []string{"arch skipped", "skipped: its byte order", "SCMP_ARCH_", "unknown arch", "not supported"} {
				if strings.Contains(errs, bad) {
					t.Errorf("-arch %s: stderr %q", name, errs)
				}
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if ref == nil {
				ref = b
			} else if string(b) != string(ref) {
				t.Errorf("-arch %s: not the program -arch %s gives", name, tc.names[0])
			}
			target, err := seccomp.LookupArch(name)
			if err != nil {
				t.Fatal(err)
			}
			p, err := seccomp.DecodeRaw(b, target.ByteOrder())
			if err != nil {
				t.Fatal(err)
			}
			if err := seccomp.Verify(p); err != nil {
				t.Errorf("-arch %s: %v", name, err)
				continue
			}
			var covers []string
			for _, a := range analyze.DetectArches(p) {
				covers = append(covers, a.Name)
			}
			slices.Sort(covers)
			if !slices.Equal(covers, tc.covers) {
				t.Errorf("-arch %s: the program covers %v, want %v", name, covers, tc.covers)
			}
			e := seccomp.MustEmulator(p)
			for _, c := range []struct {
				call string
				want seccomp.Action
			}{{"read", seccomp.ActAllow}, {"mount", seccomp.Errno(1)}, {"setns", seccomp.Errno(1)}} {
				nr, ok := target.Syscall(c.call)
				if !ok {
					t.Fatalf("%s: no %s", target, c.call)
				}
				if got := e.Action(seccomp.Data{Nr: nr, Arch: target.AuditArch}); got != c.want {
					t.Errorf("-arch %s: %s gets %v, want %v", name, c.call, got, c.want)
				}
			}
			// Calls of an arch the filter does not cover: KILL_THREAD.
			if got := e.Action(seccomp.Data{Nr: 0, Arch: seccomp.AuditArchM68K}); got != seccomp.ActKillThread {
				t.Errorf("-arch %s: an m68k call gets %v", name, got)
			}
		}
	}
}

package profile

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seccomp-go/seccomp"
)

var k61 = &KernelVersion{Kernel: 6, Major: 1}

// The embedded profile is the file the root package's tests use.
func TestDefaultIsMobyV030(t *testing.T) {
	b, err := os.ReadFile("../testdata/profiles/docker-default.json")
	require.NoError(t, err)
	assert.True(t, bytes.Equal(b, DefaultJSON()))
	assert.Equal(t, FormatDocker, Default().Format())
}

// Docker's default profile, resolved for amd64 and arm64, compiles and
// decides what Docker documents.
func TestDefaultCompiles(t *testing.T) {
	for _, tc := range []struct {
		target *seccomp.Arch
		arches []*seccomp.Arch
	}{
		{seccomp.ArchX86_64, []*seccomp.Arch{seccomp.ArchX86_64, seccomp.ArchI386, seccomp.ArchX32}},
		{seccomp.ArchAArch64, []*seccomp.Arch{seccomp.ArchAArch64, seccomp.ArchARM}},
	} {
		t.Run(tc.target.Name, func(t *testing.T) {
			r, err := Default().Build(Options{Arch: tc.target, Kernel: k61})
			require.NoError(t, err)
			p, err := r.Compile()
			require.NoError(t, err)
			assert.Equal(t, tc.arches, r.Filter.Arches())
			assert.Empty(t, r.Filter.Lint())
			t.Logf("%s: %d rules, %d instructions, %d warnings", tc.target.Name, len(r.Filter.Rules()), len(p), len(r.Warnings))
			eperm := seccomp.Errno(1)
			assert.Equal(t, seccomp.ActAllow, decide(t, r, nil, "read"))
			assert.Equal(t, seccomp.ActAllow, decide(t, r, nil, "ptrace"), "minKernel 4.8")
			assert.Equal(t, eperm, decide(t, r, nil, "mount"), "needs CAP_SYS_ADMIN")
			assert.Equal(t, eperm, decide(t, r, nil, "kexec_load"))
			assert.Equal(t, seccomp.Errno(38), decide(t, r, nil, "clone3"), "ENOSYS without CAP_SYS_ADMIN, so that glibc falls back to clone")
			assert.Equal(t, seccomp.ActAllow, decide(t, r, nil, "personality", 0xffffffff))
			assert.Equal(t, eperm, decide(t, r, nil, "personality", 9))
			assert.Equal(t, seccomp.ActAllow, decide(t, r, nil, "socket", 1))
			assert.Equal(t, eperm, decide(t, r, nil, "socket", 40), "AF_VSOCK")
			assert.Equal(t, eperm, decide(t, r, nil, "clone", 0x10000000), "CLONE_NEWUSER")
			assert.Equal(t, seccomp.ActAllow, decide(t, r, nil, "clone", 0x00011200))
			assert.Equal(t, seccomp.ActKillThread, decideNr(t, r, seccomp.AuditArchRISCV64, 63), "not covered")
			// With CAP_SYS_ADMIN, mount and unshare(CLONE_NEWUSER) are allowed.
			r, err = Default().Build(Options{Arch: tc.target, Kernel: k61, Caps: append([]string{"sys_admin"}, DefaultCaps...)})
			require.NoError(t, err)
			assert.Equal(t, seccomp.ActAllow, decide(t, r, nil, "mount"))
			assert.Equal(t, seccomp.ActAllow, decide(t, r, nil, "clone", 0x10000000))
			assert.Equal(t, seccomp.ActAllow, decide(t, r, nil, "clone3"))
			// An old kernel: no ptrace.
			r, err = Default().Build(Options{Arch: tc.target, Kernel: &KernelVersion{Kernel: 4, Major: 7}})
			require.NoError(t, err)
			assert.Equal(t, eperm, decide(t, r, nil, "ptrace"))
		})
	}
}

func TestResolve(t *testing.T) {
	d, _, err := Parse([]byte(`{"defaultAction": "SCMP_ACT_ERRNO",
		"archMap": [{"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]},
		            {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]}],
		"syscalls": [
			{"names": ["a"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64", "x86"]}},
			{"names": ["b"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["x86"]}},
			{"names": ["c"], "action": "SCMP_ACT_ALLOW", "excludes": {"arches": ["arm64"]}},
			{"names": ["d"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN", "CAP_BPF"]}},
			{"names": ["e"], "action": "SCMP_ACT_ALLOW", "excludes": {"caps": ["CAP_BPF", "CAP_KILL"]}},
			{"names": ["f"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "5.10"}},
			{"names": ["g"], "action": "SCMP_ACT_ALLOW", "excludes": {"minKernel": "5.10"}},
			{"name": "h", "action": "SCMP_ACT_ALLOW", "comment": "the old single name"}]}`))
	require.NoError(t, err)
	names := func(s *Seccomp) string {
		var out string
		for _, e := range s.Syscalls {
			out += e.Names[0]
		}
		return out
	}
	for _, tc := range []struct {
		arch   *seccomp.Arch
		caps   []string
		kernel KernelVersion
		arches []Arch
		want   string
	}{
		{seccomp.ArchX86_64, nil, KernelVersion{5, 10}, []Arch{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}, "acfh"},
		{seccomp.ArchAArch64, nil, KernelVersion{5, 9}, []Arch{"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"}, "gh"},
		{seccomp.ArchI386, []string{"ALL"}, KernelVersion{6, 0}, nil, "abcdfh"},
		{seccomp.ArchX86_64, []string{"CAP_SYS_ADMIN", "bpf"}, KernelVersion{4, 20}, []Arch{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}, "acdgh"},
		{seccomp.ArchX86_64, []string{}, KernelVersion{4, 20}, []Arch{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}, "acegh"},
	} {
		s, _, err := d.Resolve(Options{Arch: tc.arch, Caps: tc.caps, Kernel: &tc.kernel})
		require.NoError(t, err)
		assert.Equal(t, tc.want, names(s), "%s %v %v", tc.arch, tc.caps, tc.kernel)
		assert.Equal(t, tc.arches, s.Architectures)
	}
	// Every arch has a name in includes and excludes: x32's is "x32".
	s, _, err := d.Resolve(Options{Arch: seccomp.ArchX32, Kernel: k61})
	require.NoError(t, err)
	assert.Empty(t, s.Architectures, "archMap has no entry for x32")
	for _, js := range []string{
		`{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"], "archMap": [{"architecture": "SCMP_ARCH_X86_64"}]}`,
		`{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"name": "a", "names": ["b"], "action": "SCMP_ACT_ALLOW"}]}`,
		`{"defaultAction": "SCMP_ACT_ERRNO", "archMap": [{"architecture": "SCMP_ARCH_FOO"}]}`,
		`{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "5"}}]}`,
		`{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "0.0"}}]}`,
	} {
		_, err := Load([]byte(js), Options{Arch: seccomp.ArchX86_64, Kernel: k61})
		assert.Error(t, err, js)
	}
}

func TestKernelVersion(t *testing.T) {
	for _, tc := range []struct {
		release string
		want    KernelVersion
	}{{"6.1.0-18-amd64", KernelVersion{6, 1}}, {"3.12-1-amd64", KernelVersion{3, 12}}, {"5.10", KernelVersion{5, 10}}} {
		k, err := ParseRelease(tc.release)
		require.NoError(t, err)
		assert.Equal(t, tc.want, k)
	}
	_, err := ParseRelease("linux")
	assert.Error(t, err)
	for _, bad := range []string{"5", "5.10.1", "256.1", "a.b", "0.0", "-1.2"} {
		_, err := ParseKernelVersion(bad)
		assert.Error(t, err, bad)
	}
	assert.True(t, KernelVersion{4, 20}.Less(KernelVersion{5, 0}))
	assert.False(t, KernelVersion{5, 10}.Less(KernelVersion{5, 10}))
	k, err := RunningKernel()
	if runtime.GOOS == "linux" {
		require.NoError(t, err)
		assert.NotZero(t, k.Kernel)
	} else {
		assert.Error(t, err)
	}
}

// Reading and writing: Parse(Marshal(p)) is p, for the default profile
// and for an OCI profile with every field.
func TestRoundTrip(t *testing.T) {
	d := Default()
	b, err := d.Marshal()
	require.NoError(t, err)
	d2, warns, err := Parse(b)
	require.NoError(t, err)
	assert.Empty(t, warns)
	// All but the knowledge that d is the built-in profile (its ENOSYS is
	// the target's, see Default), which its JSON does not carry.
	assert.True(t, d.builtin)
	assert.False(t, d2.builtin)
	d2.builtin = true
	assert.True(t, reflect.DeepEqual(d, d2))

	errno := uint(13)
	s := &Seccomp{DefaultAction: ActErrno, DefaultErrnoRet: &errno, Architectures: []Arch{"SCMP_ARCH_X86_64", "SCMP_ARCH_X32"},
		Flags: []Flag{FlagLog, FlagWaitKillableRecv}, ListenerPath: "/run/agent.sock", ListenerMetadata: "opaque",
		Syscalls: []Syscall{{Names: []string{"read", "write"}, Action: ActNotify},
			{Names: []string{"personality"}, Action: ActAllow, Args: []Arg{{Index: 0, Value: 8, Op: OpEqualTo}, {Index: 1, Value: 0xff, ValueTwo: 3, Op: OpMaskedEqual}}},
			{Names: []string{"ptrace"}, Action: ActTrace, ErrnoRet: &errno}}}
	b, err = s.Marshal()
	require.NoError(t, err)
	s2, warns, err := ParseOCI(b)
	require.NoError(t, err)
	assert.Empty(t, warns)
	assert.Equal(t, s, s2)
	// The field names are the OCI ones.
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	for _, k := range []string{"defaultAction", "defaultErrnoRet", "architectures", "flags", "listenerPath", "listenerMetadata", "syscalls"} {
		assert.Contains(t, m, k)
	}
}

// TestENOSYSAfterKernel: resolved for a kernel, Docker's default profile
// gives the calls that kernel lacks ENOSYS (unless an entry decides them)
// and the older calls it does not name its default errno; the same
// kernel is the one its minKernel entries look at.
func TestENOSYSAfterKernel(t *testing.T) {
	for _, k := range []KernelVersion{{5, 10}, {4, 7}} {
		for _, target := range []*seccomp.Arch{seccomp.ArchX86_64, seccomp.ArchS390X} {
			r, err := Default().Build(Options{Arch: target, Kernel: &k, ENOSYSAfterKernel: true})
			require.NoError(t, err)
			named := map[string]bool{}
			for _, e := range r.Profile.Syscalls {
				for _, n := range e.Names {
					named[n] = true
				}
			}
			p, err := r.Compile()
			require.NoError(t, err)
			em := seccomp.MustEmulator(p)
			newer, older := 0, 0
			for _, a := range r.Filter.Arches() {
				for _, name := range a.Syscalls() {
					if named[name] {
						continue
					}
					since, _ := a.SyscallSince(name)
					nr, _ := a.Syscall(name)
					d := seccomp.Data{Nr: nr, Arch: a.AuditArch}
					want := seccomp.Errno(1) // the profile's default
					if k.Release().Before(since) {
						want = seccomp.Errno(seccomp.ENOSYS)
						newer++
					} else {
						older++
					}
					require.Equal(t, want, em.Action(d), "%s on %s %s (since %s)", name, a.Name, k, since)
				}
			}
			assert.Positive(t, newer, "%s %s", target.Name, k)
			assert.Positive(t, older, "%s %s", target.Name, k)
			// Named calls keep their entries' decision, whatever their age.
			read, _ := target.Syscall("read")
			assert.Equal(t, seccomp.ActAllow, em.Action(seccomp.Data{Nr: read, Arch: target.AuditArch}))
			statx, _ := target.Syscall("statx") // 4.11, allowed by the profile
			assert.Equal(t, seccomp.ActAllow, em.Action(seccomp.Data{Nr: statx, Arch: target.AuditArch}))
			// minKernel 4.8: ptrace is allowed on 5.10 only.
			ptrace, _ := target.Syscall("ptrace")
			want := seccomp.ActAllow
			if k.Less(KernelVersion{4, 8}) {
				want = seccomp.Errno(1)
			}
			assert.Equal(t, want, em.Action(seccomp.Data{Nr: ptrace, Arch: target.AuditArch}), "ptrace on %s", k)
		}
	}
	// Off by default.
	r, err := Default().Build(Options{Arch: seccomp.ArchX86_64, Kernel: k61})
	require.NoError(t, err)
	fileGetattr, _ := seccomp.ArchX86_64.Syscall("file_getattr") // 6.17, not in the profile
	assert.Equal(t, seccomp.Errno(1), r.Evaluate(seccomp.Data{Nr: fileGetattr, Arch: seccomp.AuditArchX86_64}))
	r, err = Default().Build(Options{Arch: seccomp.ArchX86_64, Kernel: k61, ENOSYSAfterKernel: true})
	require.NoError(t, err)
	assert.Equal(t, seccomp.Errno(seccomp.ENOSYS), r.Evaluate(seccomp.Data{Nr: fileGetattr, Arch: seccomp.AuditArchX86_64}))
	assert.Equal(t, seccomp.Release{Major: 6, Minor: 1}, k61.Release())
}

package record_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/profile"
	"github.com/seccomp-go/seccomp/record"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// call makes a recorded x86_64 call (numbers from the kernel's
// syscall_64.tbl, written out here rather than looked up).
func call(name string, nr int32, count uint64, args ...record.ArgValues) record.Call {
	return record.Call{Arch: "x86_64", AuditArch: seccomp.AuditArchX86_64, Nr: nr, Name: name, Count: count, Args: args}
}

func arg(i int, vs ...uint64) record.ArgValues {
	a := record.ArgValues{Index: i}
	for _, v := range vs {
		a.Values = append(a.Values, record.Value{Value: v, Count: 1})
	}
	return a
}

func field(name string, vs ...uint64) record.ArgValues {
	a := arg(-1, vs...)
	a.Field = name
	return a
}

func marshal(t *testing.T, p *profile.Docker) string {
	t.Helper()
	b, err := record.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// decide returns what the written profile decides for an x86_64 call, as
// package profile (independent of this one) reads it back.
func decide(t *testing.T, p *profile.Docker, nr int32, args ...uint64) seccomp.Action {
	t.Helper()
	r, err := profile.Load([]byte(marshal(t, p)), profile.Options{Arch: seccomp.ArchX86_64})
	if err != nil {
		t.Fatal(err)
	}
	d := seccomp.Data{Nr: nr, Arch: seccomp.AuditArchX86_64}
	copy(d.Args[:], args)
	return r.Evaluate(d)
}

func TestProfilePlain(t *testing.T) {
	rec := &record.Recording{Calls: []record.Call{
		call("execve", 59, 1), call("read", 0, 5), call("write", 1, 2),
		call("socket", 41, 2, arg(0, 1, 2)), // recorded always; no condition without Args
		{Arch: "x86_64", AuditArch: seccomp.AuditArchX86_64, Nr: 999, Count: 1},
	}}
	p, rep, err := rec.Profile(record.ProfileOptions{Arch: seccomp.ArchX86_64})
	if err != nil {
		t.Fatal(err)
	}
	want := `{
	"defaultAction": "SCMP_ACT_ERRNO",
	"defaultErrnoRet": 1,
	"architectures": [
		"SCMP_ARCH_X86_64"
	],
	"syscalls": [
		{
			"names": [
				"execve",
				"read",
				"socket",
				"write"
			],
			"action": "SCMP_ACT_ALLOW"
		}
	]
}
`
	if got := marshal(t, p); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if rep.Added != 1 || len(rep.Calls) != 4 || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "syscall 999") {
		t.Errorf("report %+v", rep)
	}
	for _, c := range rep.Calls {
		if !c.New || !c.Allowed {
			t.Errorf("%s: New %v Allowed %v", c.Name, c.New, c.Allowed)
		}
	}
	if a := decide(t, p, 41, 10); a != seccomp.ActAllow {
		t.Errorf("socket(AF_INET6): %v", a)
	}
	if a := decide(t, p, 39); a != seccomp.Errno(1) {
		t.Errorf("getpid: %v", a)
	}
}

func TestProfileArgs(t *testing.T) {
	const (
		threadFlags = 0x3d0f00 // glibc's pthread_create through clone3
		forkFlags   = 0x1200011
		newUser     = 0x10000000
	)
	rec := &record.Recording{Calls: []record.Call{
		call("clone", 56, 2, arg(0, forkFlags)),
		call("clone3", 435, 1, field(record.FieldCloneExitSignal, 0), field(record.FieldCloneFlags, threadFlags)),
		call("execve", 59, 1),
		call("ioctl", 16, 3, arg(1, 0x5401, 0x5413)),
		call("personality", 135, 1, arg(0, 0xffffffff)),
		call("socket", 41, 2, arg(0, 1, 2)),
	}}
	p, rep, err := rec.Profile(record.ProfileOptions{Arch: seccomp.ArchX86_64, Args: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Warnings) != 0 {
		t.Errorf("warnings %q", rep.Warnings)
	}
	// One plain entry (execve), one per exact value (5), the clone mask,
	// clone3's ENOSYS.
	if len(p.Syscalls) != 8 || rep.Added != 8 {
		t.Errorf("%d entries, %d added:\n%s", len(p.Syscalls), rep.Added, marshal(t, p))
	}
	cases := []struct {
		what string
		nr   int32
		args []uint64
		want seccomp.Action
	}{
		{"fork", 56, []uint64{forkFlags}, seccomp.ActAllow},
		{"a thread, as clone3 did", 56, []uint64{threadFlags}, seccomp.ActAllow},
		{"fewer flags", 56, []uint64{0x11}, seccomp.ActAllow},
		{"a new user namespace", 56, []uint64{forkFlags | newUser}, seccomp.Errno(1)},
		{"clone3", 435, nil, seccomp.Errno(seccomp.ENOSYS)},
		{"TCGETS", 16, []uint64{3, 0x5401}, seccomp.ActAllow},
		{"TIOCSTI", 16, []uint64{3, 0x5412}, seccomp.Errno(1)},
		{"personality(-1)", 135, []uint64{0xffffffff}, seccomp.ActAllow},
		{"personality(READ_IMPLIES_EXEC)", 135, []uint64{0x400000}, seccomp.Errno(1)},
		{"AF_UNIX", 41, []uint64{1}, seccomp.ActAllow},
		{"AF_INET", 41, []uint64{2}, seccomp.ActAllow},
		{"AF_NETLINK", 41, []uint64{16}, seccomp.Errno(1)},
		{"execve", 59, nil, seccomp.ActAllow},
	}
	for _, c := range cases {
		if got := decide(t, p, c.nr, c.args...); got != c.want {
			t.Errorf("%s: %v, want %v", c.what, got, c.want)
		}
	}
	for _, c := range rep.Calls {
		if c.Allowed != (c.Name != "clone3") {
			t.Errorf("%s: Allowed %v (%v)", c.Name, c.Allowed, c.Action)
		}
	}

	// clone3 whose flags were not read: allowed, with a warning.
	rec.Calls[1].Args = []record.ArgValues{field(record.FieldUnread, 0)}
	p, rep, err = rec.Profile(record.ProfileOptions{Arch: seccomp.ArchX86_64, Args: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "clone3") {
		t.Errorf("warnings %q", rep.Warnings)
	}
	if got := decide(t, p, 435); got != seccomp.ActAllow {
		t.Errorf("clone3 unread: %v", got)
	}
	if got := decide(t, p, 56, threadFlags); got != seccomp.Errno(1) {
		t.Errorf("clone with flags only clone3 had, unread: %v", got)
	}
}

func TestProfileBase(t *testing.T) {
	rec := &record.Recording{Calls: []record.Call{
		call("execve", 59, 1),
		call("socket", 41, 2, arg(0, 1, 40)), // AF_UNIX, AF_VSOCK
		call("ptrace", 101, 1),
	}}
	for _, args := range []bool{false, true} {
		p, rep, err := rec.Profile(record.ProfileOptions{Arch: seccomp.ArchX86_64, Args: args, Base: profile.Default()})
		if err != nil {
			t.Fatal(err)
		}
		if p.Format() != profile.FormatDocker || len(p.Syscalls) != len(profile.Default().Syscalls)+1 {
			t.Errorf("args %v: format %v, %d entries", args, p.Format(), len(p.Syscalls))
		}
		news := map[string]bool{}
		for _, c := range rep.Calls {
			news[c.Name] = c.New
		}
		// Docker's default allows execve, socket(AF_UNIX) but not
		// AF_VSOCK, and ptrace only on kernels since 4.8.
		if news["execve"] || !news["socket"] || news["ptrace"] {
			t.Errorf("args %v: new %v", args, news)
		}
		vsock := decide(t, p, 41, 40)
		inet6 := decide(t, p, 41, 10)    // allowed by Docker's default
		appletalk := decide(t, p, 41, 5) // denied by Docker's default
		if vsock != seccomp.ActAllow || inet6 != seccomp.ActAllow || (appletalk == seccomp.ActAllow) == args {
			t.Errorf("args %v: AF_VSOCK %v, AF_INET6 %v, AF_APPLETALK %v", args, vsock, inet6, appletalk)
		}
	}
}

func TestProfileFormats(t *testing.T) {
	rec := &record.Recording{Calls: []record.Call{
		call("read", 0, 1),
		{Arch: "i386", AuditArch: seccomp.AuditArchI386, Nr: 3, Name: "read", Count: 1},
	}}
	p, _, err := rec.Profile(record.ProfileOptions{Arch: seccomp.ArchX86_64, Format: profile.FormatDocker})
	if err != nil {
		t.Fatal(err)
	}
	want := `{
	"defaultAction": "SCMP_ACT_ERRNO",
	"defaultErrnoRet": 1,
	"archMap": [
		{
			"architecture": "SCMP_ARCH_X86_64",
			"subArchitectures": [
				"SCMP_ARCH_X86"
			]
		}
	],
	"syscalls": [
		{
			"names": [
				"read"
			],
			"action": "SCMP_ACT_ALLOW",
			"args": [],
			"comment": "recorded"
		}
	]
}
`
	if got := marshal(t, p); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	enosys := uint(seccomp.ENOSYS)
	p, _, err = rec.Profile(record.ProfileOptions{Arch: seccomp.ArchX86_64, DefaultAction: profile.ActKillProcess})
	if err != nil {
		t.Fatal(err)
	}
	if p.DefaultAction != profile.ActKillProcess || p.DefaultErrnoRet != nil || len(p.Architectures) != 2 {
		t.Errorf("kill-process: %s", marshal(t, p))
	}
	p, _, _ = rec.Profile(record.ProfileOptions{Arch: seccomp.ArchX86_64, DefaultAction: profile.ActErrno, DefaultErrnoRet: &enosys})
	if a := decide(t, p, 39); a != seccomp.Errno(seccomp.ENOSYS) {
		t.Errorf("enosys default: %v", a)
	}
}

func TestRecordingMerge(t *testing.T) {
	a := &record.Recording{Total: 3, Threads: 1, Calls: []record.Call{call("socket", 41, 2, arg(0, 1, 2)), call("read", 0, 1)}}
	b := &record.Recording{Total: 4, Threads: 2, Calls: []record.Call{call("write", 1, 1), call("socket", 41, 3, arg(0, 2, 10))}}
	a.Merge(b)
	if a.Total != 7 || a.Threads != 3 || len(a.Calls) != 3 {
		t.Fatalf("%+v", a)
	}
	s := a.Lookup("x86_64", "socket")
	if s.Count != 5 || len(s.Args) != 1 {
		t.Fatalf("%+v", s)
	}
	var got []uint64
	for _, v := range s.Arg(0).Values {
		got = append(got, v.Value, v.Count)
	}
	if want := []uint64{1, 1, 2, 2, 10, 1}; !equalU(got, want) {
		t.Errorf("values %v, want %v", got, want)
	}
	if names := a.Names("x86_64"); strings.Join(names, ",") != "read,socket,write" {
		t.Errorf("names %v", names)
	}
	// b is unchanged.
	if len(b.Calls[1].Args[0].Values) != 2 {
		t.Errorf("Merge changed its argument: %+v", b.Calls[1])
	}
}

func equalU(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestProfileBadRecording: a recording read back from JSON can say
// anything; Profile says what is wrong instead of panicking on an argument
// index out of range.
func TestProfileBadRecording(t *testing.T) {
	for _, args := range []string{
		`{"index":6,"values":[{"value":1,"count":1}]}`,
		`{"index":-2,"values":[{"value":1,"count":1}]}`,
		`{"index":-1,"values":[{"value":1,"count":1}]}`,
		`{"index":-1,"field":"unreadable","values":[]}`,
	} {
		var rec record.Recording
		data := `{"calls":[{"arch":"x86_64","auditArch":3221225534,"nr":41,"name":"socket","count":1,"args":[` + args + `]}],"total":1}`
		if err := json.Unmarshal([]byte(data), &rec); err != nil {
			t.Fatal(err)
		}
		for _, withArgs := range []bool{false, true} {
			_, _, err := rec.Profile(record.ProfileOptions{Arch: seccomp.ArchX86_64, Args: withArgs})
			if err == nil || !strings.Contains(err.Error(), "x86_64 socket") {
				t.Errorf("%s, Args %v: %v, want an error about x86_64 socket", args, withArgs, err)
			}
		}
	}
}

// On mips and parisc, ENOSYS has numbers of its own (89, 251: the
// arches' asm/errno.h): a recorded profile answers clone3 with those, or
// no C library there would fall back to clone.
func TestProfileClone3ENOSYSPerArch(t *testing.T) {
	for _, c := range []struct {
		arch string
		want uint16
	}{{"x86_64", 38}, {"mips64", 89}, {"mipsel", 89}, {"parisc64", 251}, {"aarch64", 38}} {
		arch, err := seccomp.LookupArch(c.arch)
		require.NoError(t, err)
		nr, ok := arch.Syscall("clone3")
		require.True(t, ok, c.arch)
		rec := &record.Recording{Calls: []record.Call{{Arch: arch.Name, AuditArch: arch.AuditArch, Nr: int32(nr), Name: "clone3", Count: 1,
			Args: []record.ArgValues{field(record.FieldCloneExitSignal, 0), field(record.FieldCloneFlags, 0x3d0f00)}}}}
		p, _, err := rec.Profile(record.ProfileOptions{Arch: arch, Args: true})
		require.NoError(t, err, c.arch)
		r, err := profile.Load([]byte(marshal(t, p)), profile.Options{Arch: arch})
		require.NoError(t, err, c.arch)
		got := r.Evaluate(seccomp.Data{Nr: int32(nr), Arch: arch.AuditArch})
		assert.Equal(t, seccomp.Errno(c.want), got, "%s clone3", c.arch)
	}
}

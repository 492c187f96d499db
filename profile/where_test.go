package profile

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seccomp-go/seccomp"
)

// Entries that the options of TestWhereInTheFile leave out (Docker's
// default capabilities, kernel 5.4, amd64 unless a case says otherwise),
// each by one of the conditions of includes and excludes. An entry after
// them is still named by its index in the file.
const (
	// Left out: CAP_SYS_ADMIN is not among Docker's default capabilities.
	inclCaps = `{"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}}`
	// Left out: CAP_CHOWN is among them.
	exclCaps = `{"names": ["chown"], "action": "SCMP_ACT_ALLOW", "excludes": {"caps": ["CAP_CHOWN"]}}`
	// Left out on amd64 (kept on arm64).
	inclArm64 = `{"names": ["getpid"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["arm64"]}}`
	// Left out on amd64 (kept on arm64).
	exclAmd64 = `{"names": ["getppid"], "action": "SCMP_ACT_ALLOW", "excludes": {"arches": ["amd64"]}}`
	// Left out on x86 (i386).
	exclX86 = `{"names": ["getppid"], "action": "SCMP_ACT_ALLOW", "excludes": {"arches": ["x86"]}}`
	// Left out on 5.4.
	inclKernel6 = `{"names": ["getuid"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "6.0"}}`
	// Left out on 5.4.
	exclKernel4 = `{"names": ["getgid"], "action": "SCMP_ACT_ALLOW", "excludes": {"minKernel": "4.0"}}`
)

// loc is an error (Kind 0) or a warning, as a test expects it: where, and
// a part of the reason.
type loc struct {
	Kind   WarningKind
	Entry  int
	Field  string
	Reason string
}

func errorLocs(t *testing.T, err error) []loc {
	t.Helper()
	var out []loc
	for _, e := range unjoin(err) {
		var pe *Error
		require.True(t, errors.As(e, &pe), "%T %v", e, e)
		// The text form names the field first.
		prefix := "profile: " + pe.Field
		if pe.Syscall != "" {
			prefix += " (" + pe.Syscall + ")"
		}
		assert.True(t, strings.HasPrefix(e.Error(), prefix+": "), "%q does not start with %q", e.Error(), prefix)
		out = append(out, loc{Entry: pe.Entry, Field: pe.Field, Reason: pe.Reason})
	}
	return out
}

func warningLocs(t *testing.T, warns []Warning) []loc {
	t.Helper()
	var out []loc
	for _, w := range warns {
		assert.True(t, strings.HasPrefix(w.String(), "profile: warning: "+w.Field+": "), "%q does not name %q", w, w.Field)
		out = append(out, loc{Kind: w.Kind, Entry: w.Entry, Field: w.Field, Reason: w.Reason})
	}
	return out
}

// matchLocs checks that got is want (in any order), each reason
// containing the part wanted.
func matchLocs(t *testing.T, got, want []loc) {
	t.Helper()
	strip := func(ls []loc) []loc {
		out := make([]loc, len(ls))
		for i, l := range ls {
			out[i] = loc{Kind: l.Kind, Entry: l.Entry, Field: l.Field}
		}
		return out
	}
	if !assert.ElementsMatch(t, strip(want), strip(got)) {
		return
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			if g.Kind == w.Kind && g.Entry == w.Entry && g.Field == w.Field && strings.Contains(g.Reason, w.Reason) {
				found = true
			}
		}
		assert.True(t, found, "no %v at %s with a reason containing %q in %v", w.Kind, w.Field, w.Reason, got)
	}
}

// TestWhereInTheFile checks that every error and warning names the entry
// by its index in the file (and the field in it), whatever entries before
// it Docker's includes and excludes leave out: the expected paths are
// read off the input by hand.
func TestWhereInTheFile(t *testing.T) {
	profile := func(entries ...string) string {
		return `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [` + strings.Join(entries, ",\n") + `]}`
	}
	kernel54 := &KernelVersion{Kernel: 5, Major: 4}
	badOp := `{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_BOGUS"}]}`
	for _, c := range []struct {
		name string
		js   string
		arch *seccomp.Arch // amd64 when nil
		caps []string
		// loadOnly: Parse refuses the profile, and only Load checks the
		// rest of it.
		loadOnly bool
		errs     []loc
		warns    []loc
	}{
		{name: "includes.caps", js: profile(inclCaps, badOp),
			errs: []loc{{0, 1, "syscalls[1].args[0].op", `unknown operator "SCMP_CMP_BOGUS"`}}},
		{name: "includes.caps granted", js: profile(inclCaps, badOp), caps: []string{"SYS_ADMIN"},
			errs: []loc{{0, 1, "syscalls[1].args[0].op", `unknown operator "SCMP_CMP_BOGUS"`}}},
		{name: "excludes.caps", js: profile(exclCaps, `{"names": ["read"], "action": "SCMP_ACT_ALOW"}`),
			errs: []loc{{0, 1, "syscalls[1].action", `unknown action "SCMP_ACT_ALOW"`}}},
		{name: "arches", js: profile(inclArm64, exclAmd64, `{"names": ["read", "nosuchcall"], "action": "SCMP_ACT_ALLOW"}`),
			warns: []loc{{WarnUnknownSyscall, 2, "syscalls[2].names[1]", `unknown system call "nosuchcall" on x86_64: skipped`}}},
		{name: "arches kept", js: profile(inclArm64, exclAmd64, `{"names": ["read", "nosuchcall"], "action": "SCMP_ACT_ALLOW"}`), arch: seccomp.ArchAArch64,
			warns: []loc{{WarnUnknownSyscall, 2, "syscalls[2].names[1]", `unknown system call "nosuchcall" on aarch64: skipped`}}},
		{name: "minKernel", js: profile(inclKernel6, exclKernel4, `{"names": ["read"], "action": "SCMP_ACT_ALLOW", "errnoRet": 1}`),
			errs: []loc{{0, 2, "syscalls[2].errnoRet", "SCMP_ACT_ALLOW takes no errno"}}},
		{name: "name", js: profile(inclCaps, `{"name": "nosuchcall", "action": "SCMP_ACT_ALLOW"}`),
			warns: []loc{{WarnUnknownSyscall, 1, "syscalls[1].name", `unknown system call "nosuchcall"`}}},
		{name: "Podman errno", js: profile(inclCaps, `{"names": ["read"], "action": "SCMP_ACT_ERRNO", "errno": "5000"}`),
			errs: []loc{{0, 1, "syscalls[1].errno", "5000 is out of range for SCMP_ACT_ERRNO"}}},
		{name: "Podman errno on ALLOW", js: profile(exclCaps, `{"names": ["read"], "action": "SCMP_ACT_ALLOW", "errnoRet": 1, "errno": "EPERM"}`),
			errs: []loc{{0, 1, "syscalls[1].errno", "SCMP_ACT_ALLOW takes no errno"}}},
		{name: "Podman defaultErrno", js: `{"defaultAction": "SCMP_ACT_ALLOW", "defaultErrno": "EPERM", "syscalls": [` + inclCaps + `]}`,
			errs: []loc{{0, -1, "defaultErrno", "SCMP_ACT_ALLOW takes no errno"}}},
		{name: "valueTwo", js: profile(exclCaps, `{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [
			{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 1, "valueTwo": 2, "op": "SCMP_CMP_EQ"}]}`),
			warns: []loc{{WarnIgnored, 1, "syscalls[1].args[1].valueTwo", "valueTwo is used only by SCMP_CMP_MASKED_EQ"}}},
		{name: "value width", arch: seccomp.ArchI386, js: profile(exclX86, `{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [
			{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 4294967297, "op": "SCMP_CMP_LE"}]}`),
			warns: []loc{{WarnValueWidth, 1, "syscalls[1].args[1]", "the value does not fit in 32 bits"}}},
		{name: "unconditional before", js: profile(inclCaps, `{"names": ["read"], "action": "SCMP_ACT_ALLOW"}`,
			`{"names": ["read"], "action": "SCMP_ACT_LOG", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}`),
			warns: []loc{{WarnIgnored, 2, "syscalls[2]", "read: syscalls[1] decides it unconditionally before this entry"}}},
		{name: "unconditional after", js: profile(exclCaps, `{"names": ["read"], "action": "SCMP_ACT_LOG", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}`,
			`{"names": ["read"], "action": "SCMP_ACT_ALLOW"}`),
			warns: []loc{{WarnIgnored, 1, "syscalls[1]", "read: syscalls[2] decides it unconditionally, which overrides this entry's conditional rule"}}},
		{name: "same conditions", js: profile(inclCaps, `{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}`,
			`{"names": ["read"], "action": "SCMP_ACT_LOG", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}`),
			errs: []loc{{0, 2, "syscalls[2]", "as syscalls[1], with another action"}}},
		{name: "never matches", js: profile(inclKernel6, `{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_LT"}]}`),
			warns: []loc{{WarnIgnored, 1, "syscalls[1].args[0]", "no call can match"}}},
		{name: "never matches, two conditions", js: profile(inclKernel6, `{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [
			{"index": 0, "value": 5, "op": "SCMP_CMP_GT"}, {"index": 1, "value": 0, "op": "SCMP_CMP_LT"}]}`),
			warns: []loc{{WarnIgnored, 1, "syscalls[1].args", "no call can match"}}},
		{name: "empty name", js: profile(inclCaps, `{"names": ["read", ""], "action": "SCMP_ACT_ALLOW"}`),
			errs: []loc{{0, 1, "syscalls[1].names[1]", "empty system call name"}}},
		{name: "no names", js: profile(exclKernel4, `{"action": "SCMP_ACT_ALLOW"}`),
			warns: []loc{{WarnIgnored, 1, "syscalls[1]", "no names"}}},
		{name: "notify write", js: `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [` + inclCaps + `, {"names": ["read", "write"], "action": "SCMP_ACT_NOTIFY"}]}`,
			errs: []loc{{0, 1, "syscalls[1].names[1]", "SCMP_ACT_NOTIFY cannot be used for write"}}},
		{name: "not on arch", js: `{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86"], "syscalls": [` +
			inclCaps + `, {"names": ["read", "chown32"], "action": "SCMP_ACT_ALLOW"}]}`,
			warns: []loc{{WarnSyscallNotOnArch, 1, "syscalls[1].names[1]", `"chown32" does not exist on x86_64`}}},
		{name: "unknown name, first entry that is not the default", js: profile(inclCaps, `{"names": ["nosuchcall"], "action": "SCMP_ACT_ERRNO"}`,
			`{"names": ["read", "nosuchcall"], "action": "SCMP_ACT_ALLOW"}`),
			warns: []loc{{WarnUnknownSyscall, 2, "syscalls[2].names[1]", `"nosuchcall"`}}},
		// More than 16 names: a map finds the first place of the name.
		{name: "many names", js: profile(inclCaps, `{"names": ["read", "write", "open", "close", "stat", "fstat", "lstat", "poll", "lseek",
			"mmap", "mprotect", "munmap", "brk", "rt_sigaction", "rt_sigprocmask", "ioctl", "pread64", "pwrite64",
			"nosuchcall", "readv", "nosuchcall"], "action": "SCMP_ACT_ALLOW"}`),
			warns: []loc{{WarnUnknownSyscall, 1, "syscalls[1].names[18]", `"nosuchcall"`}}},
		{name: "config.json", js: `{"ociVersion": "1.0.2", "linux": {"seccomp": ` + profile(inclCaps, badOp) + `}}`,
			errs: []loc{{0, 1, "linux.seccomp.syscalls[1].args[0].op", "unknown operator"}}},
		{name: "config.json, reference in the reason", js: `{"ociVersion": "1.0.2", "linux": {"seccomp": ` + profile(inclCaps,
			`{"names": ["read"], "action": "SCMP_ACT_ALLOW"}`, `{"names": ["read"], "action": "SCMP_ACT_LOG", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}`) + `}}`,
			warns: []loc{{WarnIgnored, 2, "linux.seccomp.syscalls[2]", "read: linux.seccomp.syscalls[1] decides it unconditionally"}}},
		{name: "config.json, unknown name", js: `{"ociVersion": "1.0.2", "linux": {"seccomp": ` + profile(exclCaps, `{"names": ["read", "nosuchcall"], "action": "SCMP_ACT_ALLOW"}`) + `}}`,
			warns: []loc{{WarnUnknownSyscall, 1, "linux.seccomp.syscalls[1].names[1]", `"nosuchcall"`}}},
		// An error about the whole profile names linux.seccomp.
		{name: "config.json, the whole profile", js: `{"ociVersion": "1.0.2", "linux": {"seccomp": {"flags": []}}}`,
			errs: []loc{{0, -1, "linux.seccomp", "no defaultAction and no syscalls"}}},
		// Load checks what it could decode of a profile Parse refuses.
		{name: "partly decoded", loadOnly: true, js: profile(inclCaps, `{"names": ["read"], "action": "SCMP_ACT_ALLOW", "errnoRet": "x"}`,
			`{"names": ["write"], "action": "SCMP_ACT_ALLOW", "args": [null, {"index": 0, "value": 1, "op": "SCMP_CMP_BOGUS"}]}`),
			errs: []loc{
				{0, 1, "syscalls[1].errnoRet", "want an unsigned integer"},
				{0, 2, "syscalls[2].args[0]", "null is not a condition"},
				{0, 2, "syscalls[2].args[1].op", `unknown operator "SCMP_CMP_BOGUS"`},
			}},
		{name: "archMap partly decoded", loadOnly: true, js: `{"defaultAction": "SCMP_ACT_ERRNO", "archMap": [5, {"architecture": "SCMP_ARCH_BOGUS"}], "syscalls": []}`,
			errs: []loc{
				{0, -1, "archMap[0]", "want an object"},
				{0, -1, "archMap[1].architecture", `unknown architecture "SCMP_ARCH_BOGUS"`},
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := Options{Arch: c.arch, Caps: c.caps, Kernel: kernel54}
			if o.Arch == nil {
				o.Arch = seccomp.ArchX86_64
			}
			check := func(r *Result, err error) {
				t.Helper()
				if len(c.errs) > 0 {
					require.Error(t, err)
					matchLocs(t, errorLocs(t, err), c.errs)
					return
				}
				require.NoError(t, err)
				matchLocs(t, warningLocs(t, r.Warnings), c.warns)
			}
			check(Load([]byte(c.js), o))
			if c.loadOnly {
				return
			}
			// The library's steps, one by one.
			d, warns, err := Parse([]byte(c.js))
			require.NoError(t, err)
			require.Empty(t, warns)
			s, warns, err := d.Resolve(o)
			if err != nil {
				check(nil, err)
				return
			}
			require.Empty(t, warns)
			check(s.Build(o))
		})
	}
}

// A resolved profile whose entries are then added to or removed names
// them by their index in Seccomp.Syscalls: there is no telling where
// they are in the file.
func TestWhereChangedProfile(t *testing.T) {
	d, _, err := Parse([]byte(`{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [` + inclCaps + `, ` + inclCaps + `, {"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}`))
	require.NoError(t, err)
	o := Options{Arch: seccomp.ArchX86_64}
	s, _, err := d.Resolve(o)
	require.NoError(t, err)
	require.Len(t, s.Syscalls, 1)
	s.Syscalls = append(s.Syscalls, Syscall{Names: []string{"write"}, Action: "SCMP_ACT_BOGUS"})
	_, err = s.Build(o)
	matchLocs(t, errorLocs(t, err), []loc{{0, 1, "syscalls[1].action", `unknown action "SCMP_ACT_BOGUS"`}})

	// Unchanged in number, the entries keep their place in the file.
	s, _, err = d.Resolve(o)
	require.NoError(t, err)
	s.Syscalls[0].Action = "SCMP_ACT_BOGUS"
	_, err = s.Build(o)
	matchLocs(t, errorLocs(t, err), []loc{{0, 2, "syscalls[2].action", `unknown action "SCMP_ACT_BOGUS"`}})
}

// When the kernel version cannot be read, the error names the minKernel
// that needed it: in includes or in excludes.
func TestWhereKernelUnknown(t *testing.T) {
	noKernel := func() (*KernelVersion, error) { return nil, errors.New("no uname") }
	v := KernelVersion{Kernel: 6}
	for _, c := range []struct {
		e    DockerSyscall
		want string
	}{
		{DockerSyscall{Includes: &Selector{MinKernel: &v}}, "includes.minKernel"},
		{DockerSyscall{Excludes: &Selector{MinKernel: &v}}, "excludes.minKernel"},
		{DockerSyscall{Excludes: &Selector{Caps: []string{"CAP_SYS_ADMIN"}}, Includes: &Selector{MinKernel: &v}}, "includes.minKernel"},
	} {
		_, field, err := c.e.selected("amd64", nil, noKernel)
		assert.Error(t, err)
		assert.Equal(t, c.want, field)
	}
}

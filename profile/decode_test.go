package profile

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seccomp-go/seccomp"
)

func warningsOf(warns []Warning, kind WarningKind) []string {
	var out []string
	for _, w := range warns {
		if w.Kind == kind {
			out = append(out, w.String())
		}
	}
	return out
}

// TestDuplicateKeys: a field given twice takes its last value, as Go's
// encoding/json (runc's reader) gives it, with a warning that names the
// field and the lines; so do two spellings of a field that differ in case.
func TestDuplicateKeys(t *testing.T) {
	js := "{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n" +
		" \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_KILL\", \"Action\": \"SCMP_ACT_LOG\"}],\n" +
		" \"defaultAction\": \"SCMP_ACT_ERRNO\"}"
	d, warns, err := Parse([]byte(js))
	require.NoError(t, err)
	var oracle Docker
	require.NoError(t, json.Unmarshal([]byte(js), &oracle))
	assert.Equal(t, oracle.DefaultAction, d.DefaultAction)
	assert.Equal(t, ActErrno, d.DefaultAction, "the last one counts")
	assert.Equal(t, oracle.Syscalls[0].Action, d.Syscalls[0].Action)
	assert.Equal(t, ActLog, d.Syscalls[0].Action, "the last spelling counts, not the exact one")
	dups := warningsOf(warns, WarnDuplicateField)
	require.Len(t, dups, 2, "%v", warns)
	assert.Equal(t, `profile: warning: defaultAction: given 2 times, on lines 1, 3: the last one counts (merged into the others, for an object), as Go's encoding/json reads it, and so runc, Docker and Podman; a reader of the file may take the first`, dups[0])
	assert.Contains(t, dups[1], `syscalls[0].action: given 2 times (as "action", "Action": keys match without regard to case), on lines 2, 2`)
	for _, w := range warns {
		if w.Kind == WarnDuplicateField && w.Field == "syscalls[0].action" {
			assert.Equal(t, 0, w.Entry)
		}
	}

	// Load warns too, and builds what runc builds: ERRNO by default.
	r, err := Load([]byte(js), Options{Arch: seccomp.ArchX86_64})
	require.NoError(t, err)
	assert.Equal(t, seccomp.Errno(1), r.Filter.DefaultAction())
	assert.Len(t, warningsOf(r.Warnings, WarnDuplicateField), 2)

	// Deeper objects: arguments, selectors.
	js = `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_KILL",
		"includes": {"caps": ["CAP_SYS_ADMIN"], "caps": []},
		"args": [{"index": 0, "value": 1, "value": 2, "op": "SCMP_CMP_EQ"}]}]}`
	d, warns, err = Parse([]byte(js))
	require.NoError(t, err)
	assert.Equal(t, uint64(2), d.Syscalls[0].Args[0].Value)
	assert.Empty(t, d.Syscalls[0].Includes.Caps)
	assert.Len(t, warningsOf(warns, WarnDuplicateField), 2, "%v", warns)

	// encoding/json merges a later object into the earlier one: both
	// selectors' fields count, as for runc.
	js = `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_KILL",
		"excludes": {"caps": ["CAP_SYS_ADMIN"]}, "excludes": {"arches": ["arm64"]}}]}`
	d, _, err = Parse([]byte(js))
	require.NoError(t, err)
	var oracle2 Docker
	require.NoError(t, json.Unmarshal([]byte(js), &oracle2))
	assert.Equal(t, oracle2.Syscalls[0].Excludes, d.Syscalls[0].Excludes)
	assert.Equal(t, &Selector{Caps: []string{"CAP_SYS_ADMIN"}, Arches: []string{"arm64"}}, d.Syscalls[0].Excludes)

	// A wrong earlier value makes encoding/json, and so runc, refuse the
	// profile: so does Parse.
	_, _, err = Parse([]byte(`{"defaultAction": 3, "defaultAction": "SCMP_ACT_ALLOW"}`))
	assert.ErrorContains(t, err, "a field given more than once has a wrong earlier value")
}

// TestMinKernelEmpty: a minKernel of "" is the version 0.0, as moby reads
// it: every kernel meets it, so the entry is always excluded (or
// included); null is none.
func TestMinKernelEmpty(t *testing.T) {
	js := `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
		{"names": ["read"], "action": "SCMP_ACT_ALLOW", "excludes": {"minKernel": ""}},
		{"names": ["write"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": ""}},
		{"names": ["close"], "action": "SCMP_ACT_ALLOW", "excludes": {"minKernel": null}}]}`
	r, err := Load([]byte(js), Options{Arch: seccomp.ArchX86_64, Kernel: k61})
	require.NoError(t, err)
	assert.Equal(t, seccomp.Errno(1), decide(t, r, nil, "read"), "excluded")
	assert.Equal(t, seccomp.ActAllow, decide(t, r, nil, "write"), "included")
	assert.Equal(t, seccomp.ActAllow, decide(t, r, nil, "close"))
	d, _, err := Parse([]byte(js))
	require.NoError(t, err)
	b, err := d.Marshal()
	require.NoError(t, err)
	assert.Contains(t, string(b), `"minKernel": ""`)
	d2, _, err := Parse(b)
	require.NoError(t, err)
	assert.Equal(t, d.Syscalls, d2.Syscalls)
}

// TestEveryErrorAtOnce: a value that cannot be decoded does not hide the
// other problems of the profile, and those that follow from it are not
// reported twice.
func TestEveryErrorAtOnce(t *testing.T) {
	js := `{"defaultAction": "SCMP_ACT_ERRNO", "flags": ["SECCOMP_FILTER_FLAG_NOPE"], "syscalls": [
		{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": "x", "value": 1, "op": "SCMP_CMP_EQ"}]},
		{"names": ["write"], "action": "SCMP_ACT_NOPE"},
		{"names": ["close"], "action": 7},
		"nonsense",
		{"names": ["open"], "action": "SCMP_ACT_ERRNO", "errnoRet": 5000}]}`
	for _, target := range targets {
		err := loadErr(t, target, js)
		msgs := strings.Split(err.Error(), "\n")
		assert.Equal(t, []string{
			`profile: syscalls[0].args[0].index (read): got string "x", want an unsigned integer`,
			`profile: syscalls[2].action (close): got number 7, want a string`,
			`profile: syscalls[3]: got string "nonsense", want an object`,
			`profile: flags[0]: unknown flag "SECCOMP_FILTER_FLAG_NOPE" (SECCOMP_FILTER_FLAG_TSYNC, _LOG, _SPEC_ALLOW or _WAIT_KILLABLE_RECV)`,
			`profile: syscalls[1].action (write): unknown action "SCMP_ACT_NOPE"`,
			`profile: syscalls[4].errnoRet (open): 5000 is out of range for SCMP_ACT_ERRNO (0 to 4094)`,
		}, msgs)
		for _, e := range unjoin(err) {
			var pe *Error
			assert.True(t, errors.As(e, &pe), "%T", e)
		}
	}
	// Parse alone reports the decoding errors.
	_, _, err := Parse([]byte(js))
	assert.Len(t, unjoin(err), 3)
}

// TestLongTokensCut: an error or warning does not repeat a huge token of
// the profile whole.
func TestLongTokensCut(t *testing.T) {
	big := strings.Repeat("A", 10<<20)
	for _, js := range []string{
		`{"defaultAction": "` + big + `"}`,
		`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_KILL", "args": [{"index": 0, "op": "` + big + `"}]}]}`,
		`{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["` + big + `"]}`,
		`{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["` + big + `"]}`,
		`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_KILL", "args": [{"index": 0, "value": ` + strings.Repeat("9", 1<<20) + `, "op": "SCMP_CMP_EQ"}]}]}`,
		`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_KILL", "includes": {"minKernel": "` + big + `"}}]}`,
		`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_KILL", "errno": "` + big + `"}]}`,
		`[` + strings.Repeat("1,", 1<<20) + `1]`,
		`{"` + big + `": 1}`,
	} {
		_, err := Load([]byte(js), Options{Arch: seccomp.ArchX86_64, Kernel: k61})
		require.Error(t, err)
		assert.Less(t, len(err.Error()), 400, "%.200s", err)
		assert.Contains(t, err.Error(), "bytes)", "says how long the token was")
	}
	r, err := Load([]byte(`{"defaultAction": "SCMP_ACT_ALLOW", "`+big+`": 1, "syscalls": [{"names": ["`+big+`"], "action": "SCMP_ACT_KILL"}]}`), Options{Arch: seccomp.ArchX86_64})
	require.NoError(t, err)
	require.NotEmpty(t, r.Warnings)
	for _, w := range r.Warnings {
		assert.Less(t, len(w.Reason), 400, "%.200s", w.Reason)
	}
}

// TestConfigJSON: a whole OCI runtime config is read as the profile under
// linux.seccomp, and messages name the field in the file; one without a
// profile is refused with a hint.
func TestConfigJSON(t *testing.T) {
	js := `{"ociVersion": "1.2.0", "process": {"args": ["sh"]}, "root": {"path": "rootfs"},
		"linux": {"namespaces": [{"type": "pid"}], "seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "colour": 1,
			"syscalls": [{"names": ["read", "bogus_call"], "action": "SCMP_ACT_ALLOW"}]}}}`
	r, err := Load([]byte(js), Options{Arch: seccomp.ArchX86_64})
	require.NoError(t, err)
	assert.Equal(t, seccomp.ActAllow, decide(t, r, nil, "read"))
	assert.Equal(t, seccomp.Errno(1), decide(t, r, nil, "write"))
	assert.True(t, hasWarning(r, WarnUnknownField, `linux.seccomp.colour: unknown field "colour" ignored`), "%v", r.Warnings)
	var unknown []Warning
	for _, w := range r.Warnings {
		if w.Kind == WarnUnknownSyscall {
			unknown = append(unknown, w)
		}
	}
	require.Len(t, unknown, 1)
	assert.Equal(t, "bogus_call", unknown[0].Syscall)
	s, _, err := ParseOCI([]byte(js))
	require.NoError(t, err)
	assert.Equal(t, ActErrno, s.DefaultAction)

	err = loadErr(t, seccomp.ArchX86_64, `{"ociVersion": "1.2.0", "linux": {"seccomp": {"defaultAction": "SCMP_ACT_NOPE",
		"syscalls": [{"names": ["read"], "action": 3}]}}}`)
	assert.Equal(t, "profile: linux.seccomp.syscalls[0].action (read): got number 3, want a string\n"+
		`profile: linux.seccomp.defaultAction: unknown action "SCMP_ACT_NOPE"`, err.Error())

	for js, want := range map[string]string{
		`{"ociVersion": "1.2.0", "process": {}, "linux": {"namespaces": []}}`: "profile: linux.seccomp: an OCI runtime config (config.json) without linux.seccomp: a container started with it has no seccomp filter",
		`{"ociVersion": "1.2.0", "process": {}}`:                              "profile: linux: an OCI runtime config (config.json) without linux",
		`{"ociVersion": "1.2.0", "linux": {"seccomp": null}}`:                 "without linux.seccomp",
		`{"ociVersion": "1.2.0", "linux": {"seccomp": [1]}}`:                  "profile: linux.seccomp: got array [1], want an object",
		`{"ociVersion": "1.2.0", "linux": 3}`:                                 "whose linux is not an object",
	} {
		err := loadErr(t, seccomp.ArchX86_64, js)
		assert.ErrorContains(t, err, want, js)
	}
}

// TestOtherFormats: JSON that is not a profile gets an error that says
// what it looks like, never "no filter at all".
func TestOtherFormats(t *testing.T) {
	for js, want := range map[string]string{
		`[]`:   "a profile is a JSON object ({\"defaultAction\": ..., \"syscalls\": [...]}), not an array []",
		`null`: "syscalls\": [...]}), not null",
		`"x"`:  `not a string "x"`,
		`12`:   "not a number 12",
		`true`: "not a bool true",
		`{"vmm": {"default_action": "trap", "filter_action": "allow", "filter": [{"syscall": "read"}]}, "api": {}}`:                            "a Firecracker seccompiler filter",
		`{"apiVersion": "security-profiles-operator.x-k8s.io/v1beta1", "kind": "SeccompProfile", "spec": {"defaultAction": "SCMP_ACT_ERRNO"}}`: "a Kubernetes SeccompProfile",
		`{"apiVersion": "v1", "kind": "Pod"}`: `a Kubernetes object (kind "Pod")`,
		`{"foo": 1, "bar": [2]}`:              `not a seccomp profile: none of its fields ("foo", "bar") is a field of an OCI or Docker profile`,
	} {
		_, _, err := Parse([]byte(js))
		assert.ErrorContains(t, err, want, js)
		var pe *Error
		assert.True(t, errors.As(err, &pe), js)
		_, _, err = ParseOCI([]byte(js))
		assert.ErrorContains(t, err, want, js)
	}
	// An empty object is a profile: Docker's "no filter", refused when
	// resolved.
	_, _, err := Parse([]byte(`{}`))
	assert.NoError(t, err)
}

// TestPodmanErrno: Podman's errno and defaultErrno, names or numbers,
// replace errnoRet and defaultErrnoRet, as Podman resolves them; an
// unknown name is an error where Podman would fail.
func TestPodmanErrno(t *testing.T) {
	js := `{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "defaultErrno": "ENOSYS",
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "errno": "EACCES"},
			{"names": ["rmdir"], "action": "SCMP_ACT_ERRNO", "errno": "13"},
			{"names": ["read"], "action": "SCMP_ACT_ALLOW"},
			{"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "errno": "EBOGUS", "excludes": {"arches": ["amd64"]}}]}`
	d, warns, err := Parse([]byte(js))
	require.NoError(t, err)
	assert.Empty(t, warns, "Podman's fields are known")
	assert.Equal(t, FormatDocker, d.Format())
	r, err := Load([]byte(js), Options{Arch: seccomp.ArchX86_64})
	require.NoError(t, err)
	assert.Equal(t, seccomp.Errno(38), decide(t, r, nil, "write"))
	assert.Equal(t, seccomp.Errno(13), decide(t, r, nil, "mkdir"))
	assert.Equal(t, seccomp.Errno(13), decide(t, r, nil, "rmdir"))
	assert.Equal(t, seccomp.ActAllow, decide(t, r, nil, "read"))
	// On arm64 the chmod entry is kept, and its errno is unknown.
	err = loadErr(t, seccomp.ArchAArch64, js)
	assert.ErrorContains(t, err, `syscalls[3].errno (chmod): unknown errno "EBOGUS"`)
	err = loadErr(t, seccomp.ArchX86_64, `{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrno": "0x26"}`)
	assert.ErrorContains(t, err, `defaultErrno: unknown errno "0x26"`)
	// Marshal keeps them, and they read back.
	b, err := d.Marshal()
	require.NoError(t, err)
	assert.Contains(t, string(b), `"defaultErrno": "ENOSYS"`)
	assert.Contains(t, string(b), `"errno": "EACCES"`)
	// The OCI reader does not know them.
	_, warns, err = ParseOCI([]byte(js))
	require.NoError(t, err)
	assert.Len(t, warningsOf(warns, WarnUnknownField), 5, "defaultErrno, three errno, one excludes")
}

// normalizeDocker makes nil and empty slices alike, for comparing with
// encoding/json's result.
func normalizeDocker(d *Docker) {
	d.where = ""
	if len(d.Syscalls) == 0 {
		d.Syscalls = nil
	}
	for i := range d.Syscalls {
		e := &d.Syscalls[i]
		if len(e.Args) == 0 {
			e.Args = nil
		}
		if len(e.Names) == 0 {
			e.Names = nil
		}
		for _, s := range []*Selector{e.Includes, e.Excludes} {
			if s != nil && len(s.Caps) == 0 {
				s.Caps = nil
			}
			if s != nil && len(s.Arches) == 0 {
				s.Arches = nil
			}
		}
	}
	if len(d.Architectures) == 0 {
		d.Architectures = nil
	}
	if len(d.Flags) == 0 {
		d.Flags = nil
	}
	if len(d.ArchMap) == 0 {
		d.ArchMap = nil
	}
	for i := range d.ArchMap {
		if len(d.ArchMap[i].SubArches) == 0 {
			d.ArchMap[i].SubArches = nil
		}
	}
}

// FuzzParseAsEncodingJSON: the format detection and the duplicate-key
// detection never panic, and errors are *Error; the field-by-field reader
// reads what Go's encoding/json (runc's, Docker's and Podman's reader)
// reads, key spellings included, where no field is given twice (Parse
// takes encoding/json's values where one is).
func FuzzParseAsEncodingJSON(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	for _, s := range []string{
		`{"defaultAction": "SCMP_ACT_ALLOW", "defaultAction": "SCMP_ACT_ERRNO", "DEFAULTACTION": "SCMP_ACT_LOG"}`,
		`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "names": ["b"], "action": "SCMP_ACT_LOG", "args": [{"index": 1, "Index": 2, "op": "SCMP_CMP_EQ"}]}]}`,
		`{"ociVersion": "1", "linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW"}, "Seccomp": {"defaultAction": "SCMP_ACT_LOG"}}}`,
		`{"vmm": {"default_action": "allow", "filter_action": "trap", "filter": []}}`,
		`{"kind": "SeccompProfile", "apiVersion": "v1", "spec": {}}`,
		`{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrno": "EPERM", "syscalls": [{"names": ["x"], "action": "SCMP_ACT_ERRNO", "errno": "5"}]}`,
		`[]`, `null`, `{"defaultAction": "SCMP_ACT_ALLOW", "\u212aey": 1}`,
		"{\"defaultAction\": \"SCMP_ACT_\xffALLOW\", \"syscalls\": [{\"names\": [\"re\\u0061d\", \"\xc3\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
		`{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 18446744073709551615, "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1e2,
			"args": [{"index": 0, "value": 18446744073709551616, "op": "SCMP_CMP_EQ"}, {"index": 1.0, "value": 0, "valueTwo": -0, "op": "SCMP_CMP_\"EQ"}]}]}`,
		`{"defaultAction":"SCMP_ACT_ALLOW","architectures":null,"flags":[],"syscalls":[{"names":null,"action":"SCMP_ACT_LOG","errnoRet":null,"args":[]}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, err := Parse(data)
		for _, e := range unjoin(err) {
			if err == nil {
				break
			}
			var pe *Error
			if !errors.As(e, &pe) {
				t.Fatalf("error is not a *profile.Error: %v", e)
			}
		}
		// The field-by-field reader agrees with encoding/json on every
		// document without duplicate fields that it reads.
		d, warns, errs := walk(data, true)
		if d == nil || len(errs) > 0 || len(warningsOf(warns, WarnDuplicateField)) > 0 {
			return
		}
		var oracle Docker
		if d.where == "" {
			if err := json.Unmarshal(data, &oracle); err != nil {
				t.Fatalf("walk reads what encoding/json refuses: %v", err)
			}
		} else {
			var cfg struct {
				Linux struct {
					Seccomp Docker `json:"seccomp"`
				} `json:"linux"`
			}
			if err := json.Unmarshal(data, &cfg); err != nil {
				t.Fatalf("walk reads what encoding/json refuses: %v", err)
			}
			oracle = cfg.Linux.Seccomp
		}
		normalizeDocker(d)
		normalizeDocker(&oracle)
		if !reflect.DeepEqual(*d, oracle) {
			got, _ := json.Marshal(d)
			want, _ := json.Marshal(oracle)
			t.Fatalf("walk and encoding/json read different profiles:\n%s\n%s", got, want)
		}
	})
}

// TestDuplicateWarningsFromOracle: the fields the warnings name are given
// more than once, checked by counting keys with a plain tokenizer.
func TestDuplicateWarningsFromOracle(t *testing.T) {
	js := `{"defaultAction": "SCMP_ACT_ALLOW", "flags": [], "Flags": [], "FLAGS": [],
		"syscalls": [{"names": ["read"], "action": "SCMP_ACT_KILL"}, {"names": ["x"], "names": ["y"], "action": "SCMP_ACT_LOG"}]}`
	_, warns, err := Parse([]byte(js))
	require.NoError(t, err)
	got := map[string]bool{}
	for _, w := range warns {
		require.Equal(t, WarnDuplicateField, w.Kind, "%v", w)
		got[w.Field] = true
	}
	assert.Equal(t, map[string]bool{"flags": true, "syscalls[1].names": true}, got)
	assert.Contains(t, fmt.Sprint(warns), "given 3 times")
}

// TestKnownFieldsAreTheStructs: the field names the reader knows are the
// JSON names of the types' fields, which encoding/json matches.
func TestKnownFieldsAreTheStructs(t *testing.T) {
	tags := func(v any) []string {
		var out []string
		rt := reflect.TypeOf(v)
		for i := 0; i < rt.NumField(); i++ {
			if tag := rt.Field(i).Tag.Get("json"); tag != "" {
				out = append(out, strings.Split(tag, ",")[0])
			}
		}
		return out
	}
	union := func(a ...[]string) []string {
		var out []string
		for _, x := range a {
			out = append(out, x...)
		}
		return out
	}
	assert.ElementsMatch(t, tags(Docker{}), union(headerFields, dockerFields))
	assert.ElementsMatch(t, tags(Seccomp{}), headerFields)
	assert.ElementsMatch(t, tags(DockerSyscall{}), union(entryFields, dockerEntry))
	assert.ElementsMatch(t, tags(Syscall{}), entryFields)
	assert.ElementsMatch(t, tags(Arg{}), argFields)
	assert.ElementsMatch(t, tags(ArchMap{}), archMapField)
	assert.ElementsMatch(t, tags(Selector{}), selFields)
}

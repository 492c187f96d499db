package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/profile"
)

// readerVerbs are the verbs that read a filter, each with the operands
// that follow the input (and those that come before it).
var readerVerbs = []struct {
	name   string
	before []string
	after  []string
}{
	{"disasm", nil, nil},
	{"verify", nil, nil},
	{"emulate", nil, []string{"write"}},
	{"explain", nil, nil},
	{"audit", []string{"-fail-on", "none"}, nil},
	{"dot", nil, nil},
	{"diff", nil, []string{"../../testdata/cmd/allowlist.bpf"}},
}

func readerArgs(verb string, before []string, input string, after []string) []string {
	args := append([]string{verb}, before...)
	args = append(args, input)
	return append(args, after...)
}

// TestEveryVerbTakesEveryInput: the verbs that read a filter take a raw
// program, its text form, a JSON profile, a whole config.json, the word
// default and standard input, and give the same output for the same
// program in any of them.
func TestEveryVerbTakesEveryInput(t *testing.T) {
	native, err := seccomp.NativeArch()
	if err != nil {
		t.Skip("profiles compile for the native arch")
	}
	prof := `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"}]}`
	o := profile.Options{Arch: native, Kernel: kernel61}
	p := compiled(t, []byte(prof), o)
	raw := writeFile(t, "p.bpf", rawBytes(p...))
	text := writeFile(t, "p.txt", []byte(seccomp.Disassemble(p)))
	js := writeFile(t, "p.json", []byte(prof))
	config := writeFile(t, "config.json", []byte(`{"ociVersion": "1.2.0", "process": {"args": ["sh"]}, "linux": {"seccomp": `+prof+`}}`))
	def := writeFile(t, "default.bpf", rawBytes(compiled(t, profile.DefaultJSON(), o)...))
	kernel := []string{"-kernel", "6.1"}
	for _, vb := range readerVerbs {
		for _, c := range []struct {
			ref    string   // the program
			in     string   // the same, another way
			flags  []string // for in
			stdin  string
			stdinB bool // diff: the input is B
		}{
			{raw, text, nil, "", false},
			{raw, js, kernel, "", false},
			{raw, config, kernel, "", false},
			{def, "default", kernel, "", false},
			{def, "-", kernel, string(profile.DefaultJSON()), false},
			{raw, "-", nil, string(rawBytes(p...)), false},
		} {
			before := vb.before
			if vb.name == "audit" {
				// audit's -kernel is the kernel audited for, for a raw
				// program too.
				before = append(append([]string(nil), c.flags...), vb.before...)
			}
			ref, refErr, code := seccompCmd(t, "", readerArgs(vb.name, before, c.ref, vb.after)...)
			if code != 0 && code != exitFindings {
				t.Fatalf("%s %s: exit %d, %s", vb.name, c.ref, code, refErr)
			}
			args := readerArgs(vb.name, append(append([]string(nil), c.flags...), vb.before...), c.in, vb.after)
			out, errs, got := seccompCmd(t, c.stdin, args...)
			if got != code || out != ref || errs != "" {
				t.Errorf("seccomp %q: exit %d, stderr %q; stdout differs from %s's: %v\n%.300s", args, got, errs, c.ref, out != ref, out)
			}
		}
	}
}

// TestJSONThatIsNoProfile: JSON that is not an object, or another format,
// is refused as JSON (exit 1, naming the file and what it is), never read
// as a program.
func TestJSONThatIsNoProfile(t *testing.T) {
	for content, msg := range map[string]string{
		"[]\n":   "a profile is a JSON object",
		"null":   "not null",
		"\"x\"":  "not a string",
		" 42 \n": "not a number 42",
		`{"vmm": {"default_action": "allow", "filter_action": "trap", "filter": []}}`: "a Firecracker seccompiler filter",
		`{"ociVersion": "1.0.2", "linux": {}}`:                                        "config.json) without linux.seccomp",
		`{"kind": "SeccompProfile", "apiVersion": "x/v1", "spec": {}}`:                "a Kubernetes SeccompProfile",
	} {
		path := writeFile(t, "x.json", []byte(content))
		for _, vb := range readerVerbs {
			want(t, "", readerArgs(vb.name, vb.before, path, vb.after), 1, "", "seccomp "+vb.name+": "+path+": profile: ", msg)
		}
		want(t, "", []string{"compile", "-format", "text", path}, 1, "", "seccomp compile: "+path+": profile: ", msg)
	}
}

// TestArchNames: -arch takes the same names in every verb that has it:
// kernel, GOARCH, libseccomp and SCMP_ARCH_ names, and says "not supported
// yet" for a known ABI without an Arch.
func TestArchNames(t *testing.T) {
	verbs := [][]string{
		{"compile", "-format", "text", "-kernel", "6.1", "default"},
		{"explain", "-kernel", "6.1", "default"},
		{"audit", "-kernel", "6.1", "-fail-on", "none", "default"},
		{"diff", "-kernel", "6.1", "default", "../../testdata/cmd/allowlist.bpf"},
		{"dot", "-kernel", "6.1", "default"},
		{"disasm", "-kernel", "6.1", "default"},
		{"verify", "-kernel", "6.1", "default"},
		{"emulate", "-kernel", "6.1", "default", "openat"},
		{"syscalls", "openat"},
	}
	for _, args := range verbs {
		with := func(name string) []string {
			return append([]string{args[0], "-arch", name}, args[1:]...)
		}
		for _, group := range [][]string{
			{"x86_64", "amd64", "X86_64", "SCMP_ARCH_X86_64", "scmp_arch_x86_64"},
			{"aarch64", "arm64", "SCMP_ARCH_AARCH64"},
			{"i386", "386", "x86", "SCMP_ARCH_X86"},
			{"s390x", "S390X", "SCMP_ARCH_S390X"},
			{"mipsel64", "mips64le", "SCMP_ARCH_MIPSEL64"},
			{"loongarch64", "loong64", "SCMP_ARCH_LOONGARCH64"},
			{"ppc64le", "SCMP_ARCH_PPC64LE"},
		} {
			if args[0] == "compile" && group[0] == "i386" {
				continue // a profile for an i386 container warns about other names
			}
			ref, refErr, code := seccompCmd(t, "", with(group[0])...)
			if code != 0 && code != exitFindings {
				t.Errorf("seccomp %q: exit %d: %s", with(group[0]), code, refErr)
				continue
			}
			for _, name := range group[1:] {
				if out, errs, c := seccompCmd(t, "", with(name)...); c != code || out != ref || errs != refErr {
					t.Errorf("seccomp %q: exit %d, stderr %q; not what -arch %s gives", with(name), c, errs, group[0])
				}
			}
		}
		want(t, "", with("vax"), 2, "", "seccomp "+args[0]+`: -arch: unknown arch "vax" (known: x86_64, i386, x32, aarch64, arm, riscv64, loongarch64, mips, mipsel,`)
	}
}

// TestProfileFlags: the profile flags are checked in every verb that has
// them, change what a profile compiles to, and are refused for a program.
func TestProfileFlags(t *testing.T) {
	for _, vb := range readerVerbs {
		want(t, "", readerArgs(vb.name, append([]string{"-caps", "BOGUS"}, vb.before...), "default", vb.after), 2, "",
			"seccomp "+vb.name+`: -caps: unknown capability "CAP_BOGUS"`)
		want(t, "", readerArgs(vb.name, append([]string{"-cap-drop", "chown,nope"}, vb.before...), "default", vb.after), 2, "",
			`-cap-drop: unknown capability "CAP_NOPE"`)
		want(t, "", readerArgs(vb.name, append([]string{"-kernel", "six"}, vb.before...), "default", vb.after), 2, "", `-kernel: kernel version "six"`)
		want(t, "", readerArgs(vb.name, append([]string{"-cap-add", "SYS_ADMIN"}, vb.before...), "../../testdata/cmd/allowlist.bpf", vb.after), 2, "",
			"seccomp "+vb.name+": -cap-add applies to a profile, and ../../testdata/cmd/allowlist.bpf is a raw program")
	}
	// Docker's semantics: -cap-add adds to the default set, -caps
	// replaces it; both as profile.Options.Caps says, checked with the
	// library.
	text := func(caps []string) string {
		r, err := profile.Load(profile.DefaultJSON(), profile.Options{Arch: seccomp.ArchX86_64, Kernel: kernel61, Caps: caps})
		if err != nil {
			t.Fatal(err)
		}
		p, err := r.Compile()
		if err != nil {
			t.Fatal(err)
		}
		return seccomp.Disassemble(p)
	}
	withAdmin := text(append([]string{"CAP_SYS_ADMIN"}, profile.DefaultCaps...))
	onlyAdmin := text([]string{"CAP_SYS_ADMIN"})
	none := text([]string{})
	all := text(profile.AllCaps)
	noChroot := text(without(profile.DefaultCaps, "CAP_SYS_CHROOT"))
	if withAdmin == onlyAdmin || onlyAdmin == none {
		t.Fatal("the capability sets should compile differently")
	}
	args := []string{"compile", "-arch", "amd64", "-kernel", "6.1", "-format", "text"}
	for _, tc := range []struct {
		flags []string
		want  string
	}{
		{[]string{"-cap-add", "SYS_ADMIN"}, withAdmin},
		{[]string{"-cap-add", "cap_sys_admin", "-cap-drop", "mknod"}, text(append([]string{"CAP_SYS_ADMIN"}, without(profile.DefaultCaps, "CAP_MKNOD")...))},
		{[]string{"-caps", "CAP_SYS_ADMIN"}, onlyAdmin},
		{[]string{"-caps", ""}, none},
		{[]string{"-cap-drop", "ALL"}, none},
		{[]string{"-cap-drop", "ALL", "-cap-add", "SYS_ADMIN"}, onlyAdmin},
		{[]string{"-cap-add", "ALL"}, all},
		{[]string{"-caps", "ALL"}, all},
		{[]string{"-cap-drop", "SYS_CHROOT"}, noChroot},
		{[]string{"-cap-add", "SYS_ADMIN", "-cap-drop", "SYS_ADMIN"}, withAdmin}, // Docker: added after the drops
	} {
		wantWarned(t, "", append(append(args, tc.flags...), "default"), 0, tc.want)
	}
}

func without(caps []string, c string) []string {
	var out []string
	for _, x := range caps {
		if x != c {
			out = append(out, x)
		}
	}
	return out
}

// TestCompileFormats: -format c, oci and docker say what the library
// says, checked by reading them back.
func TestCompileFormats(t *testing.T) {
	o := profile.Options{Arch: seccomp.ArchX86_64, Kernel: kernel61}
	p := compiled(t, profile.DefaultJSON(), o)
	args := []string{"compile", "-arch", "amd64", "-kernel", "6.1"}

	// oci: the resolved profile, which compiles as an OCI profile to the
	// same program.
	oci, _, code := seccompCmd(t, "", append(args, "-format", "oci", "default")...)
	if code != 0 {
		t.Fatalf("-format oci: exit %d", code)
	}
	s, warns, err := profile.ParseOCI([]byte(oci))
	if err != nil || len(warns) != 0 {
		t.Fatalf("-format oci does not read back as OCI: %v %v", err, warns)
	}
	r, err := s.Build(o)
	if err != nil {
		t.Fatal(err)
	}
	if q, err := r.Compile(); err != nil || seccomp.Disassemble(q) != seccomp.Disassemble(p) {
		t.Errorf("-format oci compiles to another program (%v)", err)
	}
	if strings.Contains(oci, "includes") || strings.Contains(oci, "archMap") {
		t.Errorf("-format oci has Docker's fields")
	}
	// docker: the profile as read.
	docker, _, code := seccompCmd(t, "", append(args, "-format", "docker", "default")...)
	if code != 0 {
		t.Fatalf("-format docker: exit %d", code)
	}
	got, _, err := profile.Parse([]byte(docker))
	if err != nil {
		t.Fatal(err)
	}
	// (Compared as JSON: Default() also knows it is the built-in profile,
	// which a copy of it printed out is not.)
	gotM, err1 := got.Marshal()
	wantM, err2 := profile.Default().Marshal()
	if err1 != nil || err2 != nil || !bytes.Equal(gotM, wantM) {
		t.Errorf("-format docker default is not Docker's default profile (%v, %v)", err1, err2)
	}
	// Compared with encoding/json too: the same JSON values, but for the
	// empty comments and args Docker's file spells out.
	var gotJ, origJ any
	json.Unmarshal([]byte(docker), &gotJ)
	json.Unmarshal(profile.DefaultJSON(), &origJ)
	for _, e := range origJ.(map[string]any)["syscalls"].([]any) {
		m := e.(map[string]any)
		for _, k := range []string{"comment", "args", "includes", "excludes"} {
			if v, ok := m[k]; ok && (v == "" || v == nil || reflect.DeepEqual(v, map[string]any{}) || reflect.DeepEqual(v, []any{})) {
				delete(m, k)
			}
		}
	}
	for _, e := range gotJ.(map[string]any)["syscalls"].([]any) {
		if m := e.(map[string]any); m["args"] == nil {
			delete(m, "args")
		}
	}
	if !reflect.DeepEqual(gotJ, origJ) {
		gotB, _ := json.Marshal(gotJ)
		origB, _ := json.Marshal(origJ)
		t.Errorf("-format docker default differs from Docker's file:\n%.500s\n%.500s", gotB, origB)
	}

	// c: the instructions, in order, as struct sock_filter initializers.
	c, _, code := seccompCmd(t, "", append(args, "-format", "c", "-var", "docker", "default")...)
	if code != 0 || !strings.HasPrefix(c, "/* Code generated by seccomp compile; DO NOT EDIT. */\n") {
		t.Fatalf("-format c: exit %d\n%.300s", code, c)
	}
	var insns []string
	for _, line := range strings.Split(c, "\n") {
		if strings.HasPrefix(line, "\t{ 0x") {
			insns = append(insns, line[:strings.Index(line, "},")+2])
		}
	}
	if len(insns) != len(p) {
		t.Fatalf("-format c has %d instructions, want %d", len(insns), len(p))
	}
	for i, in := range p {
		var op, k uint32
		var jt, jf uint8
		if _, err := fmtSscanf(insns[i], &op, &jt, &jf, &k); err != nil || uint16(op) != in.Op || jt != in.Jt || jf != in.Jf || k != in.K {
			t.Fatalf("instruction %d: %q, want %+v (%v)", i, insns[i], in, err)
		}
	}
	for _, s := range []string{"static struct sock_filter docker[] = {\n", "static struct sock_fprog docker_prog = {\n", ".filter = docker,\n", "#include <linux/filter.h>\n"} {
		if !strings.Contains(c, s) {
			t.Errorf("-format c has no %q", s)
		}
	}
}

// TestCompileWarningSummary: the names a multi-arch profile lists for
// other arches take one line (-v lists them); a name no arch has, a typo
// most likely, still gets a line of its own.
func TestCompileWarningSummary(t *testing.T) {
	for arch, n := range map[string]string{"amd64": "1 system call that none of x86_64, i386, x32 has (riscv_hwprobe)", "arm64": "14 system calls that none of aarch64, arm has"} {
		_, errs, code := seccompCmd(t, "", "compile", "-arch", arch, "-kernel", "6.1", "-o", os.DevNull, "default")
		if code != 0 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "seccomp compile: <default>: skipped, as expected of a profile for several arches: "+n) || !strings.HasSuffix(errs, "; -v lists them\n") {
			t.Errorf("%s: exit %d, stderr %q", arch, code, errs)
		}
		_, errs, _ = seccompCmd(t, "", "compile", "-arch", arch, "-kernel", "6.1", "-v", "-o", os.DevNull, "default")
		if !strings.Contains(errs, `unknown system call "riscv_hwprobe"`) || strings.Contains(errs, "skipped, as expected") {
			t.Errorf("%s -v: stderr %.300q", arch, errs)
		}
	}
	prof := writeFile(t, "p.json", []byte(`{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "opnat", "recv"], "action": "SCMP_ACT_ALLOW"}]}`))
	_, errs, _ := seccompCmd(t, "", "compile", "-arch", "amd64", "-o", os.DevNull, prof)
	lines := strings.Split(strings.TrimSuffix(errs, "\n"), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `unknown system call "opnat" on x86_64: skipped`) || !strings.Contains(lines[1], "1 system call that x86_64 does not have (recv)") {
		t.Errorf("stderr %q", errs)
	}
	// run shows no line for them.
}

// TestCompileJSON: -json puts the warnings, or the errors, on standard
// error as one JSON object.
func TestCompileJSON(t *testing.T) {
	type out struct {
		Warnings []jsonWarning `json:"warnings"`
		Errors   []jsonWarning `json:"errors"`
	}
	read := func(args ...string) (out, int) {
		t.Helper()
		_, errs, code := seccompCmd(t, "", args...)
		var o out
		if err := json.Unmarshal([]byte(errs), &o); err != nil || strings.Count(errs, "\n") != 1 {
			t.Fatalf("%q: stderr is not one JSON object: %v\n%s", args, err, errs)
		}
		return o, code
	}
	o, code := read("compile", "-json", "-arch", "amd64", "-kernel", "6.1", "-o", os.DevNull, "default")
	r, _ := profile.Load(profile.DefaultJSON(), profile.Options{Arch: seccomp.ArchX86_64, Kernel: kernel61})
	if code != 0 || len(o.Warnings) != len(r.Warnings) || len(o.Errors) != 0 {
		t.Errorf("exit %d, %d warnings (want %d), errors %v", code, len(o.Warnings), len(r.Warnings), o.Errors)
	}
	for i, w := range o.Warnings {
		if w.Reason != r.Warnings[i].Reason || w.Kind != r.Warnings[i].Kind.String() || w.Syscall != r.Warnings[i].Syscall {
			t.Errorf("warning %d: %+v, want %+v", i, w, r.Warnings[i])
		}
	}
	bad := writeFile(t, "bad.json", []byte(`{"defaultAction": "SCMP_ACT_NOPE", "syscalls": [{"names": ["read"], "action": 3}]}`))
	o, code = read("compile", "-json", "-arch", "amd64", "-o", os.DevNull, bad)
	if code != 1 || len(o.Errors) != 2 || o.Errors[0].Field != "syscalls[0].action" || o.Errors[0].Entry != 0 || o.Errors[1].Field != "defaultAction" || o.Errors[1].Entry != -1 {
		t.Errorf("exit %d, errors %+v", code, o.Errors)
	}
	o, code = read("compile", "-json", "-o", os.DevNull, "/no/such/file.json")
	if code != 1 || len(o.Errors) != 1 || !strings.Contains(o.Errors[0].Reason, "no such file") {
		t.Errorf("exit %d, errors %+v", code, o.Errors)
	}
}

// TestVerifyAndEmulateJSON: -json gives the same facts as the text forms.
func TestVerifyAndEmulateJSON(t *testing.T) {
	out, errs, code := seccompCmd(t, "", "verify", "-json", exampleRaw)
	var v jsonVerify
	if code != 0 || errs != "" || json.Unmarshal([]byte(out), &v) != nil {
		t.Fatalf("exit %d, stderr %q, stdout %q", code, errs, out)
	}
	text, _, _ := seccompCmd(t, "", "verify", exampleRaw)
	if want := "ok: " + itoa(v.Instructions) + " instructions, returns " + strings.Join(v.Returns, ", ") + "\n"; !v.OK || v.Index != -1 || text != want {
		t.Errorf("-json %+v, text %q", v, text)
	}
	bad := writeFile(t, "bad.bpf", rawBytes(bpfRaw(ldAbs, 0, 0, 0), bpfRaw(ldAbs, 0, 0, 3), bpfRaw(retK, 0, 0, 0)))
	out, errs, code = seccompCmd(t, "", "verify", "-json", bad)
	if code != 1 || json.Unmarshal([]byte(out), &v) != nil || v.OK || v.Index != 1 || !strings.Contains(v.Error, "instruction 1") || v.Rule == "" || !strings.Contains(errs, "invalid filter") {
		t.Errorf("exit %d, %+v, stderr %q", code, v, errs)
	}

	var e jsonEmulate
	out, _, code = seccompCmd(t, "", "emulate", "-json", "-arch", "x86_64", exampleRaw, "write", "1")
	text, _, _ = seccompCmd(t, "", "emulate", "-arch", "x86_64", exampleRaw, "write", "1")
	if code != 0 || json.Unmarshal([]byte(out), &e) != nil || e.Action+"\n" != text || e.Nr != 1 || e.Arch != "AUDIT_ARCH_X86_64" || e.Line != 0 {
		t.Errorf("emulate -json: %q (%+v), text %q", out, e, text)
	}
	if a := seccomp.Action(e.Value); a.String() != e.Action {
		t.Errorf("value %#x is %v, action says %s", e.Value, a, e.Action)
	}
	in := "# a comment\n1 0xc000003e 0 1 0 0 0 0 0\n\n59 0xc000003e 0 0 0 0 0 0 0\n"
	out, _, code = seccompCmd(t, in, "emulate", "-batch", "-json", exampleRaw)
	text, _, _ = seccompCmd(t, in, "emulate", "-batch", exampleRaw)
	lines, texts := strings.Split(strings.TrimSpace(out), "\n"), strings.Split(strings.TrimSpace(text), "\n")
	if code != 0 || len(lines) != 2 || len(texts) != 2 {
		t.Fatalf("exit %d, %q", code, out)
	}
	for i, l := range lines {
		var e jsonEmulate
		if json.Unmarshal([]byte(l), &e) != nil || e.Action != texts[i] || e.Line != []int{2, 4}[i] || e.Nr != []uint32{1, 59}[i] {
			t.Errorf("line %d: %q, text %q", i, l, texts[i])
		}
	}
	// A profile for -batch, compiled for the machine of -arch.
	out, errs, code = seccompCmd(t, "1 0xc00000b7 0 0 0 0 0 0 0\n", "emulate", "-batch", "-arch", "arm64", "-kernel", "6.1", "default")
	if code != 0 || out != "ALLOW\n" {
		t.Errorf("emulate -batch -arch arm64 default: exit %d, %q, %q", code, out, errs)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func fmtSscanf(s string, op *uint32, jt, jf *uint8, k *uint32) (int, error) {
	return fmt.Sscanf(s, "\t{ 0x%x, %d, %d, 0x%x },", op, jt, jf, k)
}

// TestDiffAll: -all lists every call of a group.
func TestDiffAll(t *testing.T) {
	args := []string{"diff", "-arch", "x86_64", "-kernel", "6.1", "default", exampleRaw}
	out, _, code := seccompCmd(t, "", args...)
	if code != exitFindings || !strings.Contains(out, " more") {
		t.Fatalf("exit %d: %s", code, out)
	}
	all, _, code := seccompCmd(t, "", append(args[:1:1], append([]string{"-all"}, args[1:]...)...)...)
	if code != exitFindings || strings.Contains(all, " more") {
		t.Fatalf("-all: exit %d: %s", code, all)
	}
	// Every call the JSON form names is on a line of its own.
	j, _, _ := seccompCmd(t, "", append(args[:1:1], append([]string{"-json"}, args[1:]...)...)...)
	var d struct {
		Arches []struct {
			Syscalls []struct{ Name string } `json:"syscalls"`
		} `json:"arches"`
	}
	if err := json.Unmarshal([]byte(j), &d); err != nil || len(d.Arches) != 1 {
		t.Fatal(err)
	}
	for _, sc := range d.Arches[0].Syscalls {
		found := false
		for _, line := range strings.Split(all, "\n") {
			if f := strings.Fields(line); len(f) > 0 && f[0] == sc.Name {
				found = true
			}
		}
		if !found {
			t.Errorf("-all does not list %s", sc.Name)
		}
	}
}

// FuzzInput: any input to any verb that reads a filter ends in a result or
// one line of error, never a panic, and JSON input is never read as a
// program.
func FuzzInput(f *testing.F) {
	raw, _ := os.ReadFile(exampleRaw)
	text, _ := os.ReadFile(exampleText)
	for _, s := range [][]byte{raw, text, profile.DefaultJSON(), []byte("[]"), []byte("null"), []byte(" \n{"), []byte("{}"), []byte("\xef\xbb\xbf{\"defaultAction\": \"SCMP_ACT_ALLOW\"}"),
		[]byte(`{"ociVersion": "1", "linux": {"seccomp": {"defaultAction": "SCMP_ACT_LOG"}}}`), []byte("ret #0"), []byte("\x06\x00\x00\x00\x00\x00\xff\x7f"), []byte("12345678")} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		if len(data) > 1<<16 {
			return
		}
		vb := readerVerbs[int(which)%len(readerVerbs)]
		if vb.name == "diff" {
			vb.after = []string{exampleRaw}
		}
		var out, errb bytes.Buffer
		args := readerArgs(vb.name, vb.before, "-", vb.after)
		code := run(args, bytes.NewReader(data), &out, &errb)
		switch code {
		case exitOK, exitFindings:
		case exitFailure:
			if strings.Count(errb.String(), "\n") != 1 {
				t.Fatalf("%q: exit 1 with stderr %q", args, errb.String())
			}
			if detect(data) == inputJSON && strings.Contains(errb.String(), "raw BPF") {
				t.Fatalf("JSON read as a program: %q", errb.String())
			}
		default:
			t.Fatalf("%q: exit %d, stderr %q", args, code, errb.String())
		}
		// detect: NUL bytes mean a program, always.
		if bytes.IndexByte(data, 0) >= 0 && detect(data) != inputRaw {
			t.Fatalf("data with NUL bytes detected as %v", detect(data))
		}
	})
}

// A profile looked at for an ABI is compiled for the machine that runs it:
// the 64-bit arch whose kernel also runs the ABI.
func TestMachineOf(t *testing.T) {
	for a, want := range map[*seccomp.Arch]*seccomp.Arch{
		seccomp.ArchX86_64: seccomp.ArchX86_64, seccomp.ArchI386: seccomp.ArchX86_64, seccomp.ArchX32: seccomp.ArchX86_64,
		seccomp.ArchAArch64: seccomp.ArchAArch64, seccomp.ArchARM: seccomp.ArchAArch64,
		seccomp.ArchS390: seccomp.ArchS390X, seccomp.ArchPPC: seccomp.ArchPPC64,
		seccomp.ArchMIPS: seccomp.ArchMIPS64, seccomp.ArchMIPS64N32: seccomp.ArchMIPS64,
		seccomp.ArchMIPSEL: seccomp.ArchMIPSEL64, seccomp.ArchPARISC: seccomp.ArchPARISC64,
		seccomp.ArchRISCV64: seccomp.ArchRISCV64, seccomp.ArchPPC64LE: seccomp.ArchPPC64LE, seccomp.ArchM68K: seccomp.ArchM68K,
	} {
		if got := machineOf(a); got != want {
			t.Errorf("machineOf(%s) = %s, want %s", a.Name, got.Name, want.Name)
		}
	}
}

package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestEveryFlagDocumented: every flag a verb defines is described in its
// help (a line starting "  -NAME"), no help describes a flag the verb does
// not have, and every help has the verb's exit statuses.
func TestEveryFlagDocumented(t *testing.T) {
	for _, v := range verbs {
		var defined []string
		for _, f := range verbFlags(v) {
			defined = append(defined, f.name)
			if !strings.Contains(v.usage, "\n  -"+f.name+" ") && !strings.Contains(v.usage, "\n  -"+f.name+"\n") {
				t.Errorf("%s: flag -%s is not described in its help", v.name, f.name)
			}
		}
		for _, line := range strings.Split(v.usage, "\n") {
			if strings.HasPrefix(line, "  -") {
				name := strings.TrimPrefix(strings.Fields(line)[0], "-")
				if !slices.Contains(defined, name) {
					t.Errorf("%s: the help describes -%s, which the verb does not have", v.name, name)
				}
			}
		}
		if !strings.Contains(v.usage, "\nExit status: ") {
			t.Errorf("%s: the help has no exit statuses", v.name)
		}
	}
	// The verbs that read a filter share their profile flags and -arch.
	for _, name := range []string{"compile", "explain", "audit", "diff", "dot", "disasm", "verify", "emulate", "run"} {
		var flags []string
		for _, f := range verbFlags(lookupVerb(name)) {
			flags = append(flags, f.name)
		}
		for _, f := range profileFlagNames {
			if !slices.Contains(flags, f) {
				t.Errorf("%s has no -%s", name, f)
			}
		}
		if name != "run" && !slices.Contains(flags, "arch") {
			t.Errorf("%s has no -arch", name)
		}
	}
}

// TestHelpLayout: the helps' prose fits 80 columns and has no double
// blank line (text joined from the shared pieces ran two paragraphs into
// one line). Usage lines and indented examples may be longer.
func TestHelpLayout(t *testing.T) {
	texts := map[string]string{"main": mainUsage(), "help": helpUsage}
	for _, v := range verbs {
		texts[v.name] = v.usage
	}
	for name, text := range texts {
		if strings.Contains(text, "\n\n\n") {
			t.Errorf("%s: a double blank line in its help", name)
		}
		for _, line := range strings.Split(text, "\n") {
			if len(line) > 80 && !strings.HasPrefix(line, "usage: ") && !strings.HasPrefix(line, " ") {
				t.Errorf("%s: a help line of %d columns: %q", name, len(line), line)
			}
		}
	}
}

func TestHelpHelpAndVersion(t *testing.T) {
	want(t, "", []string{"help", "help"}, 0, helpUsage)
	for _, h := range []string{"-h", "-help", "--help"} {
		want(t, "", []string{"help", h}, 0, helpUsage)
	}
	version, _, _ := seccompCmd(t, "", "version")
	for _, flag := range []string{"-version", "--version"} {
		want(t, "", []string{flag}, 0, version)
	}
	want(t, "", []string{"--version", "x"}, 2, "", "seccomp version: want no operands")
	main := mainUsage()
	for _, s := range []string{"seccomp runs programs under seccomp profiles as docker run does", "\n  run ", "\n  compile ", "\n  completion "} {
		if !strings.Contains(main, s) {
			t.Errorf("the main help has no %q", s)
		}
	}
}

// TestCompletion: the scripts name every verb and its flags; bash's
// completes as bash runs it.
func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		out, errs, code := seccompCmd(t, "", "completion", shell)
		if code != 0 || errs != "" || !strings.HasPrefix(out, "# ") {
			t.Fatalf("%s: exit %d, stderr %q", shell, code, errs)
		}
		for _, v := range verbs {
			if !strings.Contains(out, v.name) {
				t.Errorf("%s: no verb %s", shell, v.name)
			}
		}
		if !strings.Contains(out, "cap-add") || !strings.Contains(out, "SCMP") && !strings.Contains(out, "aarch64") {
			t.Errorf("%s: flags or arch names missing", shell)
		}
	}
	want(t, "", []string{"completion", "tcsh"}, 2, "", `unknown shell "tcsh"`)
	want(t, "", []string{"completion"}, 2, "", "want one shell")

	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	script, _, _ := seccompCmd(t, "", "completion", "bash")
	dir := t.TempDir()
	file := filepath.Join(dir, "seccomp.bash")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "profile.json"), nil, 0o644)
	complete := func(words ...string) []string {
		t.Helper()
		// COMP_WORDS as bash sets them, the last the word being completed.
		var q []string
		for _, w := range words {
			q = append(q, "'"+w+"'")
		}
		cmd := exec.Command(bash, "--norc", "-c", `complete() { :; }; source "$1"; COMP_WORDS=(`+strings.Join(q, " ")+`); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _seccomp; printf '%s\n' "${COMPREPLY[@]}"`, "x", file)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("bash: %v\n%s", err, out)
		}
		return strings.Fields(string(out))
	}
	for _, tc := range []struct {
		words []string
		want  []string
	}{
		{[]string{"seccomp", "com"}, []string{"compile", "completion"}},
		{[]string{"seccomp", "run", "-cap-"}, []string{"-cap-add", "-cap-drop"}},
		{[]string{"seccomp", "compile", "-format", ""}, []string{"raw", "text", "go", "c", "oci", "docker"}},
		{[]string{"seccomp", "explain", "-arch", "aa"}, []string{"aarch64"}},
		{[]string{"seccomp", "audit", "-fail-on", "m"}, []string{"medium"}},
		{[]string{"seccomp", "run", "-profile", ""}, []string{"default", "profile.json", "seccomp.bash"}},
		{[]string{"seccomp", "explain", "pro"}, []string{"profile.json"}},
		{[]string{"seccomp", "help", "ver"}, []string{"verify", "version"}},
		{[]string{"seccomp", "completion", ""}, []string{"bash", "zsh", "fish"}},
		{[]string{"seccomp", "record", "-format", ""}, []string{"oci", "docker"}},
		{[]string{"seccomp", "record", "-default-action", "kill"}, []string{"kill-process", "kill-thread"}},
		{[]string{"seccomp", "syscalls", "-arch", "s390"}, []string{"s390", "s390x"}},
		{[]string{"seccomp", "emulate", "-arch", "mips64"}, []string{"mips64", "mips64n32", "mips64le"}},
	} {
		got := complete(tc.words...)
		slices.Sort(got)
		w := slices.Clone(tc.want)
		slices.Sort(w)
		if !slices.Equal(got, w) {
			t.Errorf("%q: completes %q, want %q", tc.words, got, w)
		}
	}
	// run and record take a command after their flags, then its
	// arguments: commands, then files, and no more of their own flags.
	for _, tc := range []struct {
		words []string
		want  string // among the completions
		not   string // not among them
	}{
		{[]string{"seccomp", "run", "ech"}, "echo", ""},
		{[]string{"seccomp", "run", "--", "ech"}, "echo", ""},
		{[]string{"seccomp", "run", "-profile", "p.json", "-v", "ech"}, "echo", ""},
		{[]string{"seccomp", "record", "-args", "-o", "x.json", "--", "ech"}, "echo", ""},
		{[]string{"seccomp", "run", "ls", "pro"}, "profile.json", ""},
		{[]string{"seccomp", "run", "--", "ls", "-"}, "", "-profile"},
		{[]string{"seccomp", "run", "--", "-"}, "", "-profile"},
		{[]string{"seccomp", "run", "-"}, "-profile", ""},
		{[]string{"seccomp", "run", "-v", "-"}, "-profile", ""},
		{[]string{"seccomp", "record", "-format", ""}, "docker", "echo"},
	} {
		got := complete(tc.words...)
		if tc.want != "" && !slices.Contains(got, tc.want) || tc.not != "" && slices.Contains(got, tc.not) {
			t.Errorf("%q: completes %q, want %q among them and not %q", tc.words, got, tc.want, tc.not)
		}
	}
}

// TestCompletionZshFish: the zsh script loads in a zsh without compinit
// (bashcompinit's complete needs compdef) and completes there; fish's
// completes verbs, flag values and, for run -profile, files too.
func TestCompletionZshFish(t *testing.T) {
	dir, scripts := t.TempDir(), t.TempDir() // the shells complete in dir
	os.WriteFile(filepath.Join(dir, "profile.json"), nil, 0o644)
	script := func(shell string) string {
		t.Helper()
		out, _, code := seccompCmd(t, "", "completion", shell)
		if code != 0 {
			t.Fatalf("completion %s: exit %d", shell, code)
		}
		file := filepath.Join(scripts, "seccomp."+shell)
		if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return file
	}
	if zsh, err := exec.LookPath("zsh"); err != nil {
		t.Log("no zsh")
	} else {
		file := script("zsh")
		// -f: no startup files, so no compinit but the script's.
		cmd := exec.Command(zsh, "-f", "-c", `source "$1" || exit 1; [[ ${_comps[seccomp]} == *_seccomp* ]] || { print no completion; exit 1 }; setopt ksharrays; COMP_WORDS=(seccomp record -format ''); COMP_CWORD=3; _seccomp; print -l "${COMPREPLY[@]}"; COMP_WORDS=(seccomp run -- ech); _seccomp; print -l "${COMPREPLY[@]}"`, "x", file)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if got := strings.Fields(string(out)); err != nil || len(got) < 3 || !slices.Equal(got[:2], []string{"oci", "docker"}) || !slices.Contains(got[2:], "echo") {
			t.Errorf("zsh: %v, %q; want oci docker, then echo among the commands", err, out)
		}
	}
	fish, err := exec.LookPath("fish")
	if err != nil {
		t.Skip("no fish")
	}
	file := script("fish")
	for _, tc := range []struct {
		line string
		want []string
	}{
		{"seccomp comp", []string{"compile", "completion"}},
		{"seccomp run -profile ", []string{"default", "profile.json"}},
		{"seccomp compile -format ", []string{"raw", "text", "go", "c", "oci", "docker"}},
		{"seccomp record -format ", []string{"oci", "docker"}},
		{"seccomp audit -fail-on ", []string{"info", "low", "medium", "high", "none"}},
	} {
		cmd := exec.Command(fish, "--no-config", "-c", `source $argv[1]; and complete -C $argv[2]`, file, tc.line)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("fish: %v\n%s", err, out)
		}
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			got = append(got, strings.Split(line, "\t")[0])
		}
		slices.Sort(got)
		w := slices.Clone(tc.want)
		slices.Sort(w)
		if !slices.Equal(got, w) {
			t.Errorf("fish %q: completes %q, want %q", tc.line, got, w)
		}
	}
}

// fullWriter fails every write, as /dev/full does.
type fullWriter struct{}

func (fullWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// TestHelpWriteFails: help that cannot be written is a failed write (exit
// 1, with a line on standard error), as for every other output.
func TestHelpWriteFails(t *testing.T) {
	cases := [][]string{{"help"}, {"help", "help"}, {"help", "-h"}, {"-h"}, {"--help"}, {"help", "compile"}}
	for _, v := range verbs {
		cases = append(cases, []string{v.name, "-h"})
	}
	for _, args := range cases {
		var errb strings.Builder
		code := run(args, strings.NewReader(""), fullWriter{}, &errb)
		if code != exitFailure || !strings.Contains(errb.String(), "writing standard output: ") || strings.Count(errb.String(), "\n") != 1 {
			t.Errorf("%q to a full device: exit %d, stderr %q", args, code, errb.String())
		}
	}
}

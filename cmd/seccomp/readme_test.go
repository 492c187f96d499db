package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp/profile"
)

// TestReadmeTour: the outputs the README's tour of the command shows are
// the command's, in order ("..." alone stands for lines left out, and in a
// line for any text). The commands that run programs are
// left to TestRun; mine.json is edited as the tour says.
func TestReadmeTour(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)## A tour of the command\n\n```console\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("no tour in README.md")
	}
	if _, err := profile.RunningKernel(); err != nil {
		t.Skip("the tour resolves profiles for the running kernel")
	}
	dir := t.TempDir()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	type step struct {
		cmd  string
		want []string
	}
	var steps []*step
	for _, line := range strings.Split(strings.TrimSuffix(string(m[1]), "\n"), "\n") {
		if strings.HasPrefix(line, "$ ") {
			steps = append(steps, &step{cmd: strings.TrimPrefix(line, "$ ")})
		} else if len(steps) > 0 {
			steps[len(steps)-1].want = append(steps[len(steps)-1].want, line)
		}
	}
	checked := 0
	for _, s := range steps {
		cmd := s.cmd
		if i := strings.Index(cmd, "  #"); i >= 0 {
			cmd = cmd[:i]
		}
		cmd = strings.TrimSpace(cmd)
		switch {
		case strings.HasPrefix(cmd, "# edit mine.json"):
			b, err := os.ReadFile("mine.json")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), "\t\t\t\t\"uname\",\n") {
				t.Fatal("no uname in mine.json")
			}
			os.WriteFile("mine.json", []byte(strings.Replace(string(b), "\t\t\t\t\"uname\",\n", "", 1)), 0o644)
			continue
		case strings.HasPrefix(cmd, "#"), strings.HasPrefix(cmd, "go build"), strings.HasPrefix(cmd, "./seccomp run "):
			continue
		}
		args := strings.Fields(strings.TrimPrefix(cmd, "./seccomp "))
		redirect := ""
		if n := len(args); n > 2 && args[n-2] == ">" {
			redirect, args = args[n-1], args[:n-2]
		}
		out, errs, _ := seccompCmd(t, "", args...)
		if redirect != "" {
			os.WriteFile(redirect, []byte(out), 0o644)
		}
		got := strings.Split(strings.TrimSuffix(out+errs, "\n"), "\n")
		j := 0
		for _, w := range s.want {
			if w == "..." || strings.TrimSpace(w) == "..." {
				continue
			}
			for j < len(got) && !elided(got[j], w) {
				j++
			}
			if j == len(got) {
				t.Errorf("%s: the README shows %q, which the output does not have (in order):\n%s", s.cmd, w, out+errs)
				break
			}
			j++
		}
		checked++
	}
	if checked < 6 {
		t.Errorf("only %d commands of the tour checked", checked)
	}
}

// elided reports whether line is want, where each "..." in want stands for
// any text.
func elided(line, want string) bool {
	parts := strings.Split(want, "...")
	if len(parts) == 1 {
		return line == want
	}
	if !strings.HasPrefix(line, parts[0]) {
		return false
	}
	rest := line[len(parts[0]):]
	for i, p := range parts[1:] {
		if i == len(parts)-2 {
			return strings.HasSuffix(rest, p)
		}
		k := strings.Index(rest, p)
		if k < 0 {
			return false
		}
		rest = rest[k+len(p):]
	}
	return true
}

package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp"
)

func TestSyscallsGoRuntime(t *testing.T) {
	out, errs, code := seccompCmd(t, "", "syscalls", "-go-runtime", "-arch", "x86_64")
	if code != exitOK || errs != "" {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	for _, want := range []string{"recorded, with go1.", "\nclone  ", "ALLOW when arg0 == 0xd0f00", "\nfutex ", "\ntgkill "} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "clone3") || strings.Contains(out, "\nexecve") {
		t.Errorf("pure Go: clone3 or execve in\n%s", out)
	}
	out, _, code = seccompCmd(t, "", "syscalls", "-go-runtime=cgo", "-arch", "arm64", "-json")
	var got struct {
		Arch, Build, Recorded string
		Versions              []string
		Rules                 []struct {
			Name       string
			Nr         uint32
			Action     string
			Conditions []string
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != exitOK {
		t.Fatalf("exit %d, %v\n%s", code, err, out)
	}
	if got.Arch != "aarch64" || got.Build != "cgo" || got.Recorded != "x86_64" || len(got.Versions) == 0 {
		t.Errorf("%+v", got)
	}
	found := false
	for _, r := range got.Rules {
		if r.Name == "clone3" {
			found = r.Action == "ERRNO(38)" && r.Nr == 435
		}
	}
	if !found {
		t.Errorf("no clone3 ERRNO(38) in %+v", got.Rules)
	}
	// The help names the arches that have a baseline, and another is said
	// to have none (the library's error said Go has no s390x port).
	var known []string
	for _, a := range seccomp.Arches() {
		// The pure build: a test binary built with -race would ask for
		// Race, which 386 and arm do not have.
		if _, err := seccomp.GoRuntime(a, &seccomp.GoRuntimeOptions{}); err == nil {
			known = append(known, a.Name)
		} else if out, errs, code := seccompCmd(t, "", "syscalls", "-go-runtime", "-arch", a.Name); code != exitUsage || out != "" ||
			!strings.Contains(errs, "seccomp syscalls: -go-runtime: no baseline for "+a.Name+": seccomp.GoRuntime has one for ") || strings.Contains(errs, "no Go port") {
			t.Errorf("-go-runtime -arch %s: exit %d, %q", a.Name, code, errs)
		}
	}
	list := strings.Join(known[:len(known)-1], ", ") + " and " + known[len(known)-1]
	if help := strings.Join(strings.Fields(syscallsVerb.usage), " "); !strings.Contains(help, "The arches are "+list+":") {
		t.Errorf("the help does not list the arches with a baseline, %s", list)
	}
	for _, args := range [][]string{
		{"syscalls", "-go-runtime", "read"},
		{"syscalls", "-go-runtime", "-all-arches"},
		{"syscalls", "-go-runtime", "-since"}, // the baseline has no releases: -since was ignored
		{"syscalls", "-go-runtime=musl"},
		{"syscalls", "-go-runtime", "-arch", "x32"},
	} {
		if _, errs, code := seccompCmd(t, "", args...); code != exitUsage {
			t.Errorf("%q: exit %d\n%s", args, code, errs)
		}
	}
}

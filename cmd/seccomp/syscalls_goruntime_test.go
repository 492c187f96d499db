package main

import (
	"encoding/json"
	"strings"
	"testing"
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

package main

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"

	"github.com/seccomp-go/seccomp"
)

// goRuntimeFlag is syscalls' -go-runtime: a bool flag ("-go-runtime" is
// pure Go) that also takes a build ("-go-runtime=cgo").
type goRuntimeFlag struct {
	set   bool
	build string
}

func (f *goRuntimeFlag) IsBoolFlag() bool { return true }

func (f *goRuntimeFlag) String() string { return f.build }

func (f *goRuntimeFlag) Set(s string) error {
	switch s {
	case "true", "pure":
		f.set, f.build = true, "pure"
	case "false":
		f.set, f.build = false, ""
	case "cgo", "race":
		f.set, f.build = true, s
	default:
		return fmt.Errorf("want pure, cgo or race")
	}
	return nil
}

// goRuntimeUsage is the part of syscalls' usage about -go-runtime.
const goRuntimeUsage = `
With -go-runtime, print instead the rules of seccomp.GoRuntime: the system
calls the Go runtime makes behind the back of a program that sandboxed
itself, on the arch, with their conditions. -go-runtime=cgo is for a
program that links the C library (cgo), -go-runtime=race for one built with
-race. The calls were recorded on one arch ("recorded"), with the Go
releases listed; the other arches' are derived from that recording and
their runtime's sources. The arches are x86_64, i386, aarch64, arm and
riscv64: there is no baseline for the others yet. No operands, -all-arches
or -since. With -json:

  {"arch": "x86_64", "build": "pure", "recorded": "x86_64",
   "versions": ["go1.26.8", ...],
   "rules": [{"name": "clone", "nr": 56, "action": "ALLOW",
              "conditions": ["arg0 == 0xd0f00"]}, ...]}

where a call with several rules (alternatives) has an entry per rule, and
"conditions" are ANDed.
`

// runGoRuntime prints the Go runtime's baseline for the arch.
func runGoRuntime(v *verb, archName string, build string, asJSON bool, stdout, stderr io.Writer) int {
	arch, msg := archFlag(archName)
	if msg != "" {
		return usageError(v, stderr, "%s", msg)
	}
	if arch == nil {
		a, err := seccomp.NativeArch()
		if err != nil {
			return usageError(v, stderr, "no native arch for GOARCH=%s: give -arch", runtime.GOARCH)
		}
		arch = a
	}
	opts := &seccomp.GoRuntimeOptions{Cgo: build != "pure", Race: build == "race"}
	rules, err := seccomp.GoRuntime(arch, opts)
	if err != nil {
		if known := goRuntimeArches(); !slices.Contains(known, arch.Name) {
			// The library says "no Go port uses s390x", which Go has.
			return usageError(v, stderr, "-go-runtime: no baseline for %s: seccomp.GoRuntime has one for %s only", arch.Name, strings.Join(known, ", "))
		}
		return usageError(v, stderr, "%v", err)
	}
	type rule struct {
		Name       string   `json:"name"`
		Nr         uint32   `json:"nr"`
		Action     string   `json:"action"`
		Conditions []string `json:"conditions"`
	}
	var out []rule
	for _, r := range rules {
		nr, _ := arch.Syscall(r.Syscall)
		x := rule{Name: r.Syscall, Nr: uint32(nr), Action: r.Action.String(), Conditions: []string{}}
		for _, c := range r.Conds {
			x.Conditions = append(x.Conditions, c.String())
		}
		out = append(out, x)
	}
	recArch, versions := seccomp.GoRuntimeRecorded()
	if asJSON {
		return writeJSON(v, stdout, stderr, struct {
			Arch     string   `json:"arch"`
			Build    string   `json:"build"`
			Recorded string   `json:"recorded"`
			Versions []string `json:"versions"`
			Rules    []rule   `json:"rules"`
		}{arch.Name, build, recArch.Name, versions, out})
	}
	var b strings.Builder
	how := "recorded"
	if arch != recArch {
		how = "derived from the recording on " + recArch.Name + " and the runtime's sources"
	}
	fmt.Fprintf(&b, "# the Go runtime's calls on %s, %s build (seccomp.GoRuntime): %s, with %s\n",
		arch.Name, build, how, strings.Join(versions, ", "))
	var rows [][]string
	for _, r := range out {
		act := r.Action
		if len(r.Conditions) > 0 {
			act += " when " + strings.Join(r.Conditions, " && ")
		}
		rows = append(rows, []string{r.Name, nrText(r.Nr), act})
	}
	table(&b, "", rows)
	return write(v, stdout, stderr, b.String())
}

// goRuntimeArches returns the arches seccomp.GoRuntime has a baseline for.
func goRuntimeArches() []string {
	var out []string
	for _, a := range seccomp.Arches() {
		if _, err := seccomp.GoRuntime(a, &seccomp.GoRuntimeOptions{}); err == nil {
			out = append(out, a.Name)
		}
	}
	return out
}

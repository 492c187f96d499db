package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/seccomp-go/seccomp/internal/sysnum"
	"github.com/seccomp-go/seccomp/profile"
)

// expected reports whether a profile's warning is what a profile for
// several arches is expected to get: a name some of the covered arches
// lack, or a name none of them has that another ABI has (recv and send on
// x86_64, riscv_hwprobe outside riscv64). A name that no ABI has at all is
// more likely a typo, and is not expected.
func expected(w profile.Warning) bool {
	switch w.Kind {
	case profile.WarnSyscallNotOnArch:
		return true
	case profile.WarnUnknownSyscall:
		for _, t := range sysnum.All() {
			if _, ok := t.Number(w.Syscall); ok {
				return true
			}
		}
	}
	return false
}

// warnMode says how a verb shows a profile's warnings.
type warnMode int

const (
	// warnQuiet: the unexpected warnings, one a line; nothing of the
	// expected ones.
	warnQuiet warnMode = iota
	// warnSummary: the unexpected warnings, and one line that sums up the
	// expected ones.
	warnSummary
	// warnAll: every warning, one a line (-v).
	warnAll
)

// reportWarnings prints the warnings of the profile called name for verb
// v on w.
func reportWarnings(v *verb, w io.Writer, name string, warns []profile.Warning, mode warnMode) {
	var others, lacking []string
	var otherArches string
	for _, wn := range warns {
		if mode == warnAll || !expected(wn) {
			fmt.Fprintf(w, "seccomp %s: %s: %s\n", v.name, name, wn)
			continue
		}
		if wn.Kind == profile.WarnUnknownSyscall {
			others = append(others, wn.Syscall)
			otherArches = wn.Arch
		} else {
			lacking = append(lacking, wn.Syscall)
		}
	}
	if mode != warnSummary || len(others)+len(lacking) == 0 {
		return
	}
	var parts []string
	if len(others) > 0 {
		slices.Sort(others)
		list := others
		more := ""
		if len(list) > 5 {
			list, more = list[:5], fmt.Sprintf(" and %d more", len(others)-5)
		}
		none := "none of " + otherArches + " has"
		if !strings.Contains(otherArches, ",") {
			none = otherArches + " does not have"
		}
		parts = append(parts, fmt.Sprintf("%d %s that %s (%s%s)", len(others), plural(len(others), "system call", "system calls"), none, strings.Join(list, ", "), more))
	}
	if len(lacking) > 0 {
		parts = append(parts, fmt.Sprintf("%d that some of the covered arches lack", len(lacking)))
	}
	fmt.Fprintf(w, "seccomp %s: %s: skipped, as expected of a profile for several arches: %s; -v lists them\n", v.name, name, strings.Join(parts, ", "))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// jsonWarning is a profile's warning (or error) in the JSON form of the
// verbs' -json.
type jsonWarning struct {
	Kind    string `json:"kind,omitempty"`
	Entry   int    `json:"entry"`
	Field   string `json:"field"`
	Syscall string `json:"syscall,omitempty"`
	Arch    string `json:"arch,omitempty"`
	Reason  string `json:"reason"`
}

func warningsJSON(warns []profile.Warning) []jsonWarning {
	out := []jsonWarning{}
	for _, w := range warns {
		out = append(out, jsonWarning{Kind: w.Kind.String(), Entry: w.Entry, Field: w.Field, Syscall: w.Syscall, Arch: w.Arch, Reason: w.Reason})
	}
	return out
}

// errorsJSON returns the errors of a profile (*profile.Error, joined) in
// the JSON form of warnings, or one with only a reason for any other.
func errorsJSON(err error) []jsonWarning {
	out := []jsonWarning{}
	if err == nil {
		return out
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	for _, e := range errs {
		var pe *profile.Error
		if errors.As(e, &pe) {
			out = append(out, jsonWarning{Entry: pe.Entry, Field: pe.Field, Syscall: pe.Syscall, Reason: pe.Reason})
		} else {
			out = append(out, jsonWarning{Entry: -1, Reason: e.Error()})
		}
	}
	return out
}

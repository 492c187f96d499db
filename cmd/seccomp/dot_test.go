package main

import (
	"os"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/analyze"
)

func TestDotVerb(t *testing.T) {
	skipBigEndian(t)
	raw, err := os.ReadFile(exampleRaw)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := seccomp.ParseRaw(raw)
	want(t, "", []string{"dot", exampleRaw}, 0, analyze.Dot(p))
	want(t, string(raw), []string{"dot", "-"}, 0, analyze.Dot(p))
	out, _, code := seccompCmd(t, "", "dot", exampleRaw)
	for _, part := range []string{
		"digraph seccomp {\n",
		`b0 [label="0000: ld   [4]                      ; arch\l0001: jeq  #AUDIT_ARCH_X86_64, 0002, 0017\l"];`,
		`b0 -> b17 [label="false", style=dashed];`,
		`b16 [label="0016: ret  ALLOW\l", style="filled", fillcolor="palegreen"];`,
	} {
		if code != 0 || !strings.Contains(out, part) {
			t.Errorf("dot: exit %d, lacks %q:\n%s", code, part, out)
		}
	}
	// A program the kernel refuses is drawn all the same.
	bad := writeFile(t, "bad.bpf", rawBytes(bpfRaw(jeqK, 7, 0, 1), bpfRaw(retK, 0, 0, 0)))
	out, errs, code := seccompCmd(t, "", "dot", bad)
	if code != 0 || errs != "" || !strings.Contains(out, "past_end") {
		t.Errorf("dot of an invalid program: exit %d, stderr %q\n%s", code, errs, out)
	}
}

func TestDotErrors(t *testing.T) {
	want(t, "", []string{"dot"}, 2, "", "seccomp dot: want one FILE, got 0 operands")
	want(t, "", []string{"dot", "a", "b"}, 2, "", "seccomp dot: want one FILE, got 2 operands")
	want(t, "", []string{"dot", t.TempDir() + "/missing"}, 1, "", "seccomp dot: open ", "no such file or directory")
}

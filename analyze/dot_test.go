package analyze

import (
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp"
)

func TestDot(t *testing.T) {
	p := asm(t, `
	ld [arch]
	jne #AUDIT_ARCH_X86_64, kill
	ld [nr]
	jeq #1, allow
	ja deny
	ret ERRNO(9)            ; nothing jumps here
deny:	ret ERRNO(1)
allow:	ret ALLOW
kill:	ret KILL_PROCESS`)
	want := `digraph seccomp {
	node [shape=box, fontname="monospace", fontsize=10];
	edge [fontname="monospace", fontsize=9];
	b0 [label="0000: ld   [4]                      ; arch\l0001: jeq  #AUDIT_ARCH_X86_64, 0002, 0008\l"];
	b0 -> b2 [label="true"];
	b0 -> b8 [label="false", style=dashed];
	b2 [label="0002: ld   [0]                      ; nr\l0003: jeq  #1, 0007, 0004           ; write (x86_64)\l"];
	b2 -> b7 [label="true"];
	b2 -> b4 [label="false", style=dashed];
	b4 [label="0004: ja   0006\l"];
	b4 -> b6;
	b5 [label="0005: ret  ERRNO(9)\l", style="filled,dashed", fillcolor="khaki", color=gray];
	b6 [label="0006: ret  ERRNO(1)\l", style="filled", fillcolor="khaki"];
	b7 [label="0007: ret  ALLOW\l", style="filled", fillcolor="palegreen"];
	b8 [label="0008: ret  KILL_PROCESS\l", style="filled", fillcolor="lightcoral"];
}
`
	if got := Dot(p); got != want {
		t.Errorf("Dot:\n%s\nwant:\n%s", got, want)
	}
}

// Any program can be drawn: one the kernel refuses, with a jump past its
// end, a jump with both ways alike, an unknown opcode, an empty one.
func TestDotAnyProgram(t *testing.T) {
	p := seccomp.Program{
		{Op: 0x15, Jt: 0, Jf: 0, K: 1}, // both ways to 1
		{Op: 0x15, Jt: 9, Jf: 0, K: 2}, // true past the end
		{Op: 0xff},                     // unknown opcode
		{Op: 0x05, K: 0xffffffff},      // ja past the end
	}
	got := Dot(p)
	for _, part := range []string{
		`b0 -> b1 [label="always"];`,
		`b1 -> past_end [label="true"];`,
		`b2 -> past_end;`, // 0002 falls through to the ja of 0003: one block
		`past_end [label="past the last instruction", shape=octagon, color=red];`,
		`.insn 0xff, 0, 0, 0x0`,
	} {
		if !strings.Contains(got, part) {
			t.Errorf("Dot lacks %q:\n%s", part, got)
		}
	}
	if got := Dot(nil); got != "digraph seccomp {\n\tnode [shape=box, fontname=\"monospace\", fontsize=10];\n\tedge [fontname=\"monospace\", fontsize=9];\n}\n" {
		t.Errorf("Dot(nil) = %q", got)
	}
}

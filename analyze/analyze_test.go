package analyze

import (
	"os"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp"
)

// asm assembles a program written in the text form.
func asm(t testing.TB, src string) seccomp.Program {
	t.Helper()
	p, err := seccomp.AssembleText(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := seccomp.Verify(p); err != nil {
		t.Fatal(err)
	}
	return p
}

func readRaw(t testing.TB, path string) seccomp.Program {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := seccomp.ParseRaw(b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func analyzeT(t testing.TB, p seccomp.Program, opts *Options) *Report {
	t.Helper()
	r, err := Analyze(p, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// lines prints decisions one a line, as "ACTION when CONDS" per
// alternative and "ACTION otherwise" for the last of several.
func lines(ds []Decision) []string {
	var out []string
	for _, d := range ds {
		switch {
		case d.Otherwise:
			out = append(out, d.ActionString()+" otherwise")
		case d.When == nil:
			out = append(out, d.ActionString())
		default:
			for _, w := range d.When {
				out = append(out, d.ActionString()+" when "+Join(w))
			}
		}
	}
	return out
}

func wantLines(t *testing.T, what string, ds []Decision, want ...string) {
	t.Helper()
	got := lines(ds)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

func syscallT(t *testing.T, r *Report, arch, name string) *Syscall {
	t.Helper()
	a := r.Arch(arch)
	if a == nil {
		t.Fatalf("no arch %s in the report", arch)
	}
	s := a.Syscall(name)
	if s == nil {
		t.Fatalf("no %s on %s", name, arch)
	}
	return s
}

// The allowlist of testdata/cmd, against what its source says it does.
func TestAllowlist(t *testing.T) {
	r := analyzeT(t, readRaw(t, "../testdata/cmd/allowlist.bpf"), nil)
	if len(r.Arches) != 2 || r.Arches[0].Arch != seccomp.ArchX86_64 || r.Arches[1].Arch != seccomp.ArchX32 {
		t.Fatalf("arches %v, want x86_64 and x32", r.Arches)
	}
	if !r.Complete || !r.Detected || len(r.Unreachable) != 0 {
		t.Errorf("complete %t, detected %t, unreachable %v", r.Complete, r.Detected, r.Unreachable)
	}
	for _, name := range []string{"read", "close", "exit", "exit_group"} {
		s := syscallT(t, r, "x86_64", name)
		wantLines(t, name, s.Decisions, "ALLOW")
		if !s.Cacheable || s.NoCache != "" || s.ArchUnchecked {
			t.Errorf("%s: cacheable %t (%q), arch unchecked %t", name, s.Cacheable, s.NoCache, s.ArchUnchecked)
		}
	}
	wantLines(t, "write", syscallT(t, r, "x86_64", "write").Decisions,
		"ALLOW when arg0 == 1", "ALLOW when arg0 == 2", "ERRNO(1) otherwise")
	wantLines(t, "x86_64 default", r.Arch("x86_64").Default, "ERRNO(38)")
	wantLines(t, "openat", syscallT(t, r, "x86_64", "openat").Decisions, "ERRNO(38)")
	for _, rg := range r.Arch("x86_64").Other {
		wantLines(t, "x86_64 numbers not in the table", rg.Decisions, "ERRNO(38)")
	}
	wantLines(t, "x32 read", syscallT(t, r, "x32", "read").Decisions, "KILL_PROCESS")
	for _, rg := range r.Arch("x32").Other {
		wantLines(t, "x32 numbers not in the table", rg.Decisions, "KILL_PROCESS")
	}
	if o := r.Arch("x32").Other; o[len(o)-1].Hi != 0xffffffff {
		t.Errorf("x32's last range ends at %#x", o[len(o)-1].Hi)
	}
	if len(r.BadArch) != 2 {
		t.Fatalf("%d bad-arch ranges", len(r.BadArch))
	}
	for _, rg := range r.BadArch {
		wantLines(t, "bad arch", rg.Decisions, "KILL_PROCESS")
	}
	// Decide, on a few calls.
	for _, c := range []struct {
		d    seccomp.Data
		want seccomp.Action
	}{
		{seccomp.Data{Nr: 1, Arch: seccomp.AuditArchX86_64, Args: [6]uint64{2}}, seccomp.ActAllow},
		{seccomp.Data{Nr: 1, Arch: seccomp.AuditArchX86_64, Args: [6]uint64{1<<32 | 2}}, seccomp.Errno(1)},
		{seccomp.Data{Nr: 400, Arch: seccomp.AuditArchX86_64}, seccomp.Errno(38)},
		{seccomp.Data{Nr: -1, Arch: seccomp.AuditArchX86_64}, seccomp.ActKillProcess},
		{seccomp.Data{Nr: 1, Arch: seccomp.AuditArchI386}, seccomp.ActKillProcess},
		{seccomp.Data{Nr: 1, Arch: seccomp.AuditArchS390X}, seccomp.ActKillProcess},
	} {
		if got, ok := r.Decide(c.d); !ok || got != c.want {
			t.Errorf("Decide(%+v) = %v, %t; want %v", c.d, got, ok, c.want)
		}
	}
}

// Hand-written programs: what the simplification makes of the halves of
// 64-bit compares, masks, bit tests and ranges.
func TestConditions(t *testing.T) {
	const head = `
	ld [arch]
	jne #AUDIT_ARCH_X86_64, kill
	ld [nr]
	jge #X32_SYSCALL_BIT, kill
	jne #0, deny
`
	const tail = `
deny:	ret ERRNO(1)
allow:	ret ALLOW
kill:	ret KILL_PROCESS
`
	for _, c := range []struct {
		name, body string
		want       []string
	}{
		{"hi == 0 && lo < 3", `
	ld [args[0].hi]
	jne #0, deny
	ld [args[0].lo]
	jlt #3, allow
	ja deny`, []string{"ALLOW when arg0 < 3", "ERRNO(1) otherwise"}},
		{"hi == 0 && lo == 8", `
	ld [args[0].hi]
	jne #0, deny
	ld [args[0].lo]
	jeq #8, allow
	ja deny`, []string{"ALLOW when arg0 == 8", "ERRNO(1) otherwise"}},
		{"a 64-bit >= with both halves", `
	ld [args[1].hi]
	jgt #1, allow
	jne #1, deny
	ld [args[1].lo]
	jge #5, allow
	ja deny`, []string{"ALLOW when arg1 >= 0x100000005", "ERRNO(1) otherwise"}},
		{"a 64-bit != (the complement of ==)", `
	ld [args[2].hi]
	jne #0, allow
	ld [args[2].lo]
	jne #7, allow
	ja deny`, []string{"ALLOW when arg2 != 7", "ERRNO(1) otherwise"}},
		{"a mask across both halves", `
	ld [args[0].hi]
	and #0xff
	jne #1, deny
	ld [args[0].lo]
	and #0xf0
	jne #0x10, deny
	ja allow`, []string{"ALLOW when arg0 & 0xff000000f0 == 0x100000010", "ERRNO(1) otherwise"}},
		{"bit tests", `
	ld [args[3].lo]
	jset #0x3, deny
	ret ALLOW`, []string{"ALLOW when arg3 & 0x3 == 0x0", "ERRNO(1) otherwise"}},
		{"the low half only", `
	ld [args[0].lo]
	jgt #10, deny
	jlt #4, deny
	ret ALLOW`, []string{"ALLOW when arg0.lo >= 4 && arg0.lo < 11", "ERRNO(1) otherwise"}},
		{"implied tests are dropped", `
	ld [args[0].lo]
	jgt #10, deny
	jgt #20, kill
	jgt #5, allow
	ja deny`, []string{"ALLOW when arg0.lo >= 6 && arg0.lo < 11", "ERRNO(1) otherwise"}},
		{"two arguments", `
	ld [args[0].hi]
	jne #0, deny
	ld [args[0].lo]
	jne #1, deny
	ld [args[1].hi]
	jne #0, deny
	ld [args[1].lo]
	jeq #2, allow
	ja deny`, []string{"ALLOW when arg0 == 1 && arg1 == 2", "ERRNO(1) otherwise"}},
		{"a few values", `
	ld [args[0].hi]
	jne #0, deny
	ld [args[0].lo]
	jeq #1, allow
	jeq #3, allow
	jeq #9, allow
	ja deny`, []string{"ALLOW when arg0 == 1", "ALLOW when arg0 == 3", "ALLOW when arg0 == 9", "ERRNO(1) otherwise"}},
		{"the instruction pointer", `
	ld [instruction_pointer.hi]
	jne #0x7fff, deny
	ret ALLOW`, []string{"ALLOW when ip >= 0x7fff00000000 && ip < 0x800000000000", "ERRNO(1) otherwise"}},
		{"a computed test", `
	ld [args[0].lo]
	add #4
	jgt #7, allow
	ja deny`, []string{"ALLOW when (computed: arg0.lo + 4 > 7)", "ERRNO(1) otherwise"}},
		{"a computed action", `
	ld [args[5].lo]
	or #0x50000
	ret a`, []string{"(computed: arg5.lo | 0x50000)"}},
		{"a division by a register that may be zero", `
	ld [args[1].lo]
	tax
	ld #100
	div x
	jgt #9, allow
	ja deny`, []string{"KILL_THREAD when arg1.lo == 0", "ALLOW when arg1.lo >= 1 && (computed: 100 / arg1.lo > 9)", "ERRNO(1) otherwise"}},
		{"scratch memory and X", `
	ld [args[0].lo]
	st M[3]
	ld #0
	ldx M[3]
	txa
	jeq #5, allow
	ja deny`, []string{"ALLOW when arg0.lo == 5", "ERRNO(1) otherwise"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := asm(t, head+c.body+tail)
			r := analyzeT(t, p, nil)
			wantLines(t, c.name, syscallT(t, r, "x86_64", "read").Decisions, c.want...)
			checkAgainstEmulator(t, p, r, edgeInputs(p))
		})
	}
}

// edgeInputs returns inputs built from the constants of p and their
// neighbours, in every argument and half.
func edgeInputs(p seccomp.Program) []seccomp.Data {
	var ks []uint64
	for _, in := range p {
		for _, d := range []uint32{0, 1, 0xffffffff} {
			ks = append(ks, uint64(in.K+d))
		}
	}
	var out []seccomp.Data
	for i, k := range ks {
		for _, hi := range []uint64{0, 1, k, ks[(i*7)%len(ks)]} {
			d := seccomp.Data{Nr: 0, Arch: seccomp.AuditArchX86_64}
			for a := range d.Args {
				d.Args[a] = hi<<32 | ks[(i+a)%len(ks)]
			}
			d.InstructionPointer = k<<32 | hi
			out = append(out, d)
		}
	}
	return out
}

// A program with more paths than MaxPaths for a call is too complex there,
// and Decide says so; the rest is analyzed.
func TestTooComplex(t *testing.T) {
	src := "ld [nr]\njne #1, other\n"
	for i := range 10 {
		src += "ld [args[0].lo]\njset #" + itoa(1<<i) + ", a" + itoa(i) + "\nld #0\na" + itoa(i) + ":\n"
	}
	src += "ld [args[1].lo]\njset #1, deny\nret ALLOW\ndeny: ret ERRNO(1)\nother: ret KILL_PROCESS\n"
	p := asm(t, src)
	r := analyzeT(t, p, &Options{Arches: []*seccomp.Arch{seccomp.ArchX86_64}, MaxPaths: 100})
	s := syscallT(t, r, "x86_64", "write")
	if !s.TooComplex || r.Complete {
		t.Errorf("write: too complex %t, report complete %t", s.TooComplex, r.Complete)
	}
	if _, ok := r.Decide(seccomp.Data{Nr: 1, Arch: seccomp.AuditArchX86_64}); ok {
		t.Error("Decide answers for a call too complex to analyze")
	}
	wantLines(t, "read", syscallT(t, r, "x86_64", "read").Decisions, "KILL_PROCESS")
	if len(r.Unreachable) != 0 {
		t.Errorf("unreachable instructions reported for an incomplete analysis: %v", r.Unreachable)
	}
	// With a higher limit, it is analyzed whole: 2048 paths.
	r = analyzeT(t, p, &Options{Arches: []*seccomp.Arch{seccomp.ArchX86_64}, MaxPaths: 5000})
	s = syscallT(t, r, "x86_64", "write")
	wantLines(t, "write", s.Decisions, "ALLOW when arg1 & 0x1 == 0x0", "ERRNO(1) otherwise")
	checkAgainstEmulator(t, p, r, edgeInputs(p))
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// MaxWork bounds the analysis: it ends, incomplete.
func TestMaxWork(t *testing.T) {
	r := analyzeT(t, readRaw(t, "../testdata/cmd/allowlist.bpf"), &Options{MaxWork: 3000})
	if r.Complete {
		t.Error("complete with 3000 steps of work")
	}
}

// The reasons the kernel's action cache cannot serve a call the program
// always allows.
func TestNoCache(t *testing.T) {
	for _, c := range []struct {
		body, want string
	}{
		{"ld [args[0].lo]\nret ALLOW", "instruction 3 loads arg0.lo"},
		{"ret ALLOW|0x5", "instruction 3 returns ALLOW with data bits (0x7fff0005)"},
		{"tax\nret ALLOW", "instruction 3 uses X"},
		{"ld #0x7fff0000\nret a", "instruction 3 loads a constant"},
		{"st M[0]\nret ALLOW", "instruction 3 uses scratch memory"},
		{"add #1\nret ALLOW", "instruction 3 computes"},
		{"and #0xff\nret ALLOW", ""},
	} {
		p := asm(t, "ld [arch]\njne #AUDIT_ARCH_AARCH64, kill\nld [nr]\n"+c.body+"\nkill: ret KILL_PROCESS\n")
		r := analyzeT(t, p, nil)
		s := syscallT(t, r, "aarch64", "read")
		if s.NoCache != c.want || s.Cacheable != (c.want == "") {
			t.Errorf("%q: cacheable %t, NoCache %q; want %q", c.body, s.Cacheable, s.NoCache, c.want)
		}
	}
}

// libseccomp's exported programs, against the C source that made them.
func TestLibseccompExports(t *testing.T) {
	allow := readRaw(t, "../testdata/analyze/libseccomp_allow.bpf")
	r := analyzeT(t, allow, nil)
	for name, want := range map[string][]string{
		"read":       {"ALLOW"},
		"close":      {"ALLOW"},
		"exit":       {"ALLOW"},
		"exit_group": {"ALLOW"},
		"brk":        {"ALLOW"},
		"getpid":     {"ERRNO(1)"},
		"write":      {"ALLOW when arg0 == 1", "ALLOW when arg0 == 2", "KILL_PROCESS otherwise"},
		"openat":     {"ALLOW when arg2 & 0x3 == 0x0", "KILL_PROCESS otherwise"},
		"mmap":       {"ALLOW when arg2 & 0x4 == 0x0", "KILL_PROCESS otherwise"},
		"open":       {"KILL_PROCESS"},
	} {
		wantLines(t, "allow: "+name, syscallT(t, r, "x86_64", name).Decisions, want...)
	}
	wantLines(t, "allow: x32", syscallT(t, r, "x32", "read").Decisions, "KILL_THREAD")
	wantLines(t, "allow: bad arch", r.BadArch[0].Decisions, "KILL_THREAD")
	checkAgainstEmulator(t, allow, r, edgeInputs(allow))

	deny := readRaw(t, "../testdata/analyze/libseccomp_deny.bpf")
	r = analyzeT(t, deny, nil)
	for name, want := range map[string][]string{
		"ptrace": {"ERRNO(1)"},
		"mount":  {"ERRNO(1)"},
		"execve": {"ERRNO(1)"},
		"openat": {"ERRNO(13) when arg2 & 0x40 == 0x40", "ALLOW otherwise"},
		"kill":   {"KILL_PROCESS when arg0 == 0", "ALLOW otherwise"},
		"open":   {"ALLOW"},
	} {
		wantLines(t, "deny: "+name, syscallT(t, r, "x86_64", name).Decisions, want...)
	}
	// libseccomp lets number -1 through to the default action.
	if got, _ := r.Decide(seccomp.Data{Nr: -1, Arch: seccomp.AuditArchX86_64}); got != seccomp.ActAllow {
		t.Errorf("deny: nr -1 gets %v, want ALLOW", got)
	}
	checkAgainstEmulator(t, deny, r, edgeInputs(deny))
}

func TestDetectArches(t *testing.T) {
	for _, c := range []struct {
		src  string
		want string
	}{
		{"ld [arch]\njeq #AUDIT_ARCH_AARCH64, 2\nret KILL\nret ALLOW", "aarch64"},
		{"ld [arch]\njeq #AUDIT_ARCH_I386, 3\njeq #AUDIT_ARCH_X86_64, 3\nret KILL\nret ALLOW", "x86_64 i386 x32"},
		{"ret ALLOW", ""},
		{"ld [arch]\njeq #AUDIT_ARCH_S390X, 2\nret KILL\nret ALLOW", "s390x"},
		{"ld [arch]\njeq #AUDIT_ARCH_MIPSEL64N32, 4\njeq #AUDIT_ARCH_MIPSEL, 4\nret KILL\nret ALLOW", "mipsel mipsel64n32"},
		{"ld [arch]\njeq #AUDIT_ARCH_RISCV32, 2\nret KILL\nret ALLOW", ""},
	} {
		var got []string
		for _, a := range DetectArches(asm(t, c.src)) {
			got = append(got, a.Name)
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%q: %v, want %s", c.src, got, c.want)
		}
	}
}

// Invalid programs are refused, with the verifier's error.
func TestInvalid(t *testing.T) {
	_, err := Analyze(seccomp.Program{{Op: 0x20, K: 64}, {Op: 0x06}}, nil)
	if err == nil || !strings.Contains(err.Error(), "load must be") {
		t.Errorf("Analyze of an invalid program: %v", err)
	}
	if _, err := Analyze(nil, nil); err == nil {
		t.Error("Analyze of an empty program: no error")
	}
}

// A program that never checks the arch: the report says so, and the
// calls of other arches get what x86_64's get.
func TestNoArchCheck(t *testing.T) {
	p := asm(t, "ld [nr]\njeq #59, kill\nret ALLOW\nkill: ret KILL_PROCESS")
	r := analyzeT(t, p, nil)
	if !r.Detected || r.Arches[0].Arch.Name != nativeOrX86(t) {
		t.Errorf("arches %v", r.Arches)
	}
	if !syscallT(t, r, r.Arches[0].Arch.Name, "read").ArchUnchecked {
		t.Error("read: arch unchecked not reported")
	}
	wantLines(t, "bad arch", r.BadArch[0].Decisions, "KILL_PROCESS when nr == 59", "ALLOW otherwise")
}

func nativeOrX86(t *testing.T) string {
	if a, err := seccomp.NativeArch(); err == nil {
		return a.Name
	}
	return "x86_64"
}

package seccomp

import (
	"testing"

	"golang.org/x/net/bpf"
)

// realisticProgram builds the shape of a container allowlist by hand: an
// arch check, the x32 guard, a binary search over about 330 allowed x86_64
// syscall numbers, an argument check on personality(2), and ERRNO(EPERM)
// for everything else.
func realisticProgram(tb testing.TB) Program {
	var allowed []uint32
	for nr := uint32(0); nr < 335; nr++ {
		switch nr {
		case 101, 135, 155, 165, 166, 169, 246, 250, 272, 298, 310, 311, 320, 321: // ptrace, personality, pivot_root, mount, ...
			continue
		}
		allowed = append(allowed, nr)
	}
	var s Source
	s.Add(bpf.LoadAbsolute{Off: OffsetArch, Size: 4})
	s.JumpIf(bpf.JumpNotEqual, uint32(AuditArchX86_64), "kill", "")
	s.Add(bpf.LoadAbsolute{Off: OffsetNr, Size: 4})
	s.JumpIf(bpf.JumpGreaterOrEqual, X32SyscallBit, "enosys", "")
	s.JumpIf(bpf.JumpEqual, 135, "personality", "")
	n := 0
	var tree func(lo, hi int)
	tree = func(lo, hi int) { // allowed[lo:hi]
		if hi-lo <= 4 {
			for _, nr := range allowed[lo:hi] {
				s.JumpIf(bpf.JumpEqual, nr, "allow", "")
			}
			s.Jump("deny")
			return
		}
		mid := (lo + hi) / 2
		n++
		right := "r" + itoa(n)
		s.JumpIf(bpf.JumpGreaterOrEqual, allowed[mid], right, "")
		tree(lo, mid)
		s.Label(right)
		tree(mid, hi)
	}
	tree(0, len(allowed))
	s.Label("personality")
	low, high := OffsetArgHalves(0, ArchX86_64.ByteOrder())
	s.Add(bpf.LoadAbsolute{Off: high, Size: 4})
	s.JumpIf(bpf.JumpNotEqual, 0, "deny", "")
	s.Add(bpf.LoadAbsolute{Off: low, Size: 4})
	for _, v := range []uint32{0, 8, 0x20000, 0x20008, 0xffffffff} {
		s.JumpIf(bpf.JumpEqual, v, "allow", "")
	}
	s.Label("deny")
	s.Add(bpf.RetConstant{Val: uint32(Errno(1))})
	s.Label("enosys")
	s.Add(bpf.RetConstant{Val: uint32(Errno(38))})
	s.Label("allow")
	s.Add(bpf.RetConstant{Val: uint32(ActAllow)})
	s.Label("kill")
	s.Add(bpf.RetConstant{Val: uint32(ActKillProcess)})
	p, err := s.Assemble()
	if err != nil {
		tb.Fatal(err)
	}
	if err := Verify(p); err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestRealisticProgram(t *testing.T) {
	e := MustEmulator(realisticProgram(t))
	x := func(nr int32, args ...uint64) Action {
		d := Data{Nr: nr, Arch: AuditArchX86_64}
		copy(d.Args[:], args)
		return e.Action(d)
	}
	for nr := int32(0); nr < 400; nr++ {
		want := ActAllow
		switch {
		case nr >= 335 || nr == 101 || nr == 155 || nr == 165 || nr == 166 || nr == 169 || nr == 246 || nr == 250 || nr == 272 || nr == 298 || nr == 310 || nr == 311 || nr == 320 || nr == 321:
			want = Errno(1)
		case nr == 135:
			continue
		}
		if got := x(nr); got != want {
			t.Errorf("nr %d: got %v, want %v", nr, got, want)
		}
	}
	if got := x(135, 8); got != ActAllow {
		t.Errorf("personality(8): %v", got)
	}
	if got := x(135, 1<<32|8); got != Errno(1) {
		t.Errorf("personality(1<<32|8): %v", got)
	}
	if got := x(135, 9); got != Errno(1) {
		t.Errorf("personality(9): %v", got)
	}
	if got := x(X32SyscallBit | 1); got != Errno(38) {
		t.Errorf("x32 write: %v", got)
	}
	if got := e.Action(Data{Nr: 1, Arch: AuditArchI386}); got != ActKillProcess {
		t.Errorf("i386: %v", got)
	}
}

// hotMix is a mix of frequent system calls (read, write, futex, epoll_pwait,
// mmap, munmap, openat, close, fstat, newfstatat, clock_gettime, getpid,
// sched_yield, nanosleep, recvfrom, sendto, brk).
var hotMix = []int32{0, 1, 202, 281, 9, 11, 257, 3, 5, 262, 228, 39, 24, 35, 45, 44, 12}

func BenchmarkEmulatorRun(b *testing.B) {
	e := MustEmulator(realisticProgram(b))
	in := make([]Data, len(hotMix))
	for i, nr := range hotMix {
		in[i] = Data{Nr: nr, Arch: AuditArchX86_64}
	}
	b.ReportAllocs()
	executed := 0
	i := 0
	for b.Loop() {
		executed += e.Run(in[i]).Executed
		i++
		if i == len(in) {
			i = 0
		}
	}
	b.ReportMetric(float64(executed)/float64(b.N), "insns/op")
}

func BenchmarkEmulatorDenied(b *testing.B) {
	e := MustEmulator(realisticProgram(b))
	d := Data{Nr: 101, Arch: AuditArchX86_64}
	b.ReportAllocs()
	for b.Loop() {
		e.Run(d)
	}
}

func BenchmarkVerify(b *testing.B) {
	p := realisticProgram(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := Verify(p); err != nil {
			b.Fatal(err)
		}
	}
}

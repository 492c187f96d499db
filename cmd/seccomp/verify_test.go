package main

import (
	"testing"

	"golang.org/x/net/bpf"
)

func bpfRaw(op uint16, jt, jf uint8, k uint32) bpf.RawInstruction {
	return bpf.RawInstruction{Op: op, Jt: jt, Jf: jf, K: k}
}

func TestVerify(t *testing.T) {
	for _, tc := range []struct {
		name  string
		prog  []bpf.RawInstruction
		code  int
		out   string
		error []string
	}{
		{"allow", []bpf.RawInstruction{bpfRaw(retK, 0, 0, 0x7fff0000)}, 0,
			"ok: 1 instructions, returns ALLOW\n", nil},
		{"every action", []bpf.RawInstruction{
			bpfRaw(ldAbs, 0, 0, 0),
			bpfRaw(jeqK, 0, 1, 1), bpfRaw(retK, 0, 0, 0x7fff0005), // ALLOW with data: still ALLOW
			bpfRaw(jeqK, 0, 1, 2), bpfRaw(retK, 0, 0, 0x7fff0000),
			bpfRaw(jeqK, 0, 1, 3), bpfRaw(retK, 0, 0, 0x00050002), // ERRNO(2)
			bpfRaw(jeqK, 0, 1, 4), bpfRaw(retK, 0, 0, 0x00050001), // ERRNO(1)
			bpfRaw(jeqK, 0, 1, 5), bpfRaw(retK, 0, 0, 0x00030007), // TRAP(7)
			bpfRaw(jeqK, 0, 1, 6), bpfRaw(retK, 0, 0, 0x7ff00003), // TRACE(3)
			bpfRaw(jeqK, 0, 1, 7), bpfRaw(retK, 0, 0, 0x7fc00000), // USER_NOTIF
			bpfRaw(jeqK, 0, 1, 8), bpfRaw(retK, 0, 0, 0x7ffc0000), // LOG
			bpfRaw(jeqK, 0, 1, 9), bpfRaw(retK, 0, 0, 0x00000000), // KILL_THREAD
			bpfRaw(jeqK, 0, 1, 10), bpfRaw(retK, 0, 0, 0x10000000), // unknown: KILL_PROCESS
			bpfRaw(jeqK, 0, 1, 11), bpfRaw(retK, 0, 0, 0x80000000), // KILL_PROCESS
			bpfRaw(jeqK, 0, 1, 12), bpfRaw(retA, 0, 0, 0),
			bpfRaw(retK, 0, 0, 0x7fff0000),
		}, 0, "ok: 26 instructions, returns KILL_PROCESS, KILL_THREAD, TRAP(7), ERRNO(1), ERRNO(2), USER_NOTIF, TRACE(3), LOG, ALLOW, A\n", nil},
		{"no return", []bpf.RawInstruction{bpfRaw(ldAbs, 0, 0, 0)}, 1, "",
			[]string{"instruction 0", "last instruction must be a return"}},
		{"unaligned load", []bpf.RawInstruction{bpfRaw(ldAbs, 0, 0, 0), bpfRaw(ldAbs, 0, 0, 3), bpfRaw(retK, 0, 0, 0)}, 1, "",
			[]string{"instruction 1", "(offset 3)", "load must be a 4-byte aligned offset inside seccomp_data"}},
		{"jump out", []bpf.RawInstruction{bpfRaw(jeqK, 1, 0, 0), bpfRaw(retK, 0, 0, 0)}, 1, "",
			[]string{"instruction 0", "jump target past the last instruction"}},
		{"socket-only load", []bpf.RawInstruction{bpfRaw(ldbAbs, 0, 0, 0), bpfRaw(retK, 0, 0, 0)}, 1, "",
			[]string{"instruction 0", "opcode not allowed in seccomp filters"}},
		{"scratch read", []bpf.RawInstruction{bpfRaw(ldMem, 0, 0, 2), bpfRaw(retA, 0, 0, 0)}, 1, "",
			[]string{"instruction 0", "(M[2])", "read before it is written"}},
		{"too long", func() []bpf.RawInstruction {
			p := make([]bpf.RawInstruction, 4097)
			for i := range p {
				p[i] = bpfRaw(retK, 0, 0, 0)
			}
			return p
		}(), 1, "", []string{"program length must be 1 to 4096 instructions (has 4097)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, "p.bpf", rawBytes(tc.prog...))
			errs := tc.error
			if errs != nil {
				errs = append(errs, "seccomp verify: "+path+": invalid filter: ")
			}
			want(t, "", []string{"verify", path}, tc.code, tc.out, errs...)
		})
	}
}

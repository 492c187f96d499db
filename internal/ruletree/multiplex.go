package ruletree

// Multiplexed returns the conditions of the rule libseccomp adds for the
// multiplexer (socketcall, ipc) of a call, from the conditions of a rule
// on that call: its first argument equal to sub, the call's number (its
// SYS_* or IPC number), compared as libseccomp compares arguments on the
// ABI (narrow on a 32-bit one), instead of the rule's condition on
// argument 0, and the conditions on the other arguments kept as they are,
// although they then compare the multiplexer's own arguments (libseccomp
// 2.5 and 2.6: arch-x86.c and the other multiplexing ABIs' rule_add).
// The arguments of the multiplexed call are in user memory, out of the
// filter's reach. Package seccomp (Filter.SetMultiplexing in libseccomp's
// resolution) and the libseccomp-golang drop-in both take it from here.
func Multiplexed(sub uint64, narrow bool, conds []Cond) []Cond {
	out := []Cond{{Arg: 0, Op: EQ, Datum: sub, Narrow: narrow}}
	for _, c := range conds {
		if c.Arg != 0 {
			out = append(out, c)
		}
	}
	return out
}

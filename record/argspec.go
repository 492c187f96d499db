package record

import "slices"

// ArgSpec is an argument whose values a Recorder always records, and that
// Profile turns into conditions when ProfileOptions.Args is set: the
// arguments profiles usually constrain (Docker's default constrains
// socket, personality and clone).
type ArgSpec struct {
	// Syscall is the system call's name (on every arch that has it).
	Syscall string
	// Index is the argument, 0 to 5.
	Index int
	// Flags says the argument is a set of flag bits. Profile then allows
	// any combination of the bits seen, in one condition:
	// SCMP_CMP_MASKED_EQ with the mask of the bits never seen and the
	// datum 0 ("no bit outside those seen"). Otherwise Profile allows
	// exactly the values seen, one entry per value (SCMP_CMP_EQ, on the
	// whole 64-bit register, as Docker's default does).
	Flags bool
	// What says what the argument is.
	What string
}

// argSpecs are the ArgSpecs by call name.
var argSpecs = map[string][]ArgSpec{}

func init() {
	for _, s := range []ArgSpec{
		{"clone", 0, true, "flags, with the exit signal in the low byte"},
		{"unshare", 0, true, "namespace and sharing flags"},
		{"socket", 0, false, "address family"},
		{"socketcall", 0, false, "which socket call (i386, arm: socket, bind, connect, ...)"},
		{"personality", 0, false, "persona"},
		{"prctl", 0, false, "option"},
		{"ioctl", 1, false, "request"},
	} {
		argSpecs[s.Syscall] = append(argSpecs[s.Syscall], s)
	}
}

// ArgSpecs returns the arguments a Recorder records and Profile
// constrains, by call name. clone3 is not among them: its flags live in
// the caller's memory (struct clone_args), where no seccomp filter can
// look. With Options.ReadMemory the Recorder reads them
// (FieldCloneFlags, FieldCloneExitSignal), and with ProfileOptions.Args
// Profile answers clone3 with ERRNO(ENOSYS), as Docker's default does,
// and allows clone with the flags the clone3 calls had: C libraries and
// language runtimes fall back from clone3 to clone on ENOSYS, with the
// same flags (and the exit signal in clone's low byte).
func ArgSpecs() []ArgSpec {
	var out []ArgSpec
	for _, s := range argSpecs {
		out = append(out, s...)
	}
	slices.SortFunc(out, func(a, b ArgSpec) int {
		if a.Syscall != b.Syscall {
			if a.Syscall < b.Syscall {
				return -1
			}
			return 1
		}
		return a.Index - b.Index
	})
	return out
}

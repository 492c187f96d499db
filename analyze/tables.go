package analyze

// The tables of the audit: system calls that are a way out of a sandbox,
// and system calls that do what another does.

// escape is a system call that grants a way out of a sandbox when allowed.
type escape struct {
	syscall  string
	severity Severity
	reason   string
}

// dangers say, for some escapes, which values of an argument are the way
// out: the call is a finding only when the filter allows it for one of
// them (clone without CLONE_NEW* flags creates no namespace).
var dangers = map[string]*danger{
	"unshare":     {arg: 0, bits: unshareNewNamespaces, what: "with CLONE_NEW* flags"},
	"clone":       {arg: 0, bits: cloneNewNamespaces, what: "with CLONE_NEW* flags"},
	"personality": {arg: 0, bits: addrNoRandomize, hasExcept: true, except: 0xffffffff, what: "with ADDR_NO_RANDOMIZE"},
}

// inMemory are the escapes whose danger is in memory, where seccomp cannot
// see it: conditions on their arguments do not restrict them.
var inMemory = map[string]bool{"clone3": true}

// danger is the dangerous values of an argument of a system call: those
// whose low 32 bits have any of bits set (and, with hasExcept, are not
// except).
type danger struct {
	arg       int
	bits      uint32
	hasExcept bool
	except    uint32
	what      string // "with CLONE_NEW* flags"
}

// Namespace flags: CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS,
// CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET (clone and
// unshare), and CLONE_NEWTIME (unshare and clone3 only: 0x80 is part of the
// exit signal in clone's flags).
const (
	cloneNewNamespaces   = 0x7e020000
	unshareNewNamespaces = cloneNewNamespaces | 0x80
	addrNoRandomize      = 0x0040000 // personality's ADDR_NO_RANDOMIZE
)

var escapes = []escape{
	{"ptrace", High, "it reads and writes the memory and registers of other processes, and can rewrite a tracee's system calls"},
	{"process_vm_writev", High, "it writes the memory of other processes"},
	{"process_vm_readv", Medium, "it reads the memory of other processes"},
	{"bpf", High, "it loads eBPF programs and maps into the kernel, a large attack surface"},
	{"mount", High, "it mounts file systems, which can reveal or replace parts of the host's tree"},
	{"fsopen", High, "it mounts file systems (the new mount API)"},
	{"fsmount", High, "it mounts file systems (the new mount API)"},
	{"fsconfig", Medium, "it configures file systems to mount (the new mount API)"},
	{"move_mount", High, "it moves mounts (the new mount API)"},
	{"open_tree", High, "it clones mount trees (the new mount API)"},
	{"mount_setattr", Medium, "it changes mount attributes (read-only, idmapped...)"},
	{"umount", Medium, "it unmounts file systems, revealing what mounts hid"},
	{"umount2", Medium, "it unmounts file systems, revealing what mounts hid"},
	{"pivot_root", Medium, "it changes the root file system"},
	{"chroot", Low, "it changes the root directory (and escapes from a chroot with another one)"},
	{"unshare", High, "it creates namespaces: an unprivileged user namespace gives root's powers inside it and a large kernel attack surface"},
	{"clone", High, "it creates namespaces along with the process (CLONE_NEWUSER, ...): an unprivileged user namespace gives root's powers inside it and a large kernel attack surface"},
	{"clone3", High, "it can create namespaces along with the process: its flags (CLONE_NEWUSER, ...) are in memory, where seccomp cannot see them, so only denying clone3 (ENOSYS makes programs fall back to clone) keeps them out"},
	{"setns", High, "it joins other namespaces, the host's with a descriptor for them"},
	{"keyctl", Medium, "the kernel keyrings are not namespaced: it reaches other containers' keys"},
	{"add_key", Medium, "the kernel keyrings are not namespaced"},
	{"request_key", Medium, "the kernel keyrings are not namespaced"},
	{"kexec_load", High, "it loads a new kernel to boot"},
	{"kexec_file_load", High, "it loads a new kernel to boot"},
	{"open_by_handle_at", High, "it opens files by handle, past the mount namespace and the path checks (the \"shocker\" container escape)"},
	{"name_to_handle_at", Low, "it gets file handles, for open_by_handle_at"},
	{"init_module", High, "it loads kernel modules"},
	{"finit_module", High, "it loads kernel modules"},
	{"delete_module", High, "it unloads kernel modules"},
	{"iopl", High, "it gives direct access to I/O ports"},
	{"ioperm", High, "it gives direct access to I/O ports"},
	{"perf_event_open", Medium, "kernel performance monitoring leaks kernel information and has a history of exploits"},
	{"userfaultfd", Low, "it lets a program stall kernel page faults, a common aid to exploiting kernel races"},
	{"io_uring_setup", Medium, "io_uring performs file and network operations that seccomp never sees"},
	{"swapon", Medium, "it changes the system's swap"},
	{"swapoff", Medium, "it changes the system's swap"},
	{"reboot", Medium, "it reboots the machine, or loads a kexec kernel"},
	{"settimeofday", Low, "it changes the system clock, shared by every container"},
	{"clock_settime", Low, "it changes the system clock, shared by every container"},
	{"clock_adjtime", Low, "it changes the system clock, shared by every container"},
	{"adjtimex", Low, "it changes the system clock, shared by every container"},
	{"stime", Low, "it changes the system clock, shared by every container"},
	{"pidfd_getfd", Medium, "it copies file descriptors out of other processes"},
	{"kcmp", Low, "it compares kernel objects of other processes"},
	{"syslog", Low, "it reads the kernel log, which holds kernel addresses"},
	{"lookup_dcookie", Low, "it reads kernel directory entries by cookie"},
	{"acct", Low, "it turns process accounting on and off"},
	{"quotactl", Low, "it manipulates disk quotas"},
	{"vm86", Medium, "it enters virtual 8086 mode, a rarely used kernel path"},
	{"vm86old", Medium, "it enters virtual 8086 mode, a rarely used kernel path"},
	{"modify_ldt", Low, "it changes the local descriptor table, a rarely used kernel path"},
	{"personality", Low, "it can turn off address space randomization (ADDR_NO_RANDOMIZE)"},
	{"uselib", Low, "it loads a shared library the obsolete way, a rarely used kernel path"},
	{"move_pages", Low, "it moves pages of other processes between NUMA nodes"},
	{"migrate_pages", Low, "it moves pages of other processes between NUMA nodes"},
}

// sibling says that allowed does what denied does: a filter that denies
// (or restricts) denied but allows allowed can be bypassed.
type sibling struct {
	denied, allowed string
	what            string // what both do, "opens files"
	// cond: the bypass works also when denied is only restricted by
	// conditions on its arguments, because allowed can do what they
	// prevent (same arguments, or arguments seccomp cannot see).
	cond bool
}

// groups of system calls that do the same thing: every ordered pair is a
// sibling, with cond set unless noted (false: the arguments differ, and a
// restriction of one may not matter to the other).
var siblingGroups = []struct {
	what  string
	calls []string
	cond  bool
}{
	{"opens files", []string{"open", "openat", "openat2", "creat"}, true},
	{"runs programs", []string{"execve", "execveat"}, true},
	{"renames files", []string{"rename", "renameat", "renameat2"}, true},
	{"removes files", []string{"unlink", "unlinkat"}, true},
	{"removes directories", []string{"rmdir", "unlinkat"}, true},
	{"makes hard links", []string{"link", "linkat"}, true},
	{"makes symbolic links", []string{"symlink", "symlinkat"}, true},
	{"makes directories", []string{"mkdir", "mkdirat"}, true},
	{"makes device nodes", []string{"mknod", "mknodat"}, true},
	{"changes file modes", []string{"chmod", "fchmod", "fchmodat", "fchmodat2"}, true},
	{"changes file owners", []string{"chown", "fchown", "lchown", "fchownat", "chown32", "fchown32", "lchown32"}, true},
	{"sends signals", []string{"kill", "tkill", "tgkill", "pidfd_send_signal", "rt_sigqueueinfo", "rt_tgsigqueueinfo"}, false},
	{"changes memory protection", []string{"mprotect", "pkey_mprotect"}, true},
	{"maps memory", []string{"mmap", "mmap2"}, true},
	{"sends on sockets", []string{"sendto", "sendmsg", "sendmmsg", "send"}, true},
	{"receives from sockets", []string{"recvfrom", "recvmsg", "recvmmsg", "recv"}, true},
	{"accepts connections", []string{"accept", "accept4"}, true},
	{"changes user IDs", []string{"setuid", "setreuid", "setresuid", "setuid32", "setreuid32", "setresuid32"}, true},
	{"changes group IDs", []string{"setgid", "setregid", "setresgid", "setgid32", "setregid32", "setresgid32"}, true},
	{"copies between files", []string{"sendfile", "sendfile64"}, true},
	{"truncates files", []string{"truncate", "truncate64"}, true},
	{"truncates open files", []string{"ftruncate", "ftruncate64"}, true},
	{"controls descriptors", []string{"fcntl", "fcntl64"}, true},
	{"sets resource limits", []string{"setrlimit", "prlimit64"}, true},
	{"loads kernel modules", []string{"init_module", "finit_module"}, true},
	{"loads kernels", []string{"kexec_load", "kexec_file_load"}, true},
}

// The sockets and System V IPC calls that i386's (and others')
// multiplexers socketcall and ipc reach.
var socketCalls = []string{"socket", "bind", "connect", "listen", "accept", "accept4", "getsockname", "getpeername",
	"socketpair", "send", "sendto", "recv", "recvfrom", "shutdown", "setsockopt", "getsockopt", "sendmsg",
	"recvmsg", "recvmmsg", "sendmmsg"}

var ipcCalls = []string{"semop", "semget", "semctl", "semtimedop", "msgsnd", "msgrcv", "msgget", "msgctl",
	"shmat", "shmdt", "shmget", "shmctl"}

// siblings returns the sibling pairs.
func siblings() []sibling {
	var out []sibling
	for _, g := range siblingGroups {
		for _, a := range g.calls {
			for _, b := range g.calls {
				if a != b {
					out = append(out, sibling{a, b, g.what, g.cond})
				}
			}
		}
	}
	out = append(out,
		sibling{"clone", "clone3", "creates processes and threads (clone3's flags are in memory, where seccomp cannot see them)", true},
		sibling{"fork", "clone", "creates processes", false},
		sibling{"vfork", "clone", "creates processes", false},
		sibling{"fork", "clone3", "creates processes", false},
		sibling{"vfork", "clone3", "creates processes", false},
		sibling{"ptrace", "process_vm_writev", "writes other processes' memory", false},
		sibling{"openat", "open_by_handle_at", "opens files (by handle, past path checks)", true},
		sibling{"mount", "fsmount", "mounts file systems (the new mount API)", true},
		sibling{"mount", "move_mount", "mounts file systems (the new mount API)", true},
		sibling{"mount", "open_tree", "mounts file systems (the new mount API)", true},
	)
	for _, c := range socketCalls {
		out = append(out, sibling{c, "socketcall", "reaches the socket calls (socketcall's arguments are in memory, where seccomp cannot see them)", true})
	}
	for _, c := range ipcCalls {
		out = append(out, sibling{c, "ipc", "reaches the System V IPC calls (ipc multiplexes them)", true})
	}
	return out
}

package seccomp

import (
	"errors"
	"slices"
	"syscall"

	scmp "github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/ruletree"
)

// collection is a filter context: libseccomp's db_filter_col. Its rules
// live per ABI (archDB), merged as libseccomp merges them.
type collection struct {
	def, badArch uint32
	nnp          bool
	tsync        bool
	log          bool
	ssb          bool
	rawRC        bool
	waitKill     bool
	optimize     uint32
	notifyUsed   bool

	dbs   []*archDB
	snaps []*snapshot // TransactionStart's, the latest last

	// prog is the precomputed program (Precompute), nil after a change.
	prog []byte
}

// snapshot is the state TransactionReject restores: the ABIs and their
// rules (libseccomp rebuilds a snapshot from the rules, so priority hints
// are not in it).
type snapshot struct {
	dbs []*archDB
}

// archDB is the filter of one ABI: libseccomp's db_filter.
type archDB struct {
	info    *archInfo
	entries []*entry  // by number, unsigned order
	count   int       // entries made by rules (libseccomp's syscall_cnt)
	rules   []apiRule // the rules added, as given
}

// entry is a system call of an ABI (libseccomp's db_sys_list): its rules
// merged, in the order merged.
type entry struct {
	nr     int32
	tree   *ruletree.Syscall
	merged []ruletree.Rule
}

// apiRule is a rule as added, in the native ABI's numbering.
type apiRule struct {
	action uint32
	nr     int32
	conds  []ruletree.Cond // by argument, at most one each
	strict bool
}

func newCollection(def uint32) *collection {
	c := &collection{}
	c.reset(def)
	return c
}

// reset is seccomp_reset: the attributes' defaults, the native ABI only,
// no rules, no transactions.
func (c *collection) reset(def uint32) {
	*c = collection{def: def, badArch: retKillThread, nnp: true, optimize: 1, notifyUsed: def == retUserNotif}
	if n, err := native(); err == nil && n.table() != nil {
		c.dbs = []*archDB{{info: n}}
	}
}

// valid is libseccomp's check of a context: it covers an ABI.
func (c *collection) valid() bool { return len(c.dbs) > 0 }

func (c *collection) changed() { c.prog = nil }

func (c *collection) db(info *archInfo) *archDB {
	for _, d := range c.dbs {
		if d.info == info {
			return d
		}
	}
	return nil
}

// addArch is seccomp_arch_add: EEXIST if present, EDOM for another byte
// order than the ABIs present.
func (c *collection) addArch(info *archInfo) error {
	if c.db(info) != nil {
		return syscall.EEXIST
	}
	if len(c.dbs) > 0 && c.dbs[0].info.bigEndian() != info.bigEndian() {
		return syscall.EDOM
	}
	c.dbs = append(c.dbs, &archDB{info: info})
	c.changed()
	return nil
}

// removeArch is seccomp_arch_remove: EEXIST if absent.
func (c *collection) removeArch(info *archInfo) error {
	i := slices.IndexFunc(c.dbs, func(d *archDB) bool { return d.info == info })
	if i < 0 {
		return syscall.EEXIST
	}
	c.dbs = slices.Delete(c.dbs, i, i+1)
	c.changed()
	return nil
}

// actionValid is libseccomp's check of an action for this filter.
func (c *collection) actionValid(a uint32) bool {
	sup.mu.Lock()
	defer sup.mu.Unlock()
	// The kernel refuses TSYNC with NOTIFY unless it has TSYNC_ESRCH.
	if c.tsync && a == retUserNotif && !sup.hasFlag(scmp.FlagTSyncESRCH) {
		return false
	}
	return sup.actionValid(a)
}

// addRule is seccomp_rule_add_array (exact: seccomp_rule_add_exact_array)
// after its checks of the context and action: every ABI gets the rule, or
// none does.
func (c *collection) addRule(r apiRule) error {
	nat, err := native()
	if err != nil {
		return syscall.EFAULT
	}
	var first error
	for _, d := range c.dbs {
		if err := d.add(r, nat); err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		// libseccomp restores the state before the rule from a snapshot
		// made of the rules: replay them.
		for _, d := range c.dbs {
			d.rebuild(nat)
		}
		return first
	}
	for _, d := range c.dbs {
		d.rules = append(d.rules, r)
	}
	if r.action == retUserNotif {
		c.notifyUsed = true
	}
	c.changed()
	return nil
}

// rebuild makes the ABI's entries anew from its rules.
func (d *archDB) rebuild(nat *archInfo) {
	d.entries, d.count = nil, 0
	for _, r := range d.rules {
		if err := d.add(r, nat); err != nil {
			panic("libseccomp: replaying accepted rules failed: " + err.Error())
		}
	}
}

// The socket and IPC calls that ABIs with multiplexers (x86's socketcall
// and ipc) get through them, with the multiplexer's call number and
// libseccomp's pseudo numbers for them (-101 ..., -201 ...): the number
// modulo 100 (200) is the multiplexer's first argument.
var socketCalls = []string{"socket", "bind", "connect", "listen", "accept", "getsockname", "getpeername",
	"socketpair", "send", "recv", "sendto", "recvfrom", "shutdown", "setsockopt", "getsockopt",
	"sendmsg", "recvmsg", "accept4", "recvmmsg", "sendmmsg"}

var ipcCalls = map[string]int32{"semop": 1, "semget": 2, "semctl": 3, "semtimedop": 4,
	"msgsnd": 11, "msgrcv": 12, "msgget": 13, "msgctl": 14,
	"shmat": 21, "shmdt": 22, "shmget": 23, "shmctl": 24}

// muxPseudo returns libseccomp's pseudo number of a multiplexed call.
func muxPseudo(name string) (int32, bool) {
	if i := slices.Index(socketCalls, name); i >= 0 {
		return int32(-101 - i), true
	}
	if n, ok := ipcCalls[name]; ok {
		return -200 - n, true
	}
	return 0, false
}

func muxName(nr int32) (string, bool) {
	if nr <= -101 && nr >= -120 {
		return socketCalls[-101-nr], true
	}
	for name, n := range ipcCalls {
		if nr == -200-n {
			return name, true
		}
	}
	return "", false
}

// multiplexes reports whether libseccomp routes the ABI's socket and IPC
// calls through multiplexers (x86; later s390, 32-bit MIPS, PowerPC, m68k
// and SuperH, which have socketcall and ipc too).
func (i *archInfo) multiplexes() bool {
	switch i.arch {
	case ArchX86, ArchS390, ArchS390X, ArchMIPS, ArchMIPSEL, ArchPPC, ArchPPC64, ArchPPC64LE, ArchM68K, ArchSH, ArchSHEB:
		return true
	}
	return false
}

// add adds r to the ABI: libseccomp's arch_filter_rule_add.
func (d *archDB) add(r apiRule, nat *archInfo) error {
	nr := r.nr
	if d.info != nat {
		name, ok := nat.callName(nr)
		if !ok {
			return syscall.EFAULT
		}
		if nr, ok = d.info.number(name); !ok {
			return syscall.EFAULT
		}
	}
	if !d.info.multiplexes() {
		if nr < -1 && r.strict {
			return syscall.EDOM
		}
		return d.merge(nr, r)
	}
	// The multiplexed calls: a rule for the multiplexer, with its first
	// argument naming the call, and one for the call itself, where the
	// ABI has it.
	name, _ := d.info.callName(nr)
	if nr >= 0 {
		if n, ok := d.info.table().SyscallName(nr); ok {
			name = n
		}
	}
	sub, isSocket := int32(0), false
	if i := slices.Index(socketCalls, name); i >= 0 && (nr >= 0 || nr <= -101 && nr >= -120) {
		sub, isSocket = int32(i+1), true
	} else if n, ok := ipcCalls[name]; ok && (nr >= 0 || nr <= -201 && nr >= -224) {
		sub = n
	} else {
		switch {
		case nr >= 0:
			return d.merge(nr, r)
		case r.strict:
			return syscall.EDOM
		}
		return nil // a call the ABI does not have
	}
	if r.strict && len(r.conds) > 0 {
		return syscall.EINVAL
	}
	muxCall := "ipc"
	if isSocket {
		muxCall = "socketcall"
	}
	direct, hasDirect := d.info.table().Syscall(name)
	if mux, ok := d.info.table().Syscall(muxCall); ok {
		rm := r
		rm.conds = slices.DeleteFunc(slices.Clone(r.conds), func(c ruletree.Cond) bool { return c.Arg == 0 })
		rm.conds = append([]ruletree.Cond{{Arg: 0, Op: ruletree.EQ, Datum: uint64(sub)}}, rm.conds...)
		if err := d.merge(mux, rm); err != nil {
			return err
		}
	}
	if hasDirect {
		return d.merge(direct, r)
	}
	return nil
}

// merge adds r to the call nr: libseccomp's db_rule_add.
func (d *archDB) merge(nr int32, r apiRule) error {
	e := d.entry(nr, true)
	tr := ruletree.Rule{Action: r.action, Conds: slices.Clone(r.conds)}
	for i := range tr.Conds {
		tr.Conds[i].Narrow = d.info.narrow
	}
	if err := e.tree.Add(tr); err != nil {
		if errors.Is(err, ruletree.ErrExist) {
			return syscall.EEXIST
		}
		if errors.Is(err, ruletree.ErrInvalid) {
			return syscall.EINVAL
		}
		return syscall.ELOOP // the tree would loop: libseccomp never returns
	}
	e.merged = append(e.merged, tr)
	return nil
}

// entry returns the entry of call nr, made (and counted, when forRule)
// if missing.
func (d *archDB) entry(nr int32, forRule bool) *entry {
	i, found := slices.BinarySearchFunc(d.entries, uint32(nr), func(e *entry, n uint32) int {
		switch {
		case uint32(e.nr) < n:
			return -1
		case uint32(e.nr) > n:
			return 1
		}
		return 0
	})
	if found {
		return d.entries[i]
	}
	e := &entry{nr: nr, tree: ruletree.New(d.info.narrow)}
	d.entries = slices.Insert(d.entries, i, e)
	if forRule {
		d.count++
	}
	return e
}

// priority is seccomp_syscall_priority for one ABI.
func (d *archDB) priority(nr int32, prio uint8, nat *archInfo) error {
	if d.info != nat && nr != -1 {
		name, ok := nat.callName(nr)
		if !ok {
			return syscall.EFAULT
		}
		if nr, ok = d.info.number(name); !ok {
			return syscall.EFAULT
		}
	}
	if nr < -1 {
		// A call the ABI lacks: its multiplexer, if it has one.
		name, ok := muxName(nr)
		if !ok || !d.info.multiplexes() {
			return nil
		}
		mux := "ipc"
		if slices.Contains(socketCalls, name) {
			mux = "socketcall"
		}
		if nr, ok = d.info.table().Syscall(mux); !ok {
			return nil
		}
	}
	d.entry(nr, false).tree.SetPriority(prio)
	return nil
}

// clone copies the ABI's rules (for a snapshot); its entries are made
// again from them when it is restored.
func (d *archDB) clone() *archDB {
	return &archDB{info: d.info, rules: slices.Clone(d.rules)}
}

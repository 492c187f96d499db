package seccomp

import (
	"errors"
	"slices"
	"syscall"

	scmp "github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/ruletree"
	"github.com/seccomp-go/seccomp/internal/sysnum"
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

// The multiplexed calls (socketcall's and ipc's, internal/sysnum's lists):
// libseccomp gives them pseudo numbers, -101 ... for the socket calls and
// -201 ... for the IPC calls, the number modulo 100 (200) being the
// multiplexer's first argument.
func muxPseudo(name string) (int32, bool) {
	for _, c := range sysnum.SocketcallCalls() {
		if c.Name == name {
			return -100 - c.Call, true
		}
	}
	for _, c := range sysnum.IPCCalls() {
		if c.Name == name {
			return -200 - c.Call, true
		}
	}
	return 0, false
}

func muxName(nr int32) (string, bool) {
	calls, base := sysnum.SocketcallCalls(), int32(-100)
	if nr <= -200 {
		calls, base = sysnum.IPCCalls(), -200
	}
	for _, c := range calls {
		if base-c.Call == nr {
			return c.Name, true
		}
	}
	return "", false
}

// multiplexes reports whether libseccomp routes the ABI's socket and IPC
// calls through multiplexers: whether it has socketcall and ipc (x86,
// s390, s390x, 32-bit MIPS, PowerPC, m68k and SuperH).
func (i *archInfo) multiplexes() bool {
	_, _, ok := i.table().MultiplexedBy("socket")
	return ok
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
	// argument naming the call (ruletree.Multiplexed), and one for the
	// call itself, where the ABI has it.
	name, _ := d.info.callName(nr)
	if nr >= 0 {
		if n, ok := d.info.table().SyscallName(nr); ok {
			name = n
		}
	}
	mux, sub, muxed := d.info.table().MultiplexedBy(name)
	if !muxed || nr < 0 && nr > -101 || nr < -120 && nr > -201 || nr < -224 {
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
	rm := r
	rm.conds = ruletree.Multiplexed(uint64(sub), d.info.narrow, r.conds)
	if err := d.merge(mux, rm); err != nil {
		return err
	}
	if direct, ok := d.info.table().Syscall(name); ok {
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
		if nr, _, ok = d.info.table().MultiplexedBy(name); !ok {
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

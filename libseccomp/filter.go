package seccomp

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"

	scmp "github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/ruletree"
)

// ScmpFilter is a filter: a default action, the ABIs it covers, rules for
// system calls and attributes. NewFilter makes one covering the native ABI;
// Load installs it. Its methods may be called from several goroutines.
type ScmpFilter struct {
	filterCtx *collection
	valid     bool
	lock      sync.Mutex
}

var (
	errBadFilter = errors.New("filter is invalid or uninitialized")
	errDefAction = errors.New("requested action matches default action of filter")
)

// NewFilter returns a filter with the given default action, covering the
// native ABI, with no_new_privs set on Load and TSYNC on (when the kernel
// has it): Load installs the filter on every thread of the process.
func NewFilter(defaultAction ScmpAction) (*ScmpFilter, error) {
	if err := sanitizeAction(defaultAction); err != nil {
		return nil, err
	}
	def := defaultAction.toNative()
	sup.mu.Lock()
	sup.api()
	ok := sup.actionValid(def)
	sup.mu.Unlock()
	if !ok {
		return nil, errors.New("could not create filter")
	}
	if n, err := native(); err != nil || n.table() == nil {
		return nil, errors.New("could not create filter")
	}
	f := &ScmpFilter{filterCtx: newCollection(def), valid: true}
	// TSYNC, so that the filter covers every goroutine's thread.
	if err := f.setFilterAttr(attrTsync, 1); err != nil && err != syscall.EOPNOTSUPP {
		f.Release()
		return nil, fmt.Errorf("could not create filter: error setting tsync bit: %w", err)
	}
	return f, nil
}

// IsValid reports whether the filter can be used: made by NewFilter, and
// neither released nor merged into another.
func (f *ScmpFilter) IsValid() bool {
	f.lock.Lock()
	defer f.lock.Unlock()
	return f.valid
}

// Reset empties the filter: a new default action, the native ABI only, no
// rules, every attribute at its default (TSYNC too: off).
func (f *ScmpFilter) Reset(defaultAction ScmpAction) error {
	f.lock.Lock()
	defer f.lock.Unlock()
	if err := sanitizeAction(defaultAction); err != nil {
		return err
	} else if !f.valid {
		return errBadFilter
	}
	def := defaultAction.toNative()
	sup.mu.Lock()
	ok := sup.actionValid(def)
	sup.mu.Unlock()
	if !ok {
		return syscall.EINVAL
	}
	f.filterCtx.reset(def)
	return nil
}

// Release makes the filter unusable (IsValid false). Loaded filters stay in
// the kernel.
func (f *ScmpFilter) Release() {
	f.lock.Lock()
	defer f.lock.Unlock()
	if !f.valid {
		return
	}
	f.valid = false
	f.filterCtx = nil
}

// Merge moves the ABIs of src, with their rules, into f, and releases src.
// The filters must cover no ABI in common, have the same default action,
// no_new_privs and TSYNC attributes, and ABIs of one byte order.
func (f *ScmpFilter) Merge(src *ScmpFilter) error {
	f.lock.Lock()
	defer f.lock.Unlock()
	src.lock.Lock()
	defer src.lock.Unlock()
	if !src.valid || !f.valid {
		return errors.New("one or more of the filter contexts is invalid or uninitialized")
	}
	dst, s := f.filterCtx, src.filterCtx
	mismatch := func(e error) error {
		return fmt.Errorf("filters could not be merged due to a mismatch in attributes or invalid filter: %w", e)
	}
	if !dst.valid() || !s.valid() || dst.def != s.def || dst.nnp != s.nnp || dst.tsync != s.tsync {
		return mismatch(syscall.EINVAL)
	}
	if dst.dbs[0].info.bigEndian() != s.dbs[0].info.bigEndian() {
		return syscall.EDOM
	}
	for _, a := range dst.dbs {
		for _, b := range s.dbs {
			if a.info.token == b.info.token {
				return syscall.EEXIST
			}
		}
	}
	dst.dbs = append(dst.dbs, s.dbs...)
	dst.changed()
	src.valid = false
	src.filterCtx = nil
	return nil
}

// IsArchPresent reports whether the filter covers an ABI. Calls of the ABIs
// it does not cover get the bad-architecture action.
func (f *ScmpFilter) IsArchPresent(arch ScmpArch) (bool, error) {
	f.lock.Lock()
	defer f.lock.Unlock()
	info, err := resolve(arch)
	if err != nil {
		return false, err
	} else if !f.valid {
		return false, errBadFilter
	}
	return f.filterCtx.db(info) != nil, nil
}

// AddArch makes the filter cover an ABI (a no-op if it does). The rules
// added before do not apply to it: only those added from now on.
func (f *ScmpFilter) AddArch(arch ScmpArch) error {
	f.lock.Lock()
	defer f.lock.Unlock()
	info, err := resolve(arch)
	if err != nil {
		return err
	} else if !f.valid {
		return errBadFilter
	}
	if err := f.filterCtx.addArch(info); err != nil && err != syscall.EEXIST {
		return err
	}
	return nil
}

// RemoveArch makes the filter stop covering an ABI, with its rules (a no-op
// if it does not cover it). A filter that covers no ABI refuses most
// operations with EINVAL.
func (f *ScmpFilter) RemoveArch(arch ScmpArch) error {
	f.lock.Lock()
	defer f.lock.Unlock()
	info, err := resolve(arch)
	if err != nil {
		return err
	} else if !f.valid {
		return errBadFilter
	}
	if err := f.filterCtx.removeArch(info); err != nil && err != syscall.EEXIST {
		return err
	}
	return nil
}

// Precompute compiles the filter now, so that Load (and the exports) need
// not, until the filter changes.
func (f *ScmpFilter) Precompute() error {
	f.lock.Lock()
	defer f.lock.Unlock()
	if !f.valid {
		return errBadFilter
	}
	if !f.filterCtx.valid() {
		return syscall.EINVAL
	}
	_, err := f.filterCtx.program()
	return err
}

// The attributes (libseccomp's enum scmp_filter_attr).
type scmpFilterAttr uint32

const (
	attrActDefault scmpFilterAttr = iota
	attrActBadArch
	attrNNP
	attrTsync
	attrLog
	attrSSB
	attrOptimize
	attrRawRC
	attrWaitKill
)

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

func (f *ScmpFilter) getFilterAttr(attr scmpFilterAttr) (uint32, error) {
	f.lock.Lock()
	defer f.lock.Unlock()
	if !f.valid {
		return 0, errBadFilter
	}
	c := f.filterCtx
	if !c.valid() {
		return 0, syscall.EINVAL
	}
	switch attr {
	case attrActDefault:
		return c.def, nil
	case attrActBadArch:
		return c.badArch, nil
	case attrNNP:
		return b2u(c.nnp), nil
	case attrTsync:
		return b2u(c.tsync), nil
	case attrLog:
		return b2u(c.log), nil
	case attrSSB:
		return b2u(c.ssb), nil
	case attrOptimize:
		return c.optimize, nil
	case attrRawRC:
		return b2u(c.rawRC), nil
	case attrWaitKill:
		return b2u(c.waitKill), nil
	}
	return 0, syscall.EINVAL
}

func (f *ScmpFilter) setFilterAttr(attr scmpFilterAttr, value uint32) error {
	f.lock.Lock()
	defer f.lock.Unlock()
	if !f.valid {
		return errBadFilter
	}
	c := f.filterCtx
	if !c.valid() {
		return syscall.EINVAL
	}
	flag := func(fl scmp.FilterFlag, set func()) error {
		sup.mu.Lock()
		ok := sup.hasFlag(fl)
		sup.mu.Unlock()
		if !ok {
			return syscall.EOPNOTSUPP
		}
		set()
		c.changed()
		return nil
	}
	switch attr {
	case attrActDefault:
		return syscall.EACCES
	case attrActBadArch:
		if !c.actionValid(value) {
			return syscall.EINVAL
		}
		c.badArch = value
	case attrNNP:
		c.nnp = value != 0
	case attrTsync:
		sup.mu.Lock()
		ok, esrch := sup.hasFlag(scmp.FlagTSync), sup.hasFlag(scmp.FlagTSyncESRCH)
		sup.mu.Unlock()
		if !ok {
			return syscall.EOPNOTSUPP
		}
		if !esrch && value != 0 && c.notifyUsed {
			return syscall.EINVAL
		}
		c.tsync = value != 0
	case attrLog:
		return flag(scmp.FlagLog, func() { c.log = value != 0 })
	case attrSSB:
		return flag(scmp.FlagSpecAllow, func() { c.ssb = value != 0 })
	case attrOptimize:
		if value != 1 && value != 2 {
			return syscall.EOPNOTSUPP
		}
		c.optimize = value
	case attrRawRC:
		c.rawRC = value != 0
	case attrWaitKill:
		c.waitKill = value != 0
	default:
		return syscall.EINVAL
	}
	c.changed()
	return nil
}

// GetDefaultAction returns the action of the calls no rule decides.
func (f *ScmpFilter) GetDefaultAction() (ScmpAction, error) {
	a, err := f.getFilterAttr(attrActDefault)
	if err != nil {
		return 0x0, err
	}
	return actionFromNative(a)
}

// GetBadArchAction returns the action of the calls of ABIs the filter does
// not cover (by default ActKillThread).
func (f *ScmpFilter) GetBadArchAction() (ScmpAction, error) {
	a, err := f.getFilterAttr(attrActBadArch)
	if err != nil {
		return 0x0, err
	}
	return actionFromNative(a)
}

func (f *ScmpFilter) getBool(attr scmpFilterAttr, op string, level uint, major, minor, micro uint) (bool, error) {
	v, err := f.getFilterAttr(attr)
	if err != nil {
		if op != "" {
			if e := checkAPI(op, level, major, minor, micro); e != nil {
				err = e
			}
		}
		return false, err
	}
	return v != 0, nil
}

func (f *ScmpFilter) setBool(attr scmpFilterAttr, state bool, op string, level uint, major, minor, micro uint) error {
	err := f.setFilterAttr(attr, b2u(state))
	if err != nil && op != "" {
		if e := checkAPI(op, level, major, minor, micro); e != nil {
			err = e
		}
	}
	return err
}

// GetNoNewPrivsBit reports whether Load sets no_new_privs (the default):
// then execve grants no privileges (set-user-ID bits, file capabilities),
// and the kernel lets an unprivileged process install the filter.
func (f *ScmpFilter) GetNoNewPrivsBit() (bool, error) {
	return f.getBool(attrNNP, "", 0, 0, 0, 0)
}

// GetLogBit reports whether Load asks the kernel to log every action but
// ALLOW (SECCOMP_FILTER_FLAG_LOG; API level 3).
func (f *ScmpFilter) GetLogBit() (bool, error) {
	return f.getBool(attrLog, "GetLogBit", 3, 2, 4, 0)
}

// GetSSB reports whether Load leaves the speculative store bypass
// mitigation off (SECCOMP_FILTER_FLAG_SPEC_ALLOW; API level 4).
func (f *ScmpFilter) GetSSB() (bool, error) {
	return f.getBool(attrSSB, "GetSSB", 4, 2, 5, 0)
}

// GetOptimize returns the optimization level (see SetOptimize).
func (f *ScmpFilter) GetOptimize() (int, error) {
	v, err := f.getFilterAttr(attrOptimize)
	if err != nil {
		if e := checkAPI("GetOptimize", 4, 2, 5, 0); e != nil {
			err = e
		}
		return 0, err
	}
	return int(v), nil
}

// GetRawRC reports whether Load returns the kernel's errno (see SetRawRC).
func (f *ScmpFilter) GetRawRC() (bool, error) {
	return f.getBool(attrRawRC, "GetRawRC", 4, 2, 5, 0)
}

// GetWaitKill reports whether Load asks for wait-killable notifications
// (see SetWaitKill).
func (f *ScmpFilter) GetWaitKill() (bool, error) {
	return f.getBool(attrWaitKill, "GetWaitKill", 7, 2, 6, 0)
}

// SetBadArchAction sets the action of the calls of ABIs the filter does not
// cover.
func (f *ScmpFilter) SetBadArchAction(action ScmpAction) error {
	if err := sanitizeAction(action); err != nil {
		return err
	}
	return f.setFilterAttr(attrActBadArch, action.toNative())
}

// SetNoNewPrivsBit sets whether Load sets no_new_privs (see
// GetNoNewPrivsBit). Without it, Load needs CAP_SYS_ADMIN.
func (f *ScmpFilter) SetNoNewPrivsBit(state bool) error {
	return f.setBool(attrNNP, state, "", 0, 0, 0, 0)
}

// SetLogBit sets whether Load asks the kernel to log every action but
// ALLOW (API level 3).
func (f *ScmpFilter) SetLogBit(state bool) error {
	return f.setBool(attrLog, state, "SetLogBit", 3, 2, 4, 0)
}

// SetSSB sets whether Load leaves the speculative store bypass mitigation
// off (API level 4).
func (f *ScmpFilter) SetSSB(state bool) error {
	return f.setBool(attrSSB, state, "SetSSB", 4, 2, 5, 0)
}

// SetOptimize sets the optimization level: 1 (the default) or 2. libseccomp
// lays its program out as a list of system calls by priority (1) or as a
// binary tree (2); the program here is laid out its own way at either
// level, which only ExportPFC shows.
func (f *ScmpFilter) SetOptimize(level int) error {
	err := f.setFilterAttr(attrOptimize, uint32(level))
	if err != nil {
		if e := checkAPI("SetOptimize", 4, 2, 5, 0); e != nil {
			err = e
		}
	}
	return err
}

// SetRawRC sets whether Load returns the kernel's errno when the kernel
// refuses the filter; by default it returns ECANCELED.
func (f *ScmpFilter) SetRawRC(state bool) error {
	return f.setBool(attrRawRC, state, "SetRawRC", 4, 2, 5, 0)
}

// SetWaitKill sets whether Load asks, with a user-notification listener,
// that a notified call's thread ignore non-fatal signals once its
// notification is received (SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, Linux
// 5.19; API level 7).
func (f *ScmpFilter) SetWaitKill(state bool) error {
	return f.setBool(attrWaitKill, state, "SetWaitKill", 7, 2, 6, 0)
}

// SetSyscallPriority hints that call is frequent: the higher the priority,
// the fewer comparisons the program makes before deciding it. Here the
// hints become the hot system calls the program is laid out for
// (seccomp.Filter.SetHotSyscalls).
func (f *ScmpFilter) SetSyscallPriority(call ScmpSyscall, priority uint8) error {
	f.lock.Lock()
	defer f.lock.Unlock()
	if !f.valid {
		return errBadFilter
	}
	c := f.filterCtx
	if !c.valid() || call <= -1 && call >= -99 {
		return syscall.EINVAL
	}
	nat, err := native()
	if err != nil {
		return syscall.EFAULT
	}
	var first error
	for _, d := range c.dbs {
		if err := d.priority(int32(call), priority, nat); err != nil && first == nil {
			first = err
		}
	}
	if first == nil {
		c.changed()
	}
	return first
}

// AddRule adds a rule: the action for every call of the system call (a
// number of the native ABI, as GetSyscallFromName returns), on every ABI
// the filter covers. A rule whose action is the default action is
// refused.
func (f *ScmpFilter) AddRule(call ScmpSyscall, action ScmpAction) error {
	return f.addRuleGeneric(call, action, false, nil)
}

// AddRuleExact is AddRule, but refused where libseccomp would have to
// change the rule for an ABI: a filter covering several ABIs, a system
// call the ABI does not have, a multiplexed call with conditions.
func (f *ScmpFilter) AddRuleExact(call ScmpSyscall, action ScmpAction) error {
	return f.addRuleGeneric(call, action, true, nil)
}

// AddRuleConditional adds a rule for the calls whose arguments meet all the
// conditions (at most one per argument). Rules of one system call that
// overlap are resolved as libseccomp resolves them (see the package
// documentation).
func (f *ScmpFilter) AddRuleConditional(call ScmpSyscall, action ScmpAction, conds []ScmpCondition) error {
	return f.addRuleGeneric(call, action, false, conds)
}

// AddRuleConditionalExact is AddRuleConditional, refused where the rule
// would have to change for an ABI (see AddRuleExact).
func (f *ScmpFilter) AddRuleConditionalExact(call ScmpSyscall, action ScmpAction, conds []ScmpCondition) error {
	return f.addRuleGeneric(call, action, true, conds)
}

func (f *ScmpFilter) addRuleGeneric(call ScmpSyscall, action ScmpAction, exact bool, conds []ScmpCondition) error {
	f.lock.Lock()
	defer f.lock.Unlock()
	if !f.valid {
		return errBadFilter
	}
	err := f.filterCtx.ruleAdd(int32(call), action.toNative(), exact, conds)
	switch err {
	case nil:
		return nil
	case syscall.EFAULT:
		return fmt.Errorf("unrecognized syscall %#x", int32(call))
	case syscall.EPERM, syscall.EACCES:
		return errDefAction
	case syscall.EINVAL:
		return errors.New("two checks on same syscall argument")
	}
	return err
}

// ruleAdd is seccomp_rule_add_array and seccomp_rule_add_exact_array.
func (c *collection) ruleAdd(nr int32, action uint32, exact bool, conds []ScmpCondition) error {
	if len(conds) > 6 || !c.valid() || nr <= -1 && nr >= -99 {
		return syscall.EINVAL
	}
	if !c.actionValid(action) {
		return syscall.EINVAL
	}
	if action == c.def {
		return syscall.EACCES
	}
	if exact && len(c.dbs) > 1 {
		return syscall.EOPNOTSUPP
	}
	r := apiRule{action: action, nr: nr, strict: exact}
	var seen [6]bool
	for _, cd := range conds {
		if cd.Argument > 5 || seen[cd.Argument] {
			return syscall.EINVAL
		}
		seen[cd.Argument] = true
		rc := ruletree.Cond{Arg: int(cd.Argument), Datum: cd.Operand1}
		switch cd.Op {
		case CompareNotEqual:
			rc.Op = ruletree.NE
		case CompareLess:
			rc.Op = ruletree.LT
		case CompareLessOrEqual:
			rc.Op = ruletree.LE
		case CompareEqual:
			rc.Op = ruletree.EQ
		case CompareGreaterEqual:
			rc.Op = ruletree.GE
		case CompareGreater:
			rc.Op = ruletree.GT
		case CompareMaskedEqual:
			rc.Op, rc.Mask, rc.Datum = ruletree.MaskedEQ, cd.Operand1, cd.Operand2
		default:
			return syscall.EINVAL
		}
		r.conds = append(r.conds, rc)
	}
	return c.addRule(r)
}

// ExportPFC writes the filter as libseccomp's pseudo filter code: the rules
// of each ABI as libseccomp merged them, a readable form. It writes at the
// file's offset.
func (f *ScmpFilter) ExportPFC(file *os.File) error {
	f.lock.Lock()
	defer f.lock.Unlock()
	if !f.valid {
		return errBadFilter
	}
	if !f.filterCtx.valid() {
		return syscall.EINVAL
	}
	if _, err := file.WriteString(f.filterCtx.pfc()); err != nil {
		return f.filterCtx.sysErr(err)
	}
	return nil
}

// ExportBPF writes the filter's program: the kernel's struct sock_filter
// instructions, in the byte order of the filter's ABIs (libseccomp's
// format). It is the program Load installs, a valid seccomp filter for the
// filter's ABIs.
func (f *ScmpFilter) ExportBPF(file *os.File) error {
	f.lock.Lock()
	defer f.lock.Unlock()
	if !f.valid {
		return errBadFilter
	}
	if !f.filterCtx.valid() {
		return syscall.EINVAL
	}
	b, err := f.filterCtx.program()
	if err != nil {
		return err
	}
	if _, err := file.Write(b); err != nil {
		return f.filterCtx.sysErr(err)
	}
	return nil
}

// ExportBPFMem returns what ExportBPF writes.
func (f *ScmpFilter) ExportBPFMem() ([]byte, error) {
	f.lock.Lock()
	defer f.lock.Unlock()
	if !f.valid {
		return nil, errBadFilter
	}
	if !f.filterCtx.valid() {
		return nil, syscall.EINVAL
	}
	b, err := f.filterCtx.program()
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), b...), nil
}

// sysErr is the error of a failed system call (a write, a load): its errno
// with SetRawRC, ECANCELED otherwise, as libseccomp returns them.
func (c *collection) sysErr(err error) error {
	var errno syscall.Errno
	if c.rawRC && errors.As(err, &errno) {
		return errno
	}
	return syscall.ECANCELED
}

// TransactionStart starts a transaction: TransactionReject undoes the
// changes to the filter's rules and ABIs made since; TransactionCommit
// keeps them. Transactions nest.
func (f *ScmpFilter) TransactionStart() error {
	f.lock.Lock()
	defer f.lock.Unlock()
	if !f.valid {
		return errBadFilter
	}
	c := f.filterCtx
	if !c.valid() {
		return syscall.EINVAL
	}
	s := &snapshot{}
	for _, d := range c.dbs {
		s.dbs = append(s.dbs, d.clone())
	}
	c.snaps = append(c.snaps, s)
	return nil
}

// TransactionReject undoes the changes made since TransactionStart (the
// rules and ABIs; priority hints are dropped, as libseccomp drops them).
func (f *ScmpFilter) TransactionReject() {
	f.lock.Lock()
	defer f.lock.Unlock()
	if !f.valid || !f.filterCtx.valid() || len(f.filterCtx.snaps) == 0 {
		return
	}
	c := f.filterCtx
	s := c.snaps[len(c.snaps)-1]
	c.snaps = c.snaps[:len(c.snaps)-1]
	nat, err := native()
	if err != nil {
		return
	}
	c.dbs = s.dbs
	for _, d := range c.dbs {
		d.rebuild(nat)
	}
	c.changed()
}

// TransactionCommit keeps the changes made since TransactionStart.
func (f *ScmpFilter) TransactionCommit() error {
	f.lock.Lock()
	defer f.lock.Unlock()
	if !f.valid {
		return errBadFilter
	}
	c := f.filterCtx
	if !c.valid() {
		return syscall.EINVAL
	}
	if len(c.snaps) > 0 {
		c.snaps = c.snaps[:len(c.snaps)-1]
	}
	return nil
}

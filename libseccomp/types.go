package seccomp

import (
	"errors"
	"fmt"
)

// VersionError says an operation needs a newer library or a higher API
// level. The library version here is always GetLibraryVersion's, so it is
// the API level (the running kernel's, or the one SetAPI set) that is too
// low.
type VersionError struct {
	op                  string // operation that failed or would fail
	major, minor, micro uint   // minimally required libseccomp version
	curAPI, minAPI      uint   // current and minimally required API versions
}

func (e VersionError) Error() string {
	if e.minAPI != 0 {
		return fmt.Sprintf("%s requires libseccomp >= %d.%d.%d and API level >= %d "+
			"(current version: %d.%d.%d, API level: %d)",
			e.op, e.major, e.minor, e.micro, e.minAPI,
			verMajor, verMinor, verMicro, e.curAPI)
	}
	return fmt.Sprintf("%s requires libseccomp >= %d.%d.%d (current version: %d.%d.%d)",
		e.op, e.major, e.minor, e.micro, verMajor, verMinor, verMicro)
}

// ScmpArch names a system call ABI (an architecture, in libseccomp's
// words); a filter holds rules for each ABI it covers.
type ScmpArch uint

// ScmpAction is what a rule (or the filter's default) does with a call:
// one of the Act constants in the low 16 bits, and for ActErrno and ActTrace
// a code in the high 16 bits (SetReturnCode).
type ScmpAction uint

// ScmpCompareOp is the comparison of a condition.
type ScmpCompareOp uint

// ScmpCondition is a condition on one argument of a system call: argument
// Argument compared by Op with Operand1 (for CompareMaskedEqual: masked with
// Operand1 and compared with Operand2 masked alike). Make one with
// MakeCondition, or fill it in.
type ScmpCondition struct {
	Argument uint          `json:"argument,omitempty"`
	Op       ScmpCompareOp `json:"operator,omitempty"`
	Operand1 uint64        `json:"operand_one,omitempty"`
	Operand2 uint64        `json:"operand_two,omitempty"`
}

// ScmpSyscall is a system call number, of the native ABI unless said
// otherwise (negative numbers stand for calls the ABI lacks; see
// GetSyscallFromName).
type ScmpSyscall int32

// ScmpFd is a file descriptor: the user-notification listener.
type ScmpFd int32

// ScmpNotifData is the call a notification is about.
type ScmpNotifData struct {
	// Syscall is the number of the call, on its ABI.
	Syscall ScmpSyscall `json:"syscall,omitempty"`
	// Arch is the call's ABI.
	Arch ScmpArch `json:"arch,omitempty"`
	// InstrPointer is the caller's instruction pointer.
	InstrPointer uint64 `json:"instr_pointer,omitempty"`
	// Args are the six argument registers.
	Args []uint64 `json:"args,omitempty"`
}

// ScmpNotifReq is a notification, as NotifReceive returns it.
type ScmpNotifReq struct {
	// ID is the kernel's cookie for the notification.
	ID uint64 `json:"id,omitempty"`
	// Pid is the thread id of the caller (0 when not in this pid namespace).
	Pid uint32 `json:"pid,omitempty"`
	// Flags is the notification's flags (none are defined).
	Flags uint32 `json:"flags,omitempty"`
	// Data is the call.
	Data ScmpNotifData `json:"data,omitempty"`
}

// ScmpNotifResp is the answer to a notification, for NotifRespond.
type ScmpNotifResp struct {
	// ID is the ID of the notification answered.
	ID uint64 `json:"id,omitempty"`
	// Error, when not 0, is the errno the call fails with (syscall.EPERM,
	// say): a positive number.
	Error int32 `json:"error,omitempty"`
	// Val is what the call returns when Error is 0.
	Val uint64 `json:"val,omitempty"`
	// Flags: NotifRespFlagContinue (with Error and Val 0) lets the kernel
	// run the call.
	Flags uint32 `json:"flags,omitempty"`
}

// The ABIs, with libseccomp-golang's values. Those this module has no
// syscall table for yet (see the package documentation) are refused
// wherever an ABI is used, with the error libseccomp-golang gives for an
// ABI its libseccomp lacks.
const (
	ArchInvalid     ScmpArch = iota // the zero value: no ABI
	ArchNative                      // the ABI of the running program
	ArchX86                         // i386
	ArchAMD64                       // x86_64
	ArchX32                         // x32: x86_64 with 32-bit pointers
	ArchARM                         // 32-bit ARM (EABI)
	ArchARM64                       // aarch64
	ArchMIPS                        // 32-bit MIPS, big-endian
	ArchMIPS64                      // 64-bit MIPS, big-endian
	ArchMIPS64N32                   // 64-bit MIPS with 32-bit pointers, big-endian
	ArchMIPSEL                      // 32-bit MIPS, little-endian
	ArchMIPSEL64                    // 64-bit MIPS, little-endian
	ArchMIPSEL64N32                 // 64-bit MIPS with 32-bit pointers, little-endian
	ArchPPC                         // 32-bit PowerPC
	ArchPPC64                       // 64-bit POWER, big-endian
	ArchPPC64LE                     // 64-bit POWER, little-endian
	ArchS390                        // 31-bit System z
	ArchS390X                       // 64-bit System z
	ArchPARISC                      // 32-bit PA-RISC
	ArchPARISC64                    // 64-bit PA-RISC
	ArchRISCV64                     // 64-bit RISC-V
	ArchLOONGARCH64                 // 64-bit LoongArch
	ArchM68K                        // Motorola 68000
	ArchSH                          // SuperH, little-endian
	ArchSHEB                        // SuperH, big-endian
)

// The actions. ActKillProcess, ActLog and ActNotify need a kernel that has
// them (API levels 3, 3 and 6).
const (
	ActInvalid     ScmpAction = iota // the zero value: no action
	ActKillThread                    // kill the calling thread (SECCOMP_RET_KILL_THREAD)
	ActTrap                          // send SIGSYS (SECCOMP_RET_TRAP)
	ActNotify                        // ask the user-notification listener (SECCOMP_RET_USER_NOTIF)
	ActErrno                         // fail with the code set by SetReturnCode (SECCOMP_RET_ERRNO)
	ActTrace                         // notify a ptrace tracer, with the code set by SetReturnCode (SECCOMP_RET_TRACE)
	ActAllow                         // run the call (SECCOMP_RET_ALLOW)
	ActLog                           // log the call and run it (SECCOMP_RET_LOG)
	ActKillProcess                   // kill the whole process (SECCOMP_RET_KILL_PROCESS)
	// ActKill is ActKillThread.
	//
	// Deprecated: use ActKillThread (or, in a Go program, ActKillProcess).
	ActKill = ActKillThread
)

// The comparisons of conditions; all compare unsigned 64-bit values (32-bit
// ones on 32-bit ABIs and x32).
const (
	CompareInvalid      ScmpCompareOp = iota // the zero value: no comparison
	CompareNotEqual                          // argument != Operand1
	CompareLess                              // argument < Operand1
	CompareLessOrEqual                       // argument <= Operand1
	CompareEqual                             // argument == Operand1
	CompareGreaterEqual                      // argument >= Operand1
	CompareGreater                           // argument > Operand1
	CompareMaskedEqual                       // argument & Operand1 == Operand2 & Operand1
)

// ErrSyscallDoesNotExist is returned for a system call name or number that
// no table knows.
var ErrSyscallDoesNotExist = errors.New("could not resolve syscall name")

// NotifRespFlagContinue, in ScmpNotifResp.Flags, lets the kernel run the
// notified call (Error and Val must be 0).
const NotifRespFlagContinue uint32 = 1

// String names the comparison, as libseccomp-golang does ("Less than").
func (a ScmpCompareOp) String() string {
	switch a {
	case CompareNotEqual:
		return "Not equal"
	case CompareLess:
		return "Less than"
	case CompareLessOrEqual:
		return "Less than or equal to"
	case CompareEqual:
		return "Equal"
	case CompareGreaterEqual:
		return "Greater than or equal to"
	case CompareGreater:
		return "Greater than"
	case CompareMaskedEqual:
		return "Masked equality"
	case CompareInvalid:
		return "Invalid comparison operator"
	default:
		return fmt.Sprintf("Unrecognized comparison operator %#x", uint(a))
	}
}

// String describes the action, as libseccomp-golang does ("Action: Return
// error code 1").
func (a ScmpAction) String() string {
	switch a & 0xFFFF {
	case ActKillThread:
		return "Action: Kill thread"
	case ActKillProcess:
		return "Action: Kill process"
	case ActTrap:
		return "Action: Send SIGSYS"
	case ActErrno:
		return fmt.Sprintf("Action: Return error code %d", (a >> 16))
	case ActTrace:
		return fmt.Sprintf("Action: Notify tracing processes with code %d",
			(a >> 16))
	case ActNotify:
		return "Action: Notify userspace"
	case ActLog:
		return "Action: Log system call"
	case ActAllow:
		return "Action: Allow system call"
	default:
		return fmt.Sprintf("Unrecognized Action %#x", uint(a))
	}
}

// SetReturnCode returns ActErrno or ActTrace (whichever a is) with code
// as its return code; other actions are returned unchanged.
func (a ScmpAction) SetReturnCode(code int16) ScmpAction {
	aTmp := a & 0x0000FFFF
	if aTmp == ActErrno || aTmp == ActTrace {
		return (aTmp | (ScmpAction(code)&0xFFFF)<<16)
	}
	return a
}

// GetReturnCode returns the return code of a (the high 16 bits).
func (a ScmpAction) GetReturnCode() int16 {
	return int16(a >> 16)
}

// The kernel's values of the actions (SECCOMP_RET_*).
const (
	retKillProcess uint32 = 0x80000000
	retKillThread  uint32 = 0x00000000
	retTrap        uint32 = 0x00030000
	retErrno       uint32 = 0x00050000
	retUserNotif   uint32 = 0x7fc00000
	retTrace       uint32 = 0x7ff00000
	retLog         uint32 = 0x7ffc0000
	retAllow       uint32 = 0x7fff0000
	retActionFull  uint32 = 0xffff0000
)

// toNative returns the kernel's value of a, as libseccomp-golang passes it
// to libseccomp: an action it does not know becomes 0 (KILL_THREAD).
func (a ScmpAction) toNative() uint32 {
	switch a & 0xFFFF {
	case ActKillProcess:
		return retKillProcess
	case ActKillThread:
		return retKillThread
	case ActTrap:
		return retTrap
	case ActErrno:
		return retErrno | uint32(a)>>16
	case ActTrace:
		return retTrace | uint32(a)>>16
	case ActLog:
		return retLog
	case ActAllow:
		return retAllow
	case ActNotify:
		return retUserNotif
	}
	return 0
}

func actionFromNative(a uint32) (ScmpAction, error) {
	aTmp := a & 0xFFFF
	switch a & retActionFull {
	case retKillProcess:
		return ActKillProcess, nil
	case retKillThread:
		return ActKillThread, nil
	case retTrap:
		return ActTrap, nil
	case retErrno:
		return ActErrno.SetReturnCode(int16(aTmp)), nil
	case retTrace:
		return ActTrace.SetReturnCode(int16(aTmp)), nil
	case retLog:
		return ActLog, nil
	case retAllow:
		return ActAllow, nil
	case retUserNotif:
		return ActNotify, nil
	}
	return 0x0, fmt.Errorf("unrecognized action %#x", a)
}

func sanitizeAction(in ScmpAction) error {
	inTmp := in & 0x0000FFFF
	if inTmp < ActKillThread || inTmp > ActKillProcess {
		return fmt.Errorf("unrecognized action %#x", uint(inTmp))
	}
	if inTmp != ActTrace && inTmp != ActErrno && (in&0xFFFF0000) != 0 {
		return errors.New("highest 16 bits must be zeroed except for Trace and Errno")
	}
	return nil
}

func sanitizeCompareOp(in ScmpCompareOp) error {
	if in < CompareNotEqual || in > CompareMaskedEqual {
		return fmt.Errorf("unrecognized comparison operator %#x", uint(in))
	}
	return nil
}

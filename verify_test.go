package seccomp

import (
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/bpf"

	"github.com/seccomp-go/seccomp/internal/opcode"
)

// r builds a raw instruction.
func r(op uint16, jt, jf uint8, k uint32) bpf.RawInstruction {
	return bpf.RawInstruction{Op: op, Jt: jt, Jf: jf, K: k}
}

var (
	retAllow = r(opcode.RetK, 0, 0, uint32(ActAllow))
	retKill  = r(opcode.RetK, 0, 0, uint32(ActKillProcess))
)

func TestVerifyRules(t *testing.T) {
	long := make(Program, MaxInstructions+1)
	for i := range long {
		long[i] = retAllow
	}
	max := long[:MaxInstructions]
	tests := []struct {
		name  string
		prog  Program
		rule  VerifyRule // 0 = accepted
		index int
	}{
		{"empty", Program{}, RuleLength, -1},
		{"too long", long, RuleLength, -1},
		{"4096 is fine", max, 0, 0},
		{"single ret", Program{retAllow}, 0, 0},
		{"ret a", Program{r(opcode.RetA, 0, 0, 0)}, 0, 0},
		{"ret x is not BPF", Program{r(opcode.ClsRET|0x08, 0, 0, 0)}, RuleOpcode, 0},
		{"unknown opcode", Program{r(0xff, 0, 0, 0), retAllow}, RuleOpcode, 0},
		{"opcode above a byte", Program{r(0x106, 0, 0, 0), retAllow}, RuleOpcode, 0},
		{"internal seccomp load code 0x21", Program{r(0x21, 0, 0, 0), retAllow}, RuleOpcode, 0},
		{"div by constant zero", Program{r(opcode.DivK, 0, 0, 0), retAllow}, RuleDivisionByZero, 0},
		{"mod by constant zero (checked before seccomp refuses mod)", Program{r(opcode.ModK, 0, 0, 0), retAllow}, RuleDivisionByZero, 0},
		{"div by constant one", Program{r(opcode.DivK, 0, 0, 1), retAllow}, 0, 0},
		{"div by X is fine", Program{r(opcode.DivX, 0, 0, 0), retAllow}, 0, 0},
		{"lsh 31", Program{r(opcode.LshK, 0, 0, 31), retAllow}, 0, 0},
		{"lsh 32", Program{r(opcode.LshK, 0, 0, 32), retAllow}, RuleShift, 0},
		{"rsh huge", Program{r(opcode.RshK, 0, 0, 0xffffffff), retAllow}, RuleShift, 0},
		{"lsh x any", Program{r(opcode.LshX, 0, 0, 1000), retAllow}, 0, 0},
		{"st M[16]", Program{r(opcode.St, 0, 0, 16), retAllow}, RuleScratchIndex, 0},
		{"stx M[15]", Program{r(opcode.Stx, 0, 0, 15), retAllow}, 0, 0},
		{"ld M[16]", Program{r(opcode.LdMem, 0, 0, 16), retAllow}, RuleScratchIndex, 0},
		{"ldx M[99]", Program{r(opcode.LdxMem, 0, 0, 99), retAllow}, RuleScratchIndex, 0},
		{"ja to last", Program{r(opcode.Ja, 0, 0, 1), retKill, retAllow}, 0, 0},
		{"ja one past last", Program{r(opcode.Ja, 0, 0, 2), retKill, retAllow}, RuleJumpRange, 0},
		{"ja huge", Program{r(opcode.Ja, 0, 0, 0xffffffff), retAllow}, RuleJumpRange, 0},
		{"ja as last instruction", Program{retAllow, r(opcode.Ja, 0, 0, 0)}, RuleJumpRange, 1},
		{"jeq to last", Program{r(opcode.JeqK, 1, 0, 0), retKill, retAllow}, 0, 0},
		{"jeq true past end", Program{r(opcode.JeqK, 2, 0, 0), retKill, retAllow}, RuleJumpRange, 0},
		{"jset false past end", Program{r(opcode.JsetX, 0, 2, 0), retKill, retAllow}, RuleJumpRange, 0},
		{"jgt as last", Program{retAllow, r(opcode.JgtK, 0, 0, 0)}, RuleJumpRange, 1},
		{"known ancillary, then seccomp refuses the offset", Program{r(opcode.LdWAbs, 0, 0, opcode.SkfAdOff), retAllow}, RuleLoadOffset, 0},
		{"known ancillary byte load, seccomp refuses the opcode", Program{r(opcode.LdBAbs, 0, 0, opcode.SkfAdOff+60), retAllow}, RuleSeccompOpcode, 0},
		{"unknown ancillary", Program{r(opcode.LdWAbs, 0, 0, opcode.SkfAdOff+64), retAllow}, RuleAncillary, 0},
		{"unknown ancillary, unaligned", Program{r(opcode.LdHAbs, 0, 0, opcode.SkfAdOff+2), retAllow}, RuleAncillary, 0},
		{"no return at end", Program{retAllow, r(opcode.LdImm, 0, 0, 0)}, RuleNoReturn, 1},
		{"read before write", Program{r(opcode.LdMem, 0, 0, 3), retAllow}, RuleScratchRead, 0},
		{"write then read", Program{r(opcode.St, 0, 0, 3), r(opcode.LdxMem, 0, 0, 3), retAllow}, 0, 0},
		{"written on one branch only", Program{
			r(opcode.JeqK, 0, 1, 0),  // 0: jeq -> 1 or 2
			r(opcode.St, 0, 0, 2),    // 1: M[2] = A
			r(opcode.LdMem, 0, 0, 2), // 2: join: read M[2]
			retAllow,
		}, RuleScratchRead, 2},
		{"written on both branches", Program{
			r(opcode.JeqK, 0, 2, 0), // 0
			r(opcode.St, 0, 0, 2),   // 1
			r(opcode.Ja, 0, 0, 1),   // 2 -> 4
			r(opcode.St, 0, 0, 2),   // 3
			r(opcode.LdMem, 0, 0, 2),
			retAllow,
		}, 0, 0},
		{"quirk: after a jump nothing targets, every slot counts as written", Program{
			r(opcode.Ja, 0, 0, 1),    // 0 -> 2
			r(opcode.LdMem, 0, 0, 5), // 1: unreachable, analysed with all slots valid
			retAllow,
		}, 0, 0},
		{"quirk: after a ret the state falls through", Program{
			r(opcode.St, 0, 0, 7),
			retAllow,
			r(opcode.LdMem, 0, 0, 7), // unreachable, but M[7] counts as written
			retAllow,
		}, 0, 0},
		{"quirk: unreachable read after ret without write", Program{
			retAllow,
			r(opcode.LdMem, 0, 0, 7),
			retAllow,
		}, RuleScratchRead, 1},
		{"ld h abs is classic only", Program{r(opcode.LdHAbs, 0, 0, 0), retAllow}, RuleSeccompOpcode, 0},
		{"ld b abs", Program{r(opcode.LdBAbs, 0, 0, 0), retAllow}, RuleSeccompOpcode, 0},
		{"ld ind", Program{r(opcode.LdWInd, 0, 0, 0), retAllow}, RuleSeccompOpcode, 0},
		{"ldx msh", Program{r(opcode.LdxMsh, 0, 0, 0), retAllow}, RuleSeccompOpcode, 0},
		{"mod", Program{r(opcode.ModK, 0, 0, 3), retAllow}, RuleSeccompOpcode, 0},
		{"ld [60] fine", Program{r(opcode.LdWAbs, 0, 0, 60), retAllow}, 0, 0},
		{"ld [64]", Program{r(opcode.LdWAbs, 0, 0, 64), retAllow}, RuleLoadOffset, 0},
		{"ld [2]", Program{r(opcode.LdWAbs, 0, 0, 2), retAllow}, RuleLoadOffset, 0},
		{"ld len, ldx len", Program{r(opcode.LdLen, 0, 0, 0), r(opcode.LdxLen, 0, 0, 0), retAllow}, 0, 0},
		{"unused fields are not checked", Program{r(opcode.LdImm, 9, 9, 0), r(opcode.RetK, 3, 4, 0)}, 0, 0},
		{"kernel order: a generic failure later wins over a seccomp failure earlier", Program{
			r(opcode.LdHAbs, 0, 0, 0), // seccomp would refuse this...
			r(opcode.DivK, 0, 0, 0),   // ...but bpf_check_classic refuses this first
			retAllow,
		}, RuleDivisionByZero, 1},
		{"kernel order: missing ret before scratch check", Program{r(opcode.LdMem, 0, 0, 0), r(opcode.LdImm, 0, 0, 0)}, RuleNoReturn, 1},
		{"kernel order: scratch check before seccomp allowlist", Program{r(opcode.ModK, 0, 0, 3), r(opcode.LdMem, 0, 0, 0), retAllow}, RuleScratchRead, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Verify(tc.prog)
			if tc.rule == 0 {
				assert.NoError(t, err)
				return
			}
			var ve *VerifyError
			require.True(t, errors.As(err, &ve), "want *VerifyError, got %v", err)
			assert.Equal(t, tc.rule, ve.Rule, "rule; error: %v", err)
			assert.Equal(t, tc.index, ve.Index, "index; error: %v", err)
			if ve.Index >= 0 {
				assert.Equal(t, tc.prog[ve.Index], ve.Insn)
				assert.Contains(t, err.Error(), "instruction "+itoa(ve.Index))
			}
			assert.Contains(t, err.Error(), tc.rule.String())
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestRuleNames(t *testing.T) {
	for r := RuleLength; r <= RuleLoadOffset; r++ {
		assert.NotContains(t, r.String(), "Rule(", "rule %d has no description", int(r))
	}
	assert.Equal(t, "VerifyRule(99)", VerifyRule(99).String())
}

// allowFilter is n-1 loads of nr and RET ALLOW.
func allowFilter(n int) Program {
	p := make(Program, n)
	for i := range p {
		p[i] = r(opcode.LdWAbs, 0, 0, 0)
	}
	p[n-1] = retAllow
	return p
}

// The expectations are what the kernel of this machine did (see
// TestKernelStackLimit, which checks CheckStackLimit against it directly).
func TestStackLimit(t *testing.T) {
	assert.Equal(t, 5, KernelLen(Program{retAllow}), "3 of prologue, 2 for RET K")
	assert.Equal(t, 4+4096, KernelLen(allowFilter(4096)))
	// 3641 one-instruction filters fit, not the 6554 a classic count gives.
	var attached []Program
	for CheckStackLimit(attached, allowFilter(1)) == nil {
		attached = append(attached, allowFilter(1))
	}
	assert.Equal(t, 3641, len(attached))
	// Seven 4096-instruction filters, then at most 4036 instructions.
	seven := []Program{}
	for i := 0; i < 7; i++ {
		seven = append(seven, allowFilter(4096))
	}
	assert.NoError(t, CheckStackLimit(seven, allowFilter(4036)))
	err := CheckStackLimit(seven, allowFilter(4037))
	var se *StackLimitError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 32769, se.Total)
	assert.Equal(t, 4037+4, se.New)
	assert.Contains(t, err.Error(), "32768")
	assert.Error(t, CheckStackLimit(append(seven, allowFilter(4036)), allowFilter(1)))
	// Jumps: +1 for a negative constant, +1 when jf is not 0 unless the
	// test can be inverted (jt == 0, not JSET); DIV X: 5; RET A: 1.
	for _, tc := range []struct {
		in   bpf.RawInstruction
		want int
	}{
		{r(opcode.JeqK, 0, 0, 1), 1},
		{r(opcode.JeqK, 1, 0, 1), 1},
		{r(opcode.JeqK, 0, 1, 1), 1},
		{r(opcode.JeqK, 1, 1, 1), 2},
		{r(opcode.JsetK, 0, 1, 1), 2},
		{r(opcode.JgtK, 1, 1, 0x80000000), 3},
		{r(opcode.JgeX, 1, 1, 0x80000000), 2},
		{r(opcode.DivX, 0, 0, 0), 5},
		{r(opcode.RetA, 0, 0, 0), 1},
		{r(opcode.LdImm, 0, 0, 0), 1},
	} {
		assert.Equal(t, 3+tc.want, KernelLen(Program{tc.in}), "%#v", tc.in)
	}
}

/* Writes the pseudo filter code of libseccomp for the filter of
 * libseccomp/golden_test.go (TestExportPFCGolden). */
#include <stdio.h>
#include <seccomp.h>
int main(int argc, char **argv) {
	int opt = argc > 1 ? 2 : 1;
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx) return 1;
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, opt);
	if (seccomp_arch_add(ctx, SCMP_ARCH_X86)) return 2;
	if (seccomp_arch_add(ctx, SCMP_ARCH_AARCH64)) return 2;
	int rc = 0;
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(read), 1, SCMP_A2(SCMP_CMP_LE, 64));
	unsigned long long v = 128;
	for (int i = 0; i < 8; i++, v *= 2)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(5 + i), SCMP_SYS(read), 1, SCMP_A2(SCMP_CMP_GT, v));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_EQ, 1));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_EQ, 2));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1), SCMP_SYS(personality), 1, SCMP_A0(SCMP_CMP_NE, 0xffffffff));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1), SCMP_SYS(clone), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, 0x7e020000, 0x10000000));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_TRAP, SCMP_SYS(kill), 2, SCMP_A0(SCMP_CMP_LT, 1), SCMP_A1(SCMP_CMP_GE, 9));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(getpid), 0);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_LOG, SCMP_SYS(openat), 0);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_TRACE(7), SCMP_SYS(close), 0);
	rc |= seccomp_syscall_priority(ctx, SCMP_SYS(close), 200);
	if (rc) return 3;
	seccomp_export_pfc(ctx, 1);
	return 0;
}

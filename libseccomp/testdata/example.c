/* Writes the pseudo filter code of libseccomp for the filter of
 * libseccomp/example_test.go (buildFilter, Example): gcc example.c -lseccomp
 * && ./a.out > example.pfc. TestExamplePFC compares with it. */
#include <stdio.h>
#include <errno.h>
#include <seccomp.h>
int main(void) {
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	if (!ctx) return 1;
	if (seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE)) return 2;
	if (seccomp_arch_add(ctx, SCMP_ARCH_X86_64)) return 2;
	if (seccomp_arch_add(ctx, SCMP_ARCH_X86)) return 2;
	int rc = 0;
	const char *allow[] = {"read", "write", "close", "exit_group", "getpid"};
	for (int i = 0; i < 5; i++)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, seccomp_syscall_resolve_name(allow[i]), 0);
	unsigned long long pers[] = {0, 8, 0x20000, 0xffffffff};
	for (int i = 0; i < 4; i++)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, seccomp_syscall_resolve_name("personality"), 1, SCMP_A0(SCMP_CMP_EQ, pers[i]));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, seccomp_syscall_resolve_name("clone"), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, 0x7e020000, 0));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), seccomp_syscall_resolve_name("clone3"), 0);
	if (rc) return 3;
	seccomp_export_pfc(ctx, 1);
	return 0;
}

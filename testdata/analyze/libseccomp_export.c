/*
 * libseccomp_export.c writes two filters built with libseccomp, exported
 * with seccomp_export_bpf, for the tests of package analyze and of the
 * explain, audit and diff verbs:
 *
 *   libseccomp_allow.bpf  an allowlist: KILL_PROCESS by default; read; write
 *                         to fd 1 or 2; close, exit, exit_group, brk; openat
 *                         read-only (flags & O_ACCMODE == O_RDONLY); mmap
 *                         without PROT_EXEC; ERRNO(EPERM) for getpid
 *   libseccomp_deny.bpf   a deny list: ALLOW by default; ERRNO(EPERM) for
 *                         ptrace, mount and execve; openat with O_CREAT
 *                         gets ERRNO(EACCES); kill(pid <= 0) KILL_PROCESS
 *
 * Both for x86_64 (the native arch of the machine that built them). See
 * README.md for the command.
 */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void check(int rc, const char *what)
{
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", what, strerror(-rc));
		exit(1);
	}
}

static void export(scmp_filter_ctx ctx, const char *path)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL) {
		perror(path);
		exit(1);
	}
	check(seccomp_export_bpf(ctx, fileno(f)), "seccomp_export_bpf");
	fclose(f);
}

int main(void)
{
	scmp_filter_ctx ctx;

	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(read), 0), "read");
	check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_EQ, 1)), "write 1");
	check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_EQ, 2)), "write 2");
	check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(close), 0), "close");
	check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(exit), 0), "exit");
	check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(exit_group), 0), "exit_group");
	check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(brk), 0), "brk");
	check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
			       SCMP_A2(SCMP_CMP_MASKED_EQ, O_ACCMODE, O_RDONLY)), "openat");
	check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
			       SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)), "mmap");
	check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(getpid), 0), "getpid");
	export(ctx, "libseccomp_allow.bpf");
	seccomp_release(ctx);

	ctx = seccomp_init(SCMP_ACT_ALLOW);
	check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ptrace), 0), "ptrace");
	check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mount), 0), "mount");
	check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(execve), 0), "execve");
	check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat), 1,
			       SCMP_A2(SCMP_CMP_MASKED_EQ, O_CREAT, O_CREAT)), "openat");
	check(seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(kill), 1, SCMP_A0(SCMP_CMP_LE, 0)), "kill");
	export(ctx, "libseccomp_deny.bpf");
	seccomp_release(ctx);
	return 0;
}

/* sigsys: catch the SIGSYS of a seccomp TRAP and print what it carries.
 * Used by TestInstallTrapSiginfo: it runs under a filter installed by the
 * Go test child (filters survive execve) that traps system call 1001. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

static volatile sig_atomic_t got;
static siginfo_t info;

static void handler(int sig, siginfo_t *si, void *ctx) {
	(void)sig; (void)ctx;
	info = *si;
	got = 1;
}

int main(void) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGSYS, &sa, NULL) != 0) {
		perror("sigaction");
		return 2;
	}
	syscall(1001, 1, 2, 3);
	if (!got) {
		printf("no SIGSYS\n");
		return 1;
	}
	printf("signo %d code %d errno %d syscall %d arch %#x\n", info.si_signo, info.si_code,
	       info.si_errno, info.si_syscall, info.si_arch);
	return 0;
}

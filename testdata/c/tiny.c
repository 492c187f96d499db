/*
 * tiny: a static program that makes exactly two system calls, write(1,
 * "tiny\n", 5) and exit_group(0), and nothing before them: no C library,
 * no dynamic loader. The exec tests run it under a filter that allows only
 * those two and execve.
 *
 * Built with: cc -static -nostdlib -no-pie -fno-stack-protector -o tiny tiny.c
 */
static const char msg[] = "tiny\n";

#if defined(__x86_64__)
void _start(void)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(1L), "D"(1L), "S"(msg), "d"(5L) : "rcx", "r11", "memory");
	__asm__ volatile("syscall" : "=a"(ret) : "a"(231L), "D"(0L) : "rcx", "r11", "memory");
	for (;;)
		;
}
#elif defined(__aarch64__)
void _start(void)
{
	register long x8 __asm__("x8");
	register long x0 __asm__("x0");
	register long x1 __asm__("x1");
	register long x2 __asm__("x2");
	x8 = 64; /* write */
	x0 = 1;
	x1 = (long)msg;
	x2 = 5;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	x8 = 94; /* exit_group */
	x0 = 0;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8) : "memory");
	for (;;)
		;
}
#else
#error "tiny: x86_64 or aarch64 only"
#endif

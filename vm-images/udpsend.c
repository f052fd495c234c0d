/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * udpsend: the tiny test guest's UDP job (busybox's nc has no UDP mode).
 * `udpsend IP PORT COUNT` sends COUNT datagrams "nfva-udp N" to IP:PORT,
 * 100 ms apart. Built static by build-test-guest.sh when a C compiler exists.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	char buf[64];

	if (argc != 4 || inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
		fprintf(stderr, "usage: udpsend IP PORT COUNT\n");
		return 2;
	}
	to.sin_port = htons((unsigned short)atoi(argv[2]));
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	for (int i = 0, n = atoi(argv[3]); i < n; i++) {
		int len = snprintf(buf, sizeof(buf), "nfva-udp %d\n", i);
		if (sendto(fd, buf, (size_t)len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
			perror("sendto");
		usleep(100000);
	}
	close(fd);
	return 0;
}

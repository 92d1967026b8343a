// A signal handler may only touch a volatile sig_atomic_t; Swift cannot declare one, so the
// handler lives here and Swift polls the flag between steps.
#include <signal.h>
#include <string.h>
#include "liphase_signals.h"

static volatile sig_atomic_t received = 0;

static void record(int signal_number) { received = signal_number; }

void liphase_install_stop_handlers(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = record;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGUSR1, &action, NULL);
}

int liphase_stop_signal(void) { return received; }

void liphase_request_stop(int signal_number) { received = signal_number; }
